// The web client in headless Chromium against the real server: every check
// drives the real fields and buttons (at the rectangles window.chatroom.rect()
// reports) and reads window.chatroom.state(). Starts its own server on port 0
// with a temporary database; exits 1 on the first failed check.
//   node tests/web/browser_test.mjs --server build/native/server/chatroom-server --dist build/wasm/web/dist
import net from 'node:net';
import WebSocket from 'ws';
import { ChatServer, loginOverHttp } from '../support/server.mjs';
import {
  center, click, inputHandled, inputMark, login as loginAt, newPage as newBrowserPage,
  openLogin as openLoginAt, say, scrollSettled, state, tapAt, until, waitFor, withServerAndBrowser,
} from '../support/browser.mjs';
import { arg, check, finish } from '../support/checks.mjs';

const server = new ChatServer({
  bin: arg('--server', 'build/native/server/chatroom-server'),
  dist: arg('--dist', 'build/wasm/web/dist'),
  args: ['--rate-limit', '0'],
});
const startServer = () => server.start();
const stopServer = () => server.stop();

/** A check that waits, with a deadline, for what it expects; a deadline that passes stops the run with the last state. */
async function expect(p, predicate, what, timeout = 10000) {
  const s = await waitFor(p, predicate, what, timeout);
  check(true, what);
  return s;
}

/** Whether the server still accepts this session cookie (GET /api/me). */
async function sessionValid(cookie) {
  const r = await fetch(`${server.origin}/api/me`, { headers: { Cookie: `session=${cookie}` } });
  return r.status === 200;
}
const sessionCookie = async (p) => (await p.context().cookies()).find((c) => c.name === 'session')?.value;

const newPage = (browser, options = {}) => newBrowserPage(browser, options, {
  permissions: ['clipboard-read', 'clipboard-write'], origin: server.origin,
  onPageError: (e) => check(false, 'no page errors', e.message),
});
const openLogin = (p) => openLoginAt(p, server.url);
const login = (p, user, password = user) => loginAt(p, server.url, user, password);

/** Listens on `port` and holds every connection open without a byte of answer (a WebSocket attempt
 *  stays in CONNECTING); release() resets them and frees the port. */
async function holdPort(port) {
  const sockets = new Set();
  const listener = net.createServer((c) => { sockets.add(c); c.on('error', () => {}); c.on('close', () => sockets.delete(c)); });
  await new Promise((resolve, reject) => { listener.once('error', reject); listener.listen(port, '127.0.0.1', resolve); });
  return {
    async release() {
      const closed = new Promise((resolve) => listener.close(resolve));
      for (const c of sockets) c.resetAndDestroy();
      await closed;
    },
  };
}

/** Posts `count` messages as `user` straight over the WebSocket (history to page through). */
async function seed(user, count) {
  const { token } = await loginOverHttp(server, user);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/websocket/chatroom?v=1`, { headers: { Authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    let acked = 0;
    ws.on('error', reject);
    ws.on('open', () => {
      for (let i = 1; i <= count; i++) {
        ws.send(JSON.stringify({ type: 'send', message: `seed ${i} ${'lorem ipsum '.repeat(1 + (i % 5))}`, client_id: `seed-${i}` }));
      }
    });
    ws.on('message', (d) => {
      const f = JSON.parse(d);
      if (f.type === 'message' && f.client_id && f.client_id.startsWith('seed-') && ++acked === count) ws.close();
    });
    ws.on('close', resolve);
  });
}

async function run(browser) {
  // Login page: focus, Tab order, wrong password, Enter on the focused button.
  const eric = await newPage(browser);
  await openLogin(eric);
  await expect(eric, (x) => x.focused === 'login.username', 'the username field has focus on load');
  await eric.keyboard.type('user1');
  await eric.keyboard.press('Tab');
  await expect(eric, (x) => x.focused === 'login.password', 'Tab moves to the password');
  await eric.keyboard.type('not-the-password');
  await eric.keyboard.press('Enter');
  await eric.waitForFunction(() => window.chatroom.state().login.error !== '');
  let s = await state(eric);
  check(s.login.error === 'Wrong username or password.', 'wrong credentials are explained', s.login.error);
  check(s.focused === 'login.password', 'the password field is cleared and focused again');
  await eric.keyboard.type('user1');
  await eric.keyboard.press('Tab');
  await expect(eric, (x) => x.focused === 'login.submit', 'Tab reaches the Log in button');
  await eric.keyboard.press('Enter');
  await eric.waitForFunction(() => window.chatroom.state().connection.state === 'live');
  s = await state(eric);
  check(s.page === 'chat' && s.me.username === 'user1' && s.connection.label === 'Live', 'logged in and live');

  await eric.reload();
  await eric.waitForFunction(() => window.chatroom && window.chatroom.state() && window.chatroom.state().connection.state === 'live');
  check((await state(eric)).page === 'chat', 'a reload stays logged in');

  // Two people: messages arrive in order, once, with names, times and grouping.
  const amy = await newPage(browser);
  await login(amy, 'user2');
  await eric.waitForFunction(() => window.chatroom.state().online.length === 2);
  check(true, 'presence: two online');
  await say(eric, 'Hello Amy');
  await say(amy, 'Hi Eric! Καλημέρα, привет');
  await say(amy, 'Second line from me');
  await eric.waitForFunction(() => window.chatroom.state().messages.length === 3);
  s = await state(eric);
  const texts = s.messages.map((m) => m.text);
  check(JSON.stringify(texts) === JSON.stringify(['Hello Amy', 'Hi Eric! Καλημέρα, привет', 'Second line from me']), 'messages in order', JSON.stringify(texts));
  check(s.messages[0].own && !s.messages[1].own, 'own messages are marked');
  check(s.messages[1].name === 'Amy Rawlings' && /^\d\d:\d\d:\d\d [AP]M$/.test(s.messages[1].time_label), 'name and hh:mm:ss a', s.messages[1].time_label);
  check(s.messages[1].group_first && !s.messages[2].group_first, 'consecutive messages of one sender are grouped');
  check(s.messages[0].day === 'Today', 'day separator label');

  // The composer.
  await click(eric, 'composer.text');
  await eric.keyboard.type('   ');
  check(!(await state(eric)).composer.can_send, 'blank text cannot be sent');
  let mark = await inputMark(eric);
  await click(eric, 'composer.send');
  s = await inputHandled(eric, 'the click on the send button', { since: mark });
  check(s.messages.length === 3 && s.composer.text === '   ', 'the send button does nothing for blank text',
    `${s.messages.length} messages, composer ${JSON.stringify(s.composer.text)}`);
  await eric.keyboard.press('Control+A');
  await eric.keyboard.press('Backspace');
  await eric.keyboard.type('one');
  await eric.keyboard.press('Shift+Enter');
  await eric.keyboard.type('two');
  check((await state(eric)).composer.text === 'one\ntwo', 'Shift+Enter makes a new line');
  await eric.keyboard.press('Enter');
  await eric.waitForFunction(() => window.chatroom.state().messages.some((m) => m.text === 'one\ntwo' && m.state === 'sent'));
  check((await state(eric)).composer.text === '', 'Enter sends and clears the composer');
  await eric.keyboard.insertText('x'.repeat(3700));
  s = await state(eric);
  check(s.composer.warning === '3,700 / 4,000 characters' && s.composer.can_send, 'a warning near the limit', s.composer.warning);
  await eric.keyboard.insertText('y'.repeat(400));
  s = await state(eric);
  check(s.composer.warning.startsWith('Too long') && !s.composer.can_send, 'over the limit it cannot be sent', s.composer.warning);
  await eric.keyboard.press('Control+A');
  await eric.keyboard.press('Backspace');
  await eric.evaluate(() => navigator.clipboard.writeText('pasted Ünïcödé'));
  await eric.keyboard.press('Control+V');
  check((await state(eric)).composer.text === 'pasted Ünïcödé', 'paste into the composer');
  await eric.keyboard.press('Control+A');
  await eric.keyboard.press('Backspace');
  const cdp = await eric.context().newCDPSession(eric);
  await cdp.send('Input.imeSetComposition', { text: 'é', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.insertText', { text: 'é' });
  await eric.keyboard.type('t');
  await cdp.send('Input.insertText', { text: 'é' });
  check((await state(eric)).composer.text === 'été', 'accents and IME composition', (await state(eric)).composer.text);
  await eric.keyboard.press('Enter');

  // Tab order on the chat page: the top bar comes before the composer.
  await click(eric, 'composer.text');
  await eric.keyboard.press('Shift+Tab');
  await expect(eric, (x) => x.focused === 'topbar.logout', 'Shift+Tab from the composer reaches Log out');
  await eric.keyboard.press('Shift+Tab');
  await expect(eric, (x) => x.focused === 'topbar.online', 'then who is online');
  await eric.keyboard.press('Enter');
  await eric.waitForFunction(() => window.chatroom.state().online_open);
  check(true, 'Enter opens the online list');
  await eric.keyboard.press('Escape');
  await eric.waitForFunction(() => !window.chatroom.state().online_open);
  check(true, 'Escape closes it');

  // Copy a message's text from its menu.
  s = await state(eric);
  await click(eric, `message.${s.messages[1].id}`, { button: 'right' });
  await click(eric, 'menu.copy');
  await until(() => eric.evaluate(() => navigator.clipboard.readText()), (t) => t === s.messages[1].text, 'the copied text in the clipboard');
  check(true, 'copy a message');

  // Unread messages in the title while the tab is hidden.
  const setHidden = (p, hidden) => p.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { value: h, configurable: true });
    Object.defineProperty(document, 'visibilityState', { value: h ? 'hidden' : 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await setHidden(eric, true);
  await say(amy, 'are you there?');
  await say(amy, 'hello?');
  await eric.waitForFunction(() => document.title === '(2) Chat Room');
  check(true, 'the title counts unread messages while hidden');
  await setHidden(eric, false);
  await eric.waitForFunction(() => document.title === 'Chat Room');
  check(true, 'the title is plain again when visible');

  // History: the latest page on connect, older pages near the top, the new-messages button.
  await seed('user3', 120);
  const late = await newPage(browser);
  await login(late, 'user3');
  s = await waitFor(late, (x) => x.messages.length > 0 && x.visible.includes(x.messages.at(-1).id), 'the connect history on screen');
  check(s.messages.length === 50 && s.has_older && s.at_bottom, 'the latest 50 on connect, at the bottom',
    `${s.messages.length}, has_older ${s.has_older}, at_bottom ${s.at_bottom}`);
  await late.mouse.move(450, 300);
  for (let i = 0; i < 30 && (await state(late)).messages.length < 100; i++) {
    mark = await inputMark(late);
    await late.mouse.wheel(0, -3000);
    await inputHandled(late, 'the wheel', { since: mark });
    await waitFor(late, (x) => !x.loading_older, 'the older page asked for to arrive');
  }
  s = await state(late);
  check(s.messages.length >= 100 && !s.at_bottom, 'scrolling up loads older pages', `${s.messages.length}`);
  const ids = s.messages.map((m) => m.id);
  check(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'ordered by id, no duplicates');
  const heightBefore = s.scroll.max;
  await say(amy, 'news while you read');
  // Counted, and laid out by a drawn frame (the list grew): only then can it be seen not to have moved.
  s = await waitFor(late, (x) => x.new_below === 1 && x.scroll.max > heightBefore, 'the new message counted and laid out');
  check(!s.at_bottom, 'the list stays where the reader is', `scroll ${s.scroll.y} of ${s.scroll.max}`);
  await click(late, 'list.new_messages');
  await late.waitForFunction(() => window.chatroom.state().at_bottom && window.chatroom.state().new_below === 0);
  check(true, 'the new-messages button goes to the bottom');

  // Offline: queued as pending, sent on reconnect with since=, nothing lost or doubled.
  await stopServer();
  s = await waitFor(eric, (x) => x.connection.state === 'reconnecting', 'reconnecting after the server stopped');
  check(/^Reconnecting in \d+ s$/.test(s.connection.label), 'the connection state says when it retries', s.connection.label);
  // The banner's "Retry now" button leaves the page during each attempt and comes back after it:
  // the composer keeps the focus (and the caret) through that.
  await eric.evaluate(() => {
    window.testRetryGone = 0;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.removedNodes) if (n.dataset && n.dataset.name === 'banner.retry' && !n.isConnected) window.testRetryGone++;
      }
    }).observe(document.getElementById('overlay'), { childList: true });
  });
  // Against a closed port an attempt can fail between two drawn frames, so the button would never
  // leave: the port instead accepts and never answers, which holds the next attempt open until the
  // test lets it fail.
  const held = await holdPort(server.port);
  await click(eric, 'composer.text');
  await until(() => eric.evaluate(() => window.testRetryGone), (n) => n >= 1, 'a reconnect attempt (the Retry button gone)', 30000);
  s = await state(eric);
  check(s.focused === 'composer.text' && s.composer.focused, 'the composer keeps the focus during the attempt', s.focused);
  await held.release();
  mark = await inputMark(eric);
  s = await expect(eric, (x) => x.connection.state === 'reconnecting' && x.input_done >= mark, 'the attempt failed, the banner is back');
  check(s.focused === 'composer.text' && s.composer.focused, 'the composer keeps the focus while the connection is retried', s.focused);
  await eric.keyboard.insertText('typed while offline');
  await eric.keyboard.press('Enter');
  s = await waitFor(eric, (x) => x.messages.some((m) => m.text === 'typed while offline'), 'the message typed offline in the list');
  check(s.messages.at(-1).text === 'typed while offline' && s.messages.at(-1).state === 'pending', 'a message typed offline is pending');
  await startServer();
  await eric.waitForFunction(() => window.chatroom.state().connection.state === 'live', null, { timeout: 40000 });
  await eric.waitForFunction(() => window.chatroom.state().messages.at(-1).state === 'sent', null, { timeout: 10000 });
  s = await state(eric);
  const all = s.messages.map((m) => m.id);
  check(new Set(all).size === all.length && s.messages.filter((m) => m.text === 'typed while offline').length === 1,
    'it is sent on reconnect, once');

  // Offline, then a reload: the message typed offline outlives the page, comes back pending with its
  // client_id, and is delivered once.
  const reloaded = 'typed offline, then the page reloaded';
  await stopServer();
  await expect(eric, (x) => x.connection.state === 'reconnecting', 'the server is gone again: reconnecting');
  await click(eric, 'composer.text');
  await eric.keyboard.insertText(reloaded);
  await eric.keyboard.press('Enter');
  s = await waitFor(eric, (x) => x.messages.some((m) => m.text === reloaded && m.state === 'pending'), 'the new message pending');
  const reloadedId = s.messages.find((m) => m.text === reloaded).client_id;
  // The server comes back, but this page's chat connections are held (opened, never welcomed) until
  // the test lets them through: the page reloads while its message has not gone anywhere, and the
  // restored message can be seen before anything is sent. (The page itself needs the server to reload.)
  let holdSockets = true;
  const heldSockets = [];
  await eric.routeWebSocket(/\/websocket\/chatroom/, (ws) => {
    if (holdSockets) heldSockets.push(ws);
    else ws.connectToServer();
  });
  await startServer();
  await eric.reload();
  await center(eric, `message.${reloadedId}`);  // drawn on the reloaded page
  s = await state(eric);
  let copies = s.messages.filter((m) => m.text === reloaded);
  check(copies.length === 1 && copies[0].state === 'pending' && copies[0].client_id === reloadedId && copies[0].own
    && s.connection.state !== 'live', 'after the reload the message is back, pending, with its client_id',
    copies.map((m) => `${m.state} ${m.client_id}`).join(', '));
  holdSockets = false;
  for (const ws of heldSockets) await ws.close({ code: 4000, reason: 'released by the test' });
  s = await waitFor(eric, (x) => x.connection.state === 'live' && x.messages.some((m) => m.text === reloaded && m.state === 'sent'),
    'the restored message delivered', 40000);
  copies = s.messages.filter((m) => m.text === reloaded);
  check(copies.length === 1 && copies[0].client_id === reloadedId, 'it is sent after the welcome with its client_id, once');
  s = await waitFor(amy, (x) => x.connection.state === 'live' && x.messages.some((m) => m.text === reloaded), 'Amy gets it', 40000);
  check(s.messages.filter((m) => m.text === reloaded).length === 1, 'Amy sees it once');
  await eric.reload();
  s = await waitFor(eric, (x) => x.connection.state === 'live' && x.messages.some((m) => m.text === reloaded), 'live again after one more reload');
  check(s.messages.filter((m) => m.text === reloaded).length === 1 && s.messages.every((m) => m.state === 'sent'),
    'one more reload: once, from the server, and nothing left pending');

  // Logout: the page says "logging out" until the server answered; then the session is over.
  const logoutRoute = '**/api/logout';
  let heldLogout = null;
  let cookie = await sessionCookie(eric);
  await eric.route(logoutRoute, (route) => { heldLogout = route; });
  // The page's time is the test's from here (Playwright's clock: Date, performance.now, timers and
  // animation frames), so "within its 5 s" does not depend on how loaded the machine is.
  await eric.clock.install();
  await eric.clock.pauseAt(await eric.evaluate(() => Date.now() + 1000));
  const [lx, ly] = await center(eric, 'topbar.logout');
  await eric.mouse.click(lx, ly);
  await eric.clock.runFor(200);  // the click is handled in the next draws
  await expect(eric, (x) => x.page === 'logging_out', 'Log out shows the logging-out page');
  await until(async () => heldLogout, Boolean, 'POST /api/logout on its way');
  await eric.clock.runFor(4600);  // 4.8 s after the click, of the page's 5 s
  s = await state(eric);
  check(s.page === 'logging_out', 'it stays there while the server has not answered (4.8 s of its 5 s)', s.page);
  await eric.clock.resume();
  await heldLogout.continue();
  await eric.unroute(logoutRoute);
  await expect(eric, (x) => x.page === 'login' && x.login.error === '', 'the answer brings the login page');
  check(!(await sessionValid(cookie)), 'the session is over on the server');
  await eric.reload();
  await expect(eric, (x) => x.page === 'login', 'logout ends the session: a reload shows the login page');

  // A reload while logging out (the answer never reaches the page): the next load still ends the session.
  await login(eric, 'user1');
  cookie = await sessionCookie(eric);
  heldLogout = null;
  await eric.route(logoutRoute, (route) => {  // the first is held and never answered; later ones go through
    if (heldLogout) return route.continue();
    heldLogout = route;
  });
  await click(eric, 'topbar.logout');
  await expect(eric, (x) => x.page === 'logging_out', 'logging out again');
  await until(async () => heldLogout, Boolean, 'POST /api/logout on its way');
  await eric.reload();
  await expect(eric, (x) => x.page === 'login' && x.login.error === '', 'a reload while logging out shows the login page');
  check(!(await sessionValid(cookie)), 'and that session is over on the server');
  await heldLogout.abort().catch(() => {});  // the held request never reached the server
  await eric.unroute(logoutRoute);

  // The server cannot be told: logged out here with a note; the next page load ends the session.
  await login(eric, 'user1');
  cookie = await sessionCookie(eric);
  await eric.route(logoutRoute, (route) => route.abort('connectionrefused'));
  await click(eric, 'topbar.logout');
  s = await expect(eric, (x) => x.page === 'login' && x.login.error !== '', 'a logout the server cannot be told of ends at the login page');
  check(/could not be reached to end your session/.test(s.login.error) && s.me === null && s.messages.length === 0,
    'with a note, and nothing of the conversation left', s.login.error);
  check(await sessionValid(cookie), 'the session is still valid on the server meanwhile');
  await eric.unroute(logoutRoute);
  await eric.reload();
  await expect(eric, (x) => x.page === 'login' && x.login.error === '', 'the next page load shows the login page');
  check(!(await sessionValid(cookie)), 'and has ended that session on the server');

  // A phone: layout, tapping the composer focuses it, touch scrolling.
  const phone = await newPage(browser, { viewport: { width: 360, height: 740 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  await openLogin(phone);
  for (const [field, text] of [['login.username', 'user2'], ['login.password', 'user2']]) {
    const [x, y] = await center(phone, field);
    await tapAt(phone, x, y);
    await phone.keyboard.type(text);
  }
  await phone.keyboard.press('Enter');
  await phone.waitForFunction(() => window.chatroom.state().connection.state === 'live');
  await center(phone, 'composer.send');  // drawn
  const send = await phone.evaluate(() => window.chatroom.rect('composer.send'));
  check(send.x + send.width <= 360 && send.y + send.height <= 740, 'the footer fits a phone');
  let [x, y] = await center(phone, 'composer.text');
  await tapAt(phone, x, y);
  await expect(phone, (ps) => ps.composer.focused, 'tapping the composer focuses the text area (the phone keyboard)');
  await phone.keyboard.type('from the phone');
  [x, y] = await center(phone, 'composer.send');
  mark = await inputMark(phone);
  await tapAt(phone, x, y);
  await phone.waitForFunction(() => window.chatroom.state().messages.some((m) => m.text === 'from the phone' && m.state === 'sent'));
  s = await inputHandled(phone, 'the tap on send', { since: mark });
  check(s.composer.focused, 'the send button keeps the keyboard up');
  const before = s.scroll.y;
  // A finger drags down 300 px in ten moves, each handled by the app before the next (a move per frame or
  // two). The first move follows the touch at once: a finger resting 550 ms is a long press (the menu).
  const touch = await phone.context().newCDPSession(phone);
  const move = (i) => touch.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: 180, y: 250 + i * 30 }] });
  mark = await inputMark(phone);
  // Sent together: a round trip between them on a loaded machine would pass for a resting finger.
  await Promise.all([touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: 180, y: 250 }] }), move(1)]);
  await inputHandled(phone, 'the touch and its first move', { since: mark });
  for (let i = 2; i <= 10; i++) {
    mark = await inputMark(phone);
    await move(i);
    await inputHandled(phone, `touch move ${i}`, { since: mark });
  }
  await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  s = await scrollSettled(phone, 'the list at rest after the drag');
  check(s.scroll.y < before - 200, 'a touch drag scrolls the list', `${before} -> ${s.scroll.y}`);

  // Retry and Discard of a failed message, in the real page: the page's socket goes through to the real
  // server, except that sends starting "refused:" are answered the way the server answers a failed store
  // write (error unavailable with their client_id) while `refuse` is on.
  const kenji = await newPage(browser);
  let refuse = true;
  await kenji.routeWebSocket(/\/websocket\/chatroom/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => {
      let f = null;
      try { f = typeof m === 'string' ? JSON.parse(m) : null; } catch { /* the seed's plain text */ }
      if (refuse && f && f.type === 'send' && String(f.message).startsWith('refused:')) {
        ws.send(JSON.stringify({ type: 'error', code: 'unavailable', message: 'The message could not be stored.', client_id: f.client_id }));
      } else {
        upstream.send(m);
      }
    });
  });
  await login(kenji, 'kenji');
  const failOne = async (text) => {
    await click(kenji, 'composer.text');
    await kenji.keyboard.insertText(text);
    await kenji.keyboard.press('Enter');
    const f = await waitFor(kenji, (x) => x.messages.some((m) => m.text === text && m.state === 'failed'), `"${text}" failed`);
    return f.messages.find((m) => m.text === text);
  };
  const toRetry = await failOne('refused: then retried');
  const toDiscard = await failOne('refused: then discarded');
  check(toRetry.error !== '' && toRetry.id === 0, 'a refused message is shown failed, with the reason', toRetry.error);
  refuse = false;
  await click(kenji, `message.${toRetry.client_id}.retry`);
  s = await waitFor(kenji, (x) => x.messages.some((m) => m.text === toRetry.text && m.state === 'sent'), 'the retried message confirmed');
  check(s.messages.filter((m) => m.text === toRetry.text).length === 1, 'Retry sends it once');
  await waitFor(amy, (x) => x.messages.some((m) => m.text === toRetry.text), 'Amy gets the retried message');
  await click(kenji, `message.${toDiscard.client_id}.discard`);
  s = await waitFor(kenji, (x) => !x.messages.some((m) => m.text === toDiscard.text), 'the discarded message gone');
  await say(kenji, 'after the discard');  // sent after the discard: once Amy has it, the discarded one would be there too
  await waitFor(amy, (x) => x.messages.some((m) => m.text === 'after the discard'), 'Amy gets the next message');
  s = await state(amy);
  check(!s.messages.some((m) => m.text === toDiscard.text) && s.messages.filter((m) => m.text === toRetry.text).length === 1,
    'Discard sends nothing; Amy has the retried message once');
  await kenji.close();

  // Throttling (last: it blocks logins from this address for a while).
  const t = await newPage(browser);
  await openLogin(t);
  await click(t, 'login.username');
  await t.keyboard.type('user3');
  for (let i = 0; i < 8 && !(await state(t)).login.error.startsWith('Too many'); i++) {
    await click(t, 'login.password');
    await t.keyboard.type(`wrong${i}`);
    mark = await inputMark(t);
    await t.keyboard.press('Enter');
    await inputHandled(t, 'Enter in the password field', { since: mark });  // the attempt has started (or was refused)
    await waitFor(t, (x) => !x.login.busy, 'the login attempt answered');
  }
  s = await state(t);
  check(s.login.error.startsWith('Too many failed attempts') && s.login.blocked_s > 0, 'throttled logins are explained', s.login.error);
}

await withServerAndBrowser(server, run, (e) => check(false, 'the run finished', String(e.message ?? e).split('\n')[0]));
finish();
