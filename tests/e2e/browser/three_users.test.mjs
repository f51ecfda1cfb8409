// Three people, three browsers: user1 and user2 on desktops, user3 on a phone,
// each in its own Chromium context (its own cookies), against one live server.
// They log in through the login page, chat through the composer, and every
// browser shows everyone's messages. Screenshots of each browser are saved as
// artifacts (see docs/testing.md). The rest of the client's behaviour in a
// browser (keyboard, paste, IME, paging, throttling…) is tests/web/browser_test.mjs.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { center, click, fillLogin, launchChromium, newPage, openLogin, say, state, tap, tapAt } from '../../support/browser.mjs';
import { ChatServer } from '../../support/server.mjs';
import { artifact } from '../artifacts.mjs';

const log = artifact('browser-server.log');
writeFileSync(log, '');
const server = new ChatServer({ log });
const phoneSize = { width: 390, height: 844 };
const pageErrors = [];
let browser, user1, user2, user3, everyone;

before(async () => {
  await server.start();
  browser = await launchChromium();
  const onPageError = (e) => pageErrors.push(e.message);
  user1 = await newPage(browser, { viewport: { width: 1000, height: 700 } }, { onPageError });
  user2 = await newPage(browser, { viewport: { width: 1000, height: 700 } }, { onPageError });
  user3 = await newPage(browser, { viewport: phoneSize, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, { onPageError });
  everyone = [user1, user2, user3];
});

after(async () => {
  if (browser) await browser.close();
  await server.dispose();
});

const live = (p) => p.waitForFunction(() => window.chatroom.state().connection.state === 'live', null, { timeout: 15000 });
const shot = (p, name) => p.screenshot({ path: artifact(name) });
const showsSent = (p, texts) => p.waitForFunction(
  (ts) => ts.every((t) => window.chatroom.state().messages.some((m) => m.text === t && m.state === 'sent')), texts);
/** Waits until the newest message is drawn on screen (so a screenshot shows it). */
const newestDrawn = (p) => p.waitForFunction(() => {
  const s = window.chatroom.state();
  return s.messages.length > 0 && s.visible.includes(s.messages.at(-1).id);
});

test('three people log in through the login page of their own browsers', { timeout: 60000 }, async () => {
  // user1 types into the fields and clicks "Log in".
  await openLogin(user1, server.url);
  await fillLogin(user1, 'user1', 'user1', { submit: 'click' });
  await live(user1);

  // user2 mistypes the password first: the error is shown, then the right one and Enter.
  await openLogin(user2, server.url);
  await fillLogin(user2, 'user2', 'user-two', { submit: 'click' });
  await user2.waitForFunction(() => window.chatroom.state().login.error !== '');
  const failed = await state(user2);
  assert.equal(failed.page, 'login');
  assert.equal(failed.login.error, 'Wrong username or password.');
  await user2.waitForFunction(() => window.chatroom.rect('login.error'));
  await shot(user2, 'user2-wrong-password.png');
  await click(user2, 'login.password');
  await user2.keyboard.type('user2');
  await user2.keyboard.press('Enter');
  await live(user2);

  // user3 taps the fields on a phone and taps "Log in".
  await openLogin(user3, server.url);
  for (const [field, text] of [['login.username', 'user3'], ['login.password', 'user3']]) {
    await tap(user3, field);
    await user3.keyboard.type(text);
  }
  await tap(user3, 'login.submit');
  await live(user3);

  for (const [p, name] of [[user1, 'user1'], [user2, 'user2'], [user3, 'user3']]) {
    await p.waitForFunction(() => window.chatroom.state().online.length === 3);
    const s = await state(p);
    assert.equal(s.page, 'chat');
    assert.equal(s.me.username, name);
    assert.deepEqual(s.online, ['user1', 'user2', 'user3']);
  }
});

const texts = ['Hello from Eric’s desktop', 'Amy here, pressing Enter', 'Marcus on the phone ☺ — tap to send'];

test('each types into the composer and sends; every browser shows the others\' messages', { timeout: 60000 }, async () => {
  // user1: type, click the send button.
  await click(user1, 'composer.text');
  await user1.keyboard.type(texts[0]);
  await click(user1, 'composer.send');
  await showsSent(user1, [texts[0]]);
  // user2: type, press Enter.
  await say(user2, texts[1]);
  // user3: tap the composer, type, tap the send button.
  await tap(user3, 'composer.text');
  await user3.keyboard.type(texts[2]);
  await tap(user3, 'composer.send');

  for (const p of everyone) await showsSent(p, texts);
  const [s1, s2, s3] = await Promise.all(everyone.map(state));
  const seen = (s) => s.messages.map((m) => `${m.id}|${m.username}|${m.text}`);
  assert.deepEqual(seen(s1), seen(s2));
  assert.deepEqual(seen(s1), seen(s3));
  assert.deepEqual(s1.messages.map((m) => m.username), ['user1', 'user2', 'user3']);
  for (const [s, me] of [[s1, 'user1'], [s2, 'user2'], [s3, 'user3']]) {
    for (const m of s.messages) {
      assert.equal(m.own, m.username === me);
      assert.match(m.time_label, /^\d\d:\d\d:\d\d [AP]M$/);
    }
  }
  assert.equal(s3.messages[0].name, 'Eric Lin');
  assert.equal(s1.messages[2].name, 'Marcus Okafor');

  for (const [p, name] of [[user1, 'user1-desktop.png'], [user2, 'user2-desktop.png'], [user3, 'user3-phone.png']]) {
    await newestDrawn(p);
    await shot(p, name);
  }
});

test('on a phone the whole Chat Room is on screen and tapping the composer raises the text proxy', { timeout: 60000 }, async () => {
  const s = await state(user3);
  const inside = (r) => r && r.x >= 0 && r.y >= 0 && r.x + r.width <= phoneSize.width + 0.5 && r.y + r.height <= phoneSize.height + 0.5;
  for (const name of ['topbar.online', 'topbar.status', 'topbar.logout', 'composer.text', 'composer.send', `message.${s.messages.at(-1).id}`]) {
    const r = await user3.evaluate((n) => window.chatroom.rect(n), name);
    assert.ok(inside(r), `${name} on screen: ${JSON.stringify(r)}`);
  }
  const overflow = await user3.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(overflow[0] <= phoneSize.width && overflow[1] <= phoneSize.height, `no scrolling of the page: ${overflow}`);

  // Move the focus away, then tap the text box: the tap lands on the DOM textarea, which takes the focus (and the keyboard).
  await user3.evaluate(() => document.activeElement && document.activeElement.blur());
  const [x, y] = await center(user3, 'composer.text');
  const under = await user3.evaluate(([px, py]) => {
    const el = document.elementFromPoint(px, py);
    return el && `${el.tagName}:${el.dataset.name}`;
  }, [x, y]);
  assert.equal(under, 'TEXTAREA:composer.text');
  await tapAt(user3, x, y);
  await user3.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'
    && document.activeElement.dataset.name === 'composer.text');
  assert.equal((await state(user3)).composer.focused, true);
});

test('a reload keeps the session and the history', { timeout: 60000 }, async () => {
  const before = (await state(user1)).messages.map((m) => `${m.id}|${m.username}|${m.text}`);
  await user1.reload();
  await user1.waitForFunction((n) => window.chatroom && window.chatroom.state()
    && window.chatroom.state().connection.state === 'live' && window.chatroom.state().messages.length === n, before.length,
  { timeout: 15000 });
  const s = await state(user1);
  assert.equal(s.page, 'chat');
  assert.equal(s.me.username, 'user1');
  assert.deepEqual(s.messages.map((m) => `${m.id}|${m.username}|${m.text}`), before);
  await newestDrawn(user1);
  await shot(user1, 'user1-after-reload.png');
  assert.deepEqual(pageErrors, [], 'no page errors in any browser');
});
