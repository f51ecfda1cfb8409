// The client's DOM side in headless Chromium against the real server: the
// screen-reader mirror read from Chromium's accessibility tree (playwright's
// ariaSnapshot and the DevTools protocol's Accessibility.getFullAXTree).
// Starts its own server on port 0; exits 1 on a failed check.
//   node tests/web/dom_test.mjs --server build/native/server/chatroom-server --dist build/wasm/web/dist
import { ChatServer } from '../support/server.mjs';
import { click, inputHandled, inputMark, launchChromium, login as loginAt, newPage as newBrowserPage, say, state, waitFor } from '../support/browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const dist = arg('--dist', 'build/wasm/web/dist');
const serverBin = arg('--server', 'build/native/server/chatroom-server');
const only = arg('--only', '');

let failures = 0;
export function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures++;
  return ok;
}

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
  for (const m of onScreen) {
    const ok = tree.includes(m.name) && tree.includes(m.time_label) && tree.includes(m.text);
    check(ok, `the log in the accessibility tree has "${m.text}" by ${m.name} at ${m.time_label}`, ok ? '' : tree.replace(/\n/g, ' | '));
  }
  const body = await eric.locator('body').ariaSnapshot();
  for (const name of ['Send message', 'Log out']) {
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

const server = new ChatServer({ bin: serverBin, dist, args: ['--rate-limit', '0'] });
const browser = await launchChromium();
try {
  await server.start();
  if (!only || only === 'a11y') await accessibility(browser, server);
} catch (e) {
  check(false, 'the run completes', e.stack || String(e));
} finally {
  await browser.close();
  await server.dispose();
}
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
