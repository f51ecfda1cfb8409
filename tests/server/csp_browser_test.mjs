// The real web client under the server's security headers, in headless
// Chromium: the page loads, logs in, opens its WebSocket and sends a message
// with no Content-Security-Policy violation reported; the policy is enforced
// (an injected inline script does not run) and framing is refused. Exits 1 on
// the first failed check.
//   node tests/server/csp_browser_test.mjs   (CHATROOM_SERVER, CHATROOM_DIST: see tests/support/server.mjs)
import { ChatServer } from '../support/server.mjs';
import { launchChromium, login, newPage, say, state } from '../support/browser.mjs';
import { check, finish } from '../support/checks.mjs';

const server = new ChatServer({ args: ['--rate-limit', '0'] });
await server.start();
const browser = await launchChromium();
try {
  const page = await newPage(browser, {}, { onPageError: (e) => check(false, 'no page errors', e.message) });
  const reported = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) reported.push(m.text());
  });
  // Every violation the page sees, from its first script on.
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });

  const response = await page.goto(server.url);
  const headers = response.headers();
  const policy = headers['content-security-policy'] || '';
  check(policy.includes("'wasm-unsafe-eval'") && policy.includes("frame-ancestors 'none'") &&
        !policy.includes('unsafe-inline'), 'the page has its own strict policy', policy);
  check(headers['x-content-type-options'] === 'nosniff', 'nosniff');
  check(headers['referrer-policy'] === 'same-origin', 'Referrer-Policy');

  await login(page, server.url, 'user1');
  await say(page, 'hello under the CSP');
  check((await state(page)).connection.state === 'live', 'the WebSocket is live');
  const seen = await page.evaluate(() => window.__violations);
  check(seen.length === 0 && reported.length === 0, 'no violation while loading, logging in and chatting',
        [...seen, ...reported].join(' | '));

  // Enforced, not just sent: an inline script added to the page does not run.
  await page.evaluate(() => {
    window.__injected = false;
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true;';
    document.body.appendChild(s);
  });
  await page.waitForFunction(() => window.__violations.length > 0, null, { timeout: 10000 });
  check(await page.evaluate(() => window.__injected === false), 'an injected inline script is blocked',
        (await page.evaluate(() => window.__violations)).join(' | '));

  // frame-ancestors 'none': another page cannot frame the app.
  const framer = await newPage(browser);
  const refused = framer.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 15000 });
  await framer.setContent(`<iframe src="${server.url}"></iframe>`);
  check(Boolean(await refused.catch(() => null)), 'framing is refused (frame-ancestors)');
} catch (e) {
  check(false, 'the run completes', e.stack || String(e));
} finally {
  await browser.close();
  await server.dispose();
}
finish();
