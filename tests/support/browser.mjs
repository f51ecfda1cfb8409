// Driving the web client in headless Chromium: launching it the way
// ../shared/TOOLCHAIN.md says, and using the app as a person does, with the
// mouse, touch and keyboard at the rectangles window.chatroom.rect() reports,
// reading window.chatroom.state(). Shared by tests/web/browser_test.mjs and
// tests/e2e/browser.
import { chromium } from 'playwright-core';

/** Headless Chromium with SwiftShader WebGL and no background traffic (the network here is closed). */
export const chromiumArgs = ['--no-sandbox', '--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

/** A page in a new browser context (its own cookies). `options` go to browser.newContext(). */
export async function newPage(browser, options = {}, { permissions = [], origin = undefined, onPageError = null } = {}) {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 }, ...options });
  if (permissions.length > 0) await context.grantPermissions(permissions, { origin });
  const page = await context.newPage();
  if (onPageError) page.on('pageerror', onPageError);
  return page;
}

/** Starts `server` (then `setup()`, if given), runs `run(browser)` in headless Chromium and closes both
 *  whatever happens; an error thrown on the way goes to `failed(error)`. The tail of each browser suite. */
export async function withServerAndBrowser(server, run, failed, setup = null) {
  let browser = null;
  try {
    await server.start();
    if (setup) await setup();
    browser = await launchChromium();
    await run(browser);
  } catch (e) {
    failed(e);
  } finally {
    if (browser) await browser.close();
    await server.dispose();
  }
}

/** What the app shows, from its test hook. */
export const state = (p) => p.evaluate(() => window.chatroom.state());

/** The centre of a widget once it is on screen, in CSS pixels. */
export async function center(p, name, timeout = 10000) {
  // window.chatroom appears once the app has started (not yet right after a reload).
  await p.waitForFunction((n) => window.chatroom && window.chatroom.rect(n), name, { timeout });
  const r = await p.evaluate((n) => window.chatroom.rect(n), name);
  return [r.x + r.width / 2, r.y + r.height / 2];
}

export async function click(p, name, options) {
  const [x, y] = await center(p, name);
  await p.mouse.click(x, y, options);
}

const cdpSessions = new WeakMap();
async function cdp(p) {
  if (!cdpSessions.has(p)) cdpSessions.set(p, await p.context().newCDPSession(p));
  return cdpSessions.get(p);
}

/** A finger's tap at (x, y): touchstart and touchend sent together. page.touchscreen.tap() awaits a round
 *  trip between the two, and on a loaded machine that can outlast the long press (550 ms), which the app
 *  then rightly takes for a press-and-hold (the message menu) rather than a tap. */
export async function tapAt(p, x, y) {
  const session = await cdp(p);
  await Promise.all([
    session.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] }),
    session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }),
  ]);
}

export async function tap(p, name) {
  const [x, y] = await center(p, name);
  await tapAt(p, x, y);
}

/** Loads the app and waits for its login form. */
export async function openLogin(p, url) {
  await p.goto(url);
  await p.waitForFunction(() => window.chatroom && window.chatroom.rect('login.username'), null, { timeout: 15000 });
}

/** Types the credentials into the login form and submits it with `submit` ('click' the button or press 'Enter'). */
export async function fillLogin(p, user, password, { submit = 'click' } = {}) {
  await click(p, 'login.username');
  await p.keyboard.type(user);
  await click(p, 'login.password');
  await p.keyboard.type(password);
  if (submit === 'click') await click(p, 'login.submit');
  else await p.keyboard.press('Enter');
}

/** Logs in through the login page and waits until the chat room is live. */
export async function login(p, url, user, password = user) {
  await openLogin(p, url);
  await fillLogin(p, user, password);
  await p.waitForFunction(() => window.chatroom.state().connection.state === 'live', null, { timeout: 15000 });
}

/** Types `text` into the composer, sends it with Enter and waits until the server confirmed it. */
export async function say(p, text) {
  await click(p, 'composer.text');
  await p.keyboard.insertText(text);
  await p.keyboard.press('Enter');
  await p.waitForFunction((t) => window.chatroom.state().messages.some((m) => m.text === t && m.state === 'sent'), text);
}

// ---------------------------------------------------------------- waiting with deadlines
// Tests wait for what they expect to see, never for a fixed time: poll until it
// holds, and fail with what was last seen when the deadline passes.

/** What the app shows, or null while the page (re)loads and the hook is not there yet. */
const stateOrNull = (p) => p.evaluate(() => (window.chatroom ? window.chatroom.state() : null));

/** A short description of a state for failure messages. */
function summary(s) {
  if (!s) return 'no state (the page is loading)';
  const last = s.messages && s.messages.at(-1);
  return JSON.stringify({
    page: s.page, connection: s.connection && s.connection.label, login_error: s.login && s.login.error,
    messages: s.messages && s.messages.length, last: last && { text: last.text.slice(0, 40), state: last.state },
    composer: s.composer && s.composer.text.slice(0, 40), focused: s.focused, scroll: s.scroll,
    frame: s.frame, input_seq: s.input_seq, input_done: s.input_done,
  });
}

/**
 * Calls `probe()` until `ok(value)` holds and resolves with that value; throws
 * after `timeout` ms naming `what` and the last value (or the probe's error).
 */
export async function until(probe, ok, what, timeout = 10000, describe = (v) => JSON.stringify(v)) {
  const deadline = Date.now() + timeout;
  for (;;) {
    let last, error = null;
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (e) {
      error = e;  // a page between two documents, for example
    }
    if (Date.now() >= deadline) {
      const seen = error ? `error: ${String(error.message ?? error).split('\n')[0]}` : describe(last);
      throw new Error(`${what}: not within ${timeout} ms (last seen: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));  // the polling interval
  }
}

/** Waits until `predicate(state())` holds; resolves with that state, or throws naming `what`. */
export function waitFor(p, predicate, what, timeout = 10000) {
  return until(() => stateOrNull(p), (s) => s !== null && predicate(s), what, timeout, summary);
}

/** The number of the newest input the app has received (state().input_seq): take it before acting. */
export async function inputMark(p) {
  return (await state(p)).input_seq;
}

/**
 * Waits until the app has handled every input it received so far (mouse, keys,
 * touch, typing) and drawn a frame after: then what that input did, or did not
 * do, is in state(). With `since` (an inputMark() taken before acting) it first
 * waits for some input after the mark to arrive. Resolves with the state.
 */
export async function inputHandled(p, what = 'the input to be handled', { since = null, timeout = 10000 } = {}) {
  const arrived = since === null ? await state(p)
    : await waitFor(p, (s) => s.input_seq > since, `${what} (arriving)`, timeout);
  return waitFor(p, (s) => s.input_done >= arrived.input_seq, what, timeout);
}

/** Like inputHandled(), and until the list has stopped moving (a finger lifted, momentum spent). */
export async function scrollSettled(p, what = 'the scrolling to settle', { timeout = 10000 } = {}) {
  const { input_seq } = await state(p);
  return waitFor(p, (s) => s.input_done >= input_seq && !s.scroll.moving, what, timeout);
}
