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

/** What the app shows, from its test hook. */
export const state = (p) => p.evaluate(() => window.chatroom.state());

/** The centre of a widget once it is on screen, in CSS pixels. */
export async function center(p, name, timeout = 10000) {
  await p.waitForFunction((n) => window.chatroom.rect(n), name, { timeout });
  const r = await p.evaluate((n) => window.chatroom.rect(n), name);
  return [r.x + r.width / 2, r.y + r.height / 2];
}

export async function click(p, name, options) {
  const [x, y] = await center(p, name);
  await p.mouse.click(x, y, options);
}

export async function tap(p, name) {
  const [x, y] = await center(p, name);
  await p.touchscreen.tap(x, y);
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
