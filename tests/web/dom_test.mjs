// The client's DOM side in headless Chromium against the real server: the
// screen-reader mirror read from Chromium's accessibility tree (playwright's
// ariaSnapshot and the DevTools protocol's Accessibility.getFullAXTree), the
// emoji picker and :shortcode: completion. Starts its own server on port 0; exits 1 on a failed check.
//   node tests/web/dom_test.mjs --server build/native/server/chatroom-server --dist build/wasm/web/dist
import { ChatServer } from '../support/server.mjs';
import { click, inputHandled, inputMark, login as loginAt, newPage as newBrowserPage, say, state, waitFor, withServerAndBrowser } from '../support/browser.mjs';
import { arg, check, finish } from '../support/checks.mjs';

const dist = arg('--dist', 'build/wasm/web/dist');
const serverBin = arg('--server', 'build/native/server/chatroom-server');
const only = arg('--only', '');

async function accessibility(browser, server) {
  const newPage = () => newBrowserPage(browser, {}, { onPageError: (e) => check(false, 'no page errors', e.message) });
  const eric = await newPage();
  const amy = await newPage();

  await eric.goto(server.url);
  await eric.waitForFunction(() => window.chatroom && window.chatroom.rect('login.username'), null, { timeout: 15000 });
  const loginTree = await eric.locator('body').ariaSnapshot();
  check(/textbox "Username"/.test(loginTree) && /textbox "Password"/.test(loginTree) && /button "Log in"/.test(loginTree),
    'the login page has labelled fields and its button in the accessibility tree', loginTree.replace(/\n/g, ' | '));

  await loginAt(eric, server.url, 'user1');
  await loginAt(amy, server.url, 'user2');
  await say(amy, 'Hello from Amy 👋');
  await say(eric, 'Reply with **bold** and 日本語');
  await say(amy, 'Ünïcödé — and a link https://example.com/a_(b)');
  const s = await waitFor(eric, (st) => st.messages.length >= 3 && st.visible.length >= 3, 'three messages on screen');

  // Every message on screen is in the tree: its author, time and text, inside the log.
  const log = eric.getByRole('log', { name: 'Messages' });
  const tree = await log.ariaSnapshot({ timeout: 5000 });
  const onScreen = s.messages.filter((m) => s.visible.includes(m.id));
  // The text as shown: markers left out, a link as a link with its address.
  const shown = (t) => {
    const l = /^(.*?)(https?:\/\/\S+)$/.exec(t.replace(/\*\*/g, ''));
    return l ? [l[1].trim(), `link "${l[2]}"`, `/url: ${l[2]}`] : [t.replace(/\*\*/g, '')];
  };
  for (const m of onScreen) {
    const ok = tree.includes(m.name) && tree.includes(m.time_label) && shown(m.text).every((part) => tree.includes(part));
    check(ok, `the log in the accessibility tree has "${m.text}" by ${m.name} at ${m.time_label}`, ok ? '' : tree.replace(/\n/g, ' | '));
  }
  const body = await eric.locator('body').ariaSnapshot();
  for (const name of ['Send message', 'Insert emoji', 'Log out']) {
    check(body.includes(`button "${name}"`), `the button "${name}" is in the accessibility tree`);
  }
  check(/status.*Connected/.test(body), 'the connection status is in the accessibility tree');

  // The log is a polite live region in Chromium's own tree, so a new message is announced.
  const cdp = await eric.context().newCDPSession(eric);
  const axLog = async () => {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const node = nodes.find((n) => n.role?.value === 'log');
    return { node, nodes };
  };
  const { node } = await axLog();
  const live = node?.properties?.find((p) => p.name === 'live')?.value?.value;
  check(node && live === 'polite', 'Chromium\'s accessibility tree has the log as a polite live region', `live=${live}`);
  await say(amy, 'A new one arrives');
  await eric.waitForFunction(() => [...document.querySelectorAll('[role=log] article')].some((a) => a.textContent.includes('A new one arrives')));
  const { nodes } = await axLog();
  check(nodes.some((n) => n.name?.value?.includes('A new one arrives')), 'the new message reaches Chromium\'s accessibility tree');

  // The online list, opened with the mouse, is a dialog in the tree.
  await click(eric, 'topbar.online');
  await waitFor(eric, (st) => st.online_open, 'the online list to open');
  const dialog = await eric.getByRole('dialog', { name: 'Online now' }).ariaSnapshot({ timeout: 5000 }).catch((e) => e.message);
  check(dialog.includes('Eric Lin (you)') && dialog.includes('Amy Rawlings'), 'the online list is a dialog naming who is online', dialog.replace(/\n/g, ' | '));
  await eric.keyboard.press('Escape');
  await eric.context().close();
  await amy.context().close();
}

async function emoji(browser, server) {
  const p = await newBrowserPage(browser, {}, { onPageError: (e) => check(false, 'no page errors', e.message) });
  const fetched = [];
  p.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await loginAt(p, server.url, 'user3');
  check(!fetched.some((f) => f.includes('emoji')), 'the first load fetches no emoji code or data', fetched.join(' '));

  // The picker inserts at the caret: "ab" with the caret between a and b.
  await click(p, 'composer.text');
  await p.keyboard.type('ab');
  await p.keyboard.press('ArrowLeft');
  await click(p, 'composer.emoji');
  const search = p.getByRole('searchbox', { name: 'Search emoji' });
  await search.waitFor({ timeout: 10000 });
  check(await search.evaluate((e) => e === document.activeElement), 'the picker opens with its search field focused');
  await p.keyboard.type('grinning face with big');
  await p.getByRole('button', { name: 'grinning face with big eyes', exact: true }).waitFor({ timeout: 5000 });
  await p.keyboard.press('Enter');
  let s = await waitFor(p, (st) => st.composer.text === 'a😃b', 'the emoji inserted at the caret');
  check(s.composer.focused, 'the composer has the focus back');

  // Recent first, and the picker is a dialog of real buttons reached with the keyboard.
  await click(p, 'composer.emoji');
  const dialog = p.getByRole('dialog', { name: 'Emoji' });
  await dialog.waitFor();
  const firstGroup = await dialog.getByRole('group').first().getAttribute('aria-label');
  const firstButton = await dialog.getByRole('group').first().getByRole('button').first().textContent();
  check(firstGroup === 'Recent' && firstButton === '😃', 'recently used emoji come first', `${firstGroup} ${firstButton}`);
  await p.keyboard.press('ArrowDown');  // from the search field into the grid
  await p.keyboard.press('ArrowRight');
  const focused = await p.evaluate(() => document.activeElement.getAttribute('aria-label'));
  check(typeof focused === 'string' && focused.length > 0, 'arrow keys move between the emoji buttons', focused);
  await p.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  check(await p.evaluate(() => document.activeElement.dataset.name === 'composer.text'), 'Escape closes the picker back to the composer');
  const recent = await p.evaluate(() => localStorage.getItem('chatroom.emoji.recent'));
  check(recent === '["😃"]', 'the recent emoji are kept in localStorage', recent);

  // :shortcode: completion: ":smi" offers matches, Enter picks (and sends nothing).
  await p.keyboard.press('End');
  await p.keyboard.type(' :smi');
  const listbox = p.getByRole('listbox', { name: 'Emoji suggestions' });
  await listbox.waitFor({ timeout: 10000 });
  const options = await listbox.getByRole('option').allTextContents();
  check(options.length > 0 && options.every((o) => o.includes(':') && o.toLowerCase().includes('smi')), 'typing :smi offers matching shortcodes', options.join(', '));
  const expanded = await p.evaluate(() => document.activeElement.getAttribute('aria-expanded'));
  check(expanded === 'true', 'the composer says its suggestions are open (aria-expanded)');
  const first = options[0].trim().split(/\s+/)[0];
  const before = (await state(p)).messages.length;
  const mark = await inputMark(p);
  await p.keyboard.press('Enter');
  await inputHandled(p, 'Enter in the suggestions', { since: mark });
  s = await waitFor(p, (st) => st.composer.text === `a😃b ${first}`, 'the first suggestion replacing :smi');
  check(s.messages.length === before, 'Enter picked the suggestion and sent nothing');

  // Tab picks too; Escape closes and leaves the text; a whole :shortcode: becomes its emoji.
  await p.keyboard.type(' :joy');
  await listbox.waitFor();
  await p.keyboard.press('Escape');
  await listbox.waitFor({ state: 'hidden' });
  s = await waitFor(p, (st) => st.composer.text.endsWith(' :joy'), 'Escape leaving ":joy" as typed');
  check(s.composer.focused, 'Escape in the suggestions keeps the composer focused');
  await p.keyboard.type(':');
  s = await waitFor(p, (st) => st.composer.text.endsWith(' 😂'), 'a whole :joy: becoming 😂');
  await p.keyboard.type(' :thumbs');
  await listbox.waitFor();
  await p.keyboard.press('Tab');
  s = await waitFor(p, (st) => st.composer.text.includes('👍'), 'Tab picking :thumbsup:');
  await p.keyboard.press('Enter');
  s = await waitFor(p, (st) => st.messages.some((m) => m.text.startsWith(`a😃b ${first} 😂 👍`) && m.state === 'sent'), 'the message with the emoji sent');
  check(true, 'Enter with no suggestions open sends');
  await p.context().close();
}

const server = new ChatServer({ bin: serverBin, dist, args: ['--rate-limit', '0'] });
await withServerAndBrowser(server, async (browser) => {
  if (!only || only === 'a11y') await accessibility(browser, server);
  if (!only || only === 'emoji') await emoji(browser, server);
}, (e) => check(false, 'the run completes', e.stack || String(e)));
finish();
