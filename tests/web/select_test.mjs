// Selecting and copying message text, in headless Chromium against the real
// server, reading the real clipboard back (clipboard-read and clipboard-write
// granted through Playwright's grantPermissions, i.e. the DevTools protocol's
// Browser.grantPermissions): the message menu copies the exact original body in
// every script (emoji ZWJ sequences, formatting markers); a drag across words,
// across wrapped lines, over formatting and right to left, then Ctrl+C, copies
// exactly the original bytes of the range chosen; a double-click takes a word,
// a triple-click the message; a click on a card then Ctrl+C copies the whole
// body; a drag starting on a link selects and opens nothing; the composer's own
// Ctrl+C still copies the composer's text; the screen-reader mirror has a
// "Copy text" button per message, reachable by keyboard, that fills the
// clipboard; a failed message's Retry and Discard are there too. Exits 1 on the first failed check.
//   node tests/web/select_test.mjs --server build/native/server/chatroom-server --dist build/wasm/web/dist
import { artifact } from '../e2e/artifacts.mjs';
import { ChatServer, postOverSocket } from '../support/server.mjs';
import { click, inputHandled, inputMark, login, newPage, state, until, waitFor, withServerAndBrowser } from '../support/browser.mjs';
import { arg, check, finish } from '../support/checks.mjs';

const server = new ChatServer({ bin: arg('--server', 'build/native/server/chatroom-server'), dist: arg('--dist', 'build/wasm/web/dist'),
  args: ['--rate-limit', '0'] });

/** Runs one part; an error in it (a missing hook, a timeout) is that part's failure, and the others still run. */
async function part(what, fn) {
  try {
    await fn();
  } catch (e) {
    check(false, what, String(e.message ?? e).split('\n')[0]);
  }
}

const bytes = (s) => Buffer.byteLength(s);
/** The original text of bytes [b, e) of `body`. */
const sliceBytes = (body, b, e) => Buffer.from(body).subarray(b, e).toString();
const clipboard = (p) => p.evaluate(() => navigator.clipboard.readText());
/** Puts a marker in the clipboard, so that what a copy writes is not what was there before. */
const resetClipboard = (p) => p.evaluate(() => navigator.clipboard.writeText('(nothing copied)'));
const copied = (p, expected, what) => until(() => clipboard(p), (t) => t === expected, what, 5000).then(() => true, () => false);

/** The viewport point on the start side (`side` 'start') of the character at byte `at` of message `id`'s text,
 *  or on the end side ('end') of the character ending at byte `at`, 1 px inside it: where the pointer selects from there. */
async function pointAt(p, id, at, side, charBytes) {
  const [b, e] = side === 'start' ? [at, at + charBytes] : [at - charBytes, at];
  const rects = await p.evaluate(({ id, b, e }) => window.chatroom.textRects(id, b, e), { id, b, e });
  if (!rects || rects.length !== 1) throw new Error(`no single rectangle for bytes ${b}..${e} of message ${id}: ${JSON.stringify(rects)}`);
  const [r] = rects;
  return { r, y: r.y + r.height / 2 };
}

/** Drags from the start of `from` to the end of `to` (both substrings of `body`, message `id`), `rtl` for a
 *  right-to-left text; returns the byte range [begin, end) that covers. */
async function dragSelect(p, id, body, from, to, { rtl = false, fromAt = body.indexOf(from), toAt = body.indexOf(to) } = {}) {
  const b = bytes(body.slice(0, fromAt)), e = bytes(body.slice(0, toAt + to.length));
  const first = await pointAt(p, id, b, 'start', bytes(Array.from(from)[0]));
  const last = await pointAt(p, id, e, 'end', bytes(Array.from(to).at(-1)));
  // Left to right the start side of a character is its left edge; right to left, its right edge.
  const x0 = rtl ? first.r.x + first.r.width - 1 : first.r.x + 1;
  const x1 = rtl ? last.r.x + 1 : last.r.x + last.r.width - 1;
  const mark = await inputMark(p);
  await p.mouse.move(x0, first.y);
  await p.mouse.down();
  await p.mouse.move((x0 + x1) / 2, (first.y + last.y) / 2, { steps: 3 });
  await p.mouse.move(x1, last.y, { steps: 3 });
  await p.mouse.up();
  await inputHandled(p, `the drag from "${from}" to "${to}"`, { since: mark });
  return [b, e];
}

/** Ctrl+C, then the clipboard checked against `expected`, and the toast. */
async function copyAndCheck(p, expected, what) {
  await resetClipboard(p);
  const mark = await inputMark(p);
  await p.keyboard.press('Control+c');
  const ok = await copied(p, expected, what);
  check(ok, what, `clipboard ${JSON.stringify(await clipboard(p))}, expected ${JSON.stringify(expected)}`);
  const s = await inputHandled(p, 'Ctrl+C', { since: mark });
  if (ok) check(s.toast === 'Copied to the clipboard', `${what}: the toast says so`, s.toast);
}

async function run(browser) {
  const texts = {
    scripts: 'Ünïcödé **bold**, `code`, _it_ — 日本語 Привет مرحبا हिन्दी 👩‍💻 👨‍👩‍👧 🇯🇵 end',
    words: 'alpha beta gamma delta epsilon',
    wrapped: Array.from({ length: 24 }, (_, i) => `word${i}`).join(' '),
    marked: 'one **two three** four',
    rtl: 'שלום עולם יפה מאוד',
    link: 'see https://example.invalid/page now',
    zwj: '👩‍👩‍👧‍👦 family 🏳️‍🌈',
  };
  const keys = Object.keys(texts);
  const idList = await postOverSocket(server, 'user2', keys.map((k) => texts[k]));
  const ids = Object.fromEntries(keys.map((k, i) => [k, idList[i]]));

  const p = await newPage(browser, { viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 },
    { permissions: ['clipboard-read', 'clipboard-write'], origin: server.origin, onPageError: (e) => check(false, 'no page errors', e.message) });
  await login(p, server.url, 'user1');
  await waitFor(p, (s) => idList.every((id) => s.visible.includes(id)) && !s.text_pending, 'the messages on screen, drawn');

  await part('the message menu copies the exact body', async () => {
    for (const k of ['scripts', 'zwj']) {
      await resetClipboard(p);
      await click(p, `message.${ids[k]}`, { button: 'right' });
      await click(p, 'menu.copy');
      check(await copied(p, texts[k], `menu copy of "${k}"`), `the menu's "Copy text" puts exactly the ${k} message in the clipboard`,
        JSON.stringify(await clipboard(p)));
    }
  });

  await part('a clicked message copies whole', async () => {
    const r = await p.evaluate((n) => window.chatroom.rect(n), `message.${ids.marked}`);
    await p.mouse.click(r.x + r.width - 6, r.y + r.height - 6);  // on the card, off its text
    const s = await inputHandled(p, 'the click on the card');
    check(s.selection && s.selection.selected === ids.marked, 'a click on a card selects the message', JSON.stringify(s.selection));
    await copyAndCheck(p, texts.marked, 'Ctrl+C on a clicked message copies its exact body, markers and all');
  });

  await part('the screen-reader mirror has the actions', async () => {
    const log = p.locator('#a11y [role=log]');
    const snapshot = await log.ariaSnapshot();
    const buttons = (snapshot.match(/button "Copy text"/g) || []).length;
    check(buttons === idList.length, 'the accessibility tree has a "Copy text" button for each message', `${buttons} of ${idList.length}`);
    // By keyboard: Shift+Tab back from the composer reaches the newest message's actions, Up the one before.
    await click(p, 'composer.text');
    let reached = null;
    for (let i = 0; i < 8 && !reached; ++i) {
      await p.keyboard.press('Shift+Tab');
      reached = await p.evaluate(() => {
        const a = document.activeElement;
        return a && a.closest('#a11y article') ? { label: a.textContent, text: a.closest('article').querySelector('p').textContent } : null;
      });
    }
    check(reached && reached.label === 'Copy text' && reached.text === texts.zwj,
      'Shift+Tab from the composer reaches the newest message\'s "Copy text"', JSON.stringify(reached));
    await p.keyboard.press('ArrowUp');
    const up = await p.evaluate(() => document.activeElement.closest('article')?.querySelector('p').textContent);
    check(up === texts.link, 'ArrowUp moves to the message before', up);
    await resetClipboard(p);
    await p.keyboard.press('Enter');
    check(await copied(p, texts.link, 'the mirror copy'), 'Enter on the mirror\'s "Copy text" puts that message in the clipboard',
      JSON.stringify(await clipboard(p)));
    const s = await waitFor(p, (st) => st.toast !== '', 'the toast');
    check(s.toast === 'Copied to the clipboard', 'with the same toast', s.toast);
  });

  await part('drag selections', async () => {
    let [b, e] = await dragSelect(p, ids.words, texts.words, 'beta', 'gamma');
    let s = await state(p);
    check(s.selection.message === ids.words && s.selection.begin === b && s.selection.end === e,
      'a drag from the start of word 2 to the end of word 3 selects exactly those bytes', JSON.stringify(s.selection));
    await p.screenshot({ path: artifact('select-drag.png') });
    await copyAndCheck(p, sliceBytes(texts.words, b, e), 'Ctrl+C copies the selected "beta gamma"');

    // The composer's own copy is untouched while a message selection stands.
    await click(p, 'composer.text');
    await p.keyboard.insertText('composer words');
    await p.keyboard.press('Control+a');
    await resetClipboard(p);
    await p.keyboard.press('Control+c');
    check(await copied(p, 'composer words', 'composer copy'), 'Ctrl+C in the composer copies the composer\'s text',
      JSON.stringify(await clipboard(p)));
    await p.keyboard.press('Backspace');

    [b, e] = await dragSelect(p, ids.wrapped, texts.wrapped, 'word2', 'word17');
    const lines = new Set((await p.evaluate(({ id, b, e }) => window.chatroom.textRects(id, b, e), { id: ids.wrapped, b, e })).map((r) => r.y));
    check(lines.size >= 2, 'the wrapped selection spans lines', `${lines.size} lines`);
    await copyAndCheck(p, sliceBytes(texts.wrapped, b, e), 'a selection across wrapped lines copies exactly "word2 … word17"');

    [b, e] = await dragSelect(p, ids.marked, texts.marked, 'one', 'three');
    await copyAndCheck(p, sliceBytes(texts.marked, b, e), 'a selection over bold copies the original with the marker inside it');
    check(sliceBytes(texts.marked, b, e) === 'one **two three', 'that is "one **two three"');

    [b, e] = await dragSelect(p, ids.rtl, texts.rtl, 'עולם', 'יפה', { rtl: true });
    s = await state(p);
    check(s.selection.begin === b && s.selection.end === e, 'right to left: a drag over words 2 and 3 selects their bytes',
      JSON.stringify(s.selection));
    await p.screenshot({ path: artifact('select-rtl.png') });
    await copyAndCheck(p, 'עולם יפה', 'right to left: Ctrl+C copies "עולם יפה"');

    // Dragging out of the message clamps to it: from "gamma" to far below the card, the rest of the message.
    const g = bytes(texts.words.slice(0, texts.words.indexOf('gamma')));
    const start = await pointAt(p, ids.words, g, 'start', 1);
    const mark = await inputMark(p);
    await p.mouse.move(start.r.x + 1, start.y);
    await p.mouse.down();
    await p.mouse.move(start.r.x + 40, start.y + 300, { steps: 4 });
    await p.mouse.up();
    s = await inputHandled(p, 'the drag out of the message', { since: mark });
    check(s.selection.message === ids.words && s.selection.begin === g && s.selection.end === bytes(texts.words),
      'a drag out below the message selects to its end', JSON.stringify(s.selection));
  });

  await part('clicks', async () => {
    const w = bytes(texts.words.slice(0, texts.words.indexOf('delta')));
    const at = await pointAt(p, ids.words, w, 'start', 1);
    let mark = await inputMark(p);
    await p.mouse.dblclick(at.r.x + at.r.width + 4, at.y);
    let s = await inputHandled(p, 'the double-click', { since: mark });
    check(s.selection.begin === w && s.selection.end === w + 5, 'a double-click selects the word', JSON.stringify(s.selection));
    await copyAndCheck(p, 'delta', 'Ctrl+C copies the double-clicked word');

    mark = await inputMark(p);
    await p.mouse.click(at.r.x + 2, at.y, { clickCount: 3 });
    s = await inputHandled(p, 'the triple-click', { since: mark });
    check(s.selection.begin === 0 && s.selection.end === bytes(texts.words), 'a triple-click selects the message', JSON.stringify(s.selection));

    // A click elsewhere in the list clears the selection.
    const list = await p.evaluate((n) => window.chatroom.rect(n), `message.${ids.words}`);
    mark = await inputMark(p);
    await p.mouse.click(list.x - 40 > 0 ? list.x - 30 : 5, list.y + list.height / 2);
    s = await inputHandled(p, 'the click beside the cards', { since: mark });
    check(s.selection.message === 0 && s.selection.selected === 0, 'a click elsewhere clears the selection', JSON.stringify(s.selection));

    // A drag that starts on a link selects and opens nothing; the link still opens on a plain click (web.links).
    const pages = p.context().pages().length;
    const [b, e] = await dragSelect(p, ids.link, texts.link, 'https', 'now');
    s = await state(p);
    check(s.selection.begin === b && s.selection.end === e && p.context().pages().length === pages,
      'a drag that starts on a link selects, and no page opens', JSON.stringify(s.selection));
    await copyAndCheck(p, 'https://example.invalid/page now', 'Ctrl+C copies the selected link text');
  });
  await p.context().close();

  await part('a failed message\'s actions in the mirror', async () => {
    // The page's socket goes through to the real server, but sends starting "refused:" are answered as the server
    // answers a failed store write while `refuse` is on (as web.browser does for the card's Retry and Discard).
    const k = await newPage(browser, {}, { onPageError: (e) => check(false, 'no page errors', e.message) });
    let refuse = true;
    await k.routeWebSocket(/\/websocket\/chatroom/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((m) => {
        let f = null;
        try { f = typeof m === 'string' ? JSON.parse(m) : null; } catch { /* not JSON */ }
        if (refuse && f && f.type === 'send' && String(f.message).startsWith('refused:')) {
          ws.send(JSON.stringify({ type: 'error', code: 'unavailable', message: 'The message could not be stored.', client_id: f.client_id }));
        } else {
          upstream.send(m);
        }
      });
    });
    await login(k, server.url, 'kenji');
    for (const text of ['refused: retry me', 'refused: discard me']) {
      await click(k, 'composer.text');
      await k.keyboard.insertText(text);
      await k.keyboard.press('Enter');
      await waitFor(k, (x) => x.messages.some((m) => m.text === text && m.state === 'failed'), `"${text}" failed`);
    }
    const article = (text) => k.locator('#a11y article', { hasText: text });
    const tree = await article('refused: retry me').ariaSnapshot();
    check(['Copy text', 'Retry', 'Discard'].every((b) => tree.includes(`button "${b}"`)),
      'a failed message has "Copy text", "Retry" and "Discard" buttons in the accessibility tree', tree.replace(/\n/g, ' | '));
    refuse = false;
    await article('refused: retry me').getByRole('button', { name: 'Retry' }).focus();
    await k.keyboard.press('Enter');
    await waitFor(k, (x) => x.messages.some((m) => m.text === 'refused: retry me' && m.state === 'sent'), 'the mirror\'s Retry sends it');
    check(true, 'the mirror\'s Retry sends the message');
    await article('refused: discard me').getByRole('button', { name: 'Discard' }).focus();
    await k.keyboard.press('Enter');
    await waitFor(k, (x) => !x.messages.some((m) => m.text === 'refused: discard me'), 'the mirror\'s Discard removes it');
    check(true, 'the mirror\'s Discard removes the message');
    await k.context().close();
  });
}

await withServerAndBrowser(server, run, (e) => check(false, 'the run completes', e.stack || String(e)));
finish('all selection checks passed');
