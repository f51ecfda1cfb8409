// Connections that break: a client's socket is cut abruptly while the others
// keep talking, a message is typed while offline, a message's echo is lost.
// The client reconnects by itself (with since=) and every message ends up
// shown exactly once, by everyone, in the same order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allShow, assertSameConversation, barrier, count, liveServer } from './fixture.mjs';

const room = liveServer('reconnect');
let user1, user2, user3, everyone;

const lastId = (c) => Math.max(0, ...c.state().messages.map((m) => m.id));

test('three clients are live', async () => {
  user1 = await room.login('user1');
  user2 = await room.login('user2');
  user3 = await room.login('user3');
  everyone = [user1, user2, user3];
  await barrier(user1, everyone, 'before anything breaks');
});

test('a socket cut abruptly while the others keep sending: it reconnects by itself, every message exactly once', async () => {
  const since = lastId(user2);
  const socketsBefore = user2.sockets.length;

  // The cable is pulled: the TCP connection dies without a close frame, and for a moment nothing connects.
  user2.setNetwork(false);
  user2.cut();
  const during = ['while you were away 1', 'while you were away 2', 'while you were away 3', 'while you were away 4'];
  assert.equal(user1.send(during[0]), 0);
  assert.equal(user3.send(during[1]), 0);
  assert.equal(user1.send(during[2]), 0);
  assert.equal(user3.send(during[3]), 0);
  await user2.waitFor((s) => s.connection === 'reconnecting', 'reconnecting');
  await allShow([user1, user3], during);

  // The network is back; nobody tells the client: its own retry finds the server. The others keep sending.
  user2.setNetwork(true);
  const after = ['back again 1', 'back again 2'];
  assert.equal(user1.send(after[0]), 0);
  // Its next attempt comes after a backoff that grew while the network was away (up to 30 s): a slow
  // run of the steps above makes it longer, so the deadline covers the whole backoff.
  await user2.waitFor((s) => s.connection === 'live', 'live again', 40000);
  assert.equal(user3.send(after[1]), 0);
  await allShow(everyone, [...during, ...after]);

  const resumed = user2.socket;
  assert.ok(user2.sockets.length > socketsBefore, 'a new socket');
  assert.equal(new URL(resumed.url).searchParams.get('since'), String(since), 'it resumed after the last message it had');
  const missed = user2.frames.filter((f) => user2.sockets[f.socket] === resumed && f.frame.type === 'history')
    .flatMap((f) => f.frame.messages.map((m) => m.message));
  for (const t of during) assert.ok(missed.includes(t), `"${t}" came with the resume`);

  const s = assertSameConversation(everyone);
  for (const t of [...during, ...after]) assert.equal(count(s, t), 1, t);
});

test('a message typed while offline is delivered exactly once after the reconnect', async () => {
  user3.setNetwork(false);
  user3.cut();
  await user3.waitFor((s) => s.connection === 'reconnecting', 'reconnecting');
  assert.equal(user3.send('typed in the tunnel'), 0);
  let s = user3.state();
  const mine = s.messages.at(-1);
  assert.equal(mine.message, 'typed in the tunnel');
  assert.equal(mine.delivery, 'pending');
  assert.equal(mine.id, 0);

  user3.setNetwork(true);
  s = await user3.waitFor((x) => x.connection === 'live' && x.messages.at(-1).delivery === 'sent', 'live and confirmed', 40000);
  assert.equal(s.messages.at(-1).client_id, mine.client_id);
  // Anything stored twice would have arrived before this later message.
  await barrier(user3, everyone, 'out of the tunnel');
  s = assertSameConversation(everyone);
  assert.equal(count(s, 'typed in the tunnel'), 1);
});

test('a message whose echo is lost with the connection is resent after the reconnect and stored once', async () => {
  // The server stores and broadcasts it, but user1 stops reading and its connection dies before the echo is read.
  user1.socket.pause();
  assert.equal(user1.send('did this arrive?'), 0);
  await user2.waitFor((s) => s.messages.some((m) => m.message === 'did this arrive?'), 'the message at user2');
  const pending = user1.state().messages.at(-1);
  assert.equal(pending.delivery, 'pending');
  user1.cut();

  const s1 = await user1.waitFor((x) => x.connection === 'live' && x.messages.every((m) => m.delivery === 'sent'), 'resent and confirmed', 20000);
  const resumed = user1.frames.filter((f) => user1.sockets[f.socket] === user1.socket)
    .flatMap((f) => (f.frame.type === 'history' ? f.frame.messages : [f.frame]));
  assert.ok(resumed.some((m) => m.message === 'did this arrive?'), 'the resumed socket brought it back');
  const resends = user1.sent.filter((f) => user1.sockets[f.socket] === user1.socket).map((f) => JSON.parse(f.text))
    .filter((f) => f.type === 'send' && f.client_id === pending.client_id);
  assert.equal(resends.length, 1, 'resent once after the welcome, with the same client_id');
  await barrier(user2, everyone, 'yes, once');
  const s = assertSameConversation(everyone);
  assert.equal(count(s, 'did this arrive?'), 1);
  assert.equal(count(s1, 'did this arrive?'), 1);
});
