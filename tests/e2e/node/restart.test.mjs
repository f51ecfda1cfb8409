// The server is stopped (SIGTERM) and started again on the same database and
// port: the clients show that they are reconnecting, come back live by
// themselves and lose nothing, not even a message typed while it was down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeadlessClient } from './headless_client.mjs';
import { allShow, assertSameConversation, barrier, conversation, count, liveServer } from './fixture.mjs';

const room = liveServer('restart');
let user1, user2, user3, everyone, before;

test('three clients chat', async () => {
  user1 = await room.login('user1');
  user2 = await room.login('user2');
  user3 = await room.login('user3');
  everyone = [user1, user2, user3];
  for (const [c, text] of [[user1, 'first'], [user2, 'second'], [user3, 'third'], [user1, 'fourth']]) assert.equal(c.send(text), 0);
  await allShow(everyone, ['first', 'second', 'third', 'fourth']);
  before = conversation(assertSameConversation(everyone));
});

test('the server stops: every client shows reconnecting, and a message typed meanwhile waits', async () => {
  assert.equal(await room.server.stop('SIGTERM'), 0, 'a clean exit');
  for (const c of everyone) {
    const s = await c.waitFor((x) => x.connection === 'reconnecting', 'reconnecting');
    assert.match(s.label, /^Reconnecting/);
  }
  assert.equal(user2.send('sent while the server was down'), 0);
  const s = user2.state();
  assert.equal(s.messages.at(-1).delivery, 'pending');
});

test('it starts again on the same database: clients come back live by themselves and lose nothing', async () => {
  await room.server.start();
  const lastId = Number(before.at(-1).split('|')[0]);
  for (const c of everyone) {
    await c.waitFor((x) => x.connection === 'live', 'live again', 40000);
    assert.equal(new URL(c.socket.url).searchParams.get('since'), String(lastId), `${c.name} resumed with since=`);
  }
  await allShow(everyone, ['sent while the server was down']);
  await barrier(user3, everyone, 'after the restart');
  const s = assertSameConversation(everyone);
  assert.deepEqual(conversation(s).slice(0, before.length), before, 'the earlier messages, unchanged');
  assert.equal(count(s, 'sent while the server was down'), 1);
  assert.equal(s.messages.length, before.length + 2);

  // The database kept it all: someone arriving now gets the whole conversation.
  const late = room.track(await HeadlessClient.login(room.server.url, 'priya'));
  const ls = await late.waitFor((x) => x.messages.length === s.messages.length, 'the whole history');
  assert.deepEqual(conversation(ls), conversation(s));
});
