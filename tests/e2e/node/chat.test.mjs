// Three people chat through the real client (headless, in Node) against a
// live server: everything arrives in real time with the seed's fields, and
// every client ends with the same conversation. A reload keeps both the
// session and the history; logging out ends the session.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeadlessClient } from './headless_client.mjs';
import { allShow, assertSameConversation, conversation, liveServer } from './fixture.mjs';

const room = liveServer('chat');
let user1, user2, user3;

test('user1, user2 and user3 log in with their passwords and connect', async () => {
  user1 = await room.login('user1');
  user2 = await room.login('user2');
  user3 = await room.login('user3');
  for (const c of [user1, user2, user3]) {
    const s = await c.waitFor((x) => x.online.length === 3, 'three online');
    assert.equal(s.page, 'chat');
    assert.equal(s.me, c.name);
    assert.deepEqual(s.online, ['user1', 'user2', 'user3']);
    assert.match(c.socket.url, /\/websocket\/chatroom\?v=1$/);
  }
});

test('user1 sends; user2 and user3 receive it in real time with the seed\'s fields', async () => {
  const before = Date.now();
  assert.equal(user1.send('Good morning, team'), 0);
  const [s2, s3] = await Promise.all([user2, user3].map((c) => c.waitFor(
    (s) => s.messages.some((m) => m.message === 'Good morning, team'), 'user1\'s message', 15000)));
  for (const s of [s2, s3]) {
    const m = s.messages.find((x) => x.message === 'Good morning, team');
    assert.equal(m.username, 'user1');
    assert.ok(m.id > 0);
    assert.ok(Number.isInteger(m.time) && m.time >= before - 60000 && m.time <= Date.now() + 60000, `time ${m.time} is epoch ms`);
  }
  // On the wire: a flat object with the seed's username, message and time (epoch ms).
  for (const c of [user2, user3]) {
    const { frame } = c.frames.find((f) => f.frame.type === 'message' && f.frame.message === 'Good morning, team');
    assert.equal(typeof frame.username, 'string');
    assert.equal(frame.username, 'user1');
    assert.equal(typeof frame.message, 'string');
    assert.ok(Number.isInteger(frame.time));
    assert.ok(Number.isInteger(frame.id));
  }
});

test('they reply; every client ends with the same messages in the same order, no duplicates', async () => {
  // Replies interleave: two people typing at once.
  const texts = ['Morning!', 'Hi Eric, Καλημέρα', 'Standup in 5?', 'Yes — привет всем', 'On my way'];
  assert.equal(user2.send(texts[0]), 0);
  assert.equal(user3.send(texts[1]), 0);
  assert.equal(user2.send(texts[2]), 0);
  assert.equal(user3.send(texts[3]), 0);
  assert.equal(user1.send(texts[4]), 0);
  await allShow([user1, user2, user3], ['Good morning, team', ...texts]);
  const s = assertSameConversation([user1, user2, user3]);
  assert.equal(s.messages.length, 6);
  // Each sender's own messages keep the order they were typed in.
  const mine = (u) => s.messages.filter((m) => m.username === u).map((m) => m.message);
  assert.deepEqual(mine('user2'), [texts[0], texts[2]]);
  assert.deepEqual(mine('user3'), [texts[1], texts[3]]);
  assert.deepEqual(mine('user1'), ['Good morning, team', texts[4]]);
});

test('a reload keeps the session and the history', async () => {
  const before = conversation(user1.state());
  user1.close();  // the tab goes away
  const reloaded = room.track(await HeadlessClient.start(room.server.url, { name: 'user1 (reloaded)', jar: user1.jar }));
  const s = await reloaded.waitFor((x) => x.connection === 'live' && x.messages.length === before.length, 'live with the history');
  assert.equal(s.page, 'chat');
  assert.equal(s.me, 'user1');
  assert.deepEqual(conversation(s), before);
  assert.equal(reloaded.sockets.length, 1);
});

test('logging out ends the session: the others see the user leave, a reload shows the login page', async () => {
  user2.logout();
  // The client shows the login page once POST /api/logout is answered: the session is revoked by then.
  let s = await user2.waitFor((x) => x.page === 'login', 'the login page');
  assert.equal(s.connection, 'offline');
  assert.equal(user2.http.find((r) => r.path === '/api/logout')?.status, 204);
  await user3.waitFor((x) => !x.online.includes('user2'), 'user2 gone from the online list');
  const reloaded = room.track(await HeadlessClient.start(room.server.url, { name: 'user2 (reloaded)', jar: user2.jar }));
  s = await reloaded.waitFor((x) => x.page !== 'starting', 'the session checked');
  assert.equal(s.page, 'login');
  assert.equal(s.messages.length, 0);
});
