// The seed app's client (WaveMaker's chatroom): a plain WebSocket to
// /websocket/chatroom?username=NAME, no v=1, with a session. It sends plain
// text and receives flat seed-format frames, while the new client talks to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { loginOverHttp } from '../../support/server.mjs';
import { barrier, liveServer } from './fixture.mjs';

const room = liveServer('legacy');

/** Opens a plain `ws` socket with the session cookie; resolves once open, or with the refused upgrade's status. */
function connectLegacy(path, cookie) {
  const ws = new WebSocket(`ws://127.0.0.1:${room.server.port}${path}`, { headers: { Cookie: cookie } });
  const frames = [];
  const waiters = new Set();
  ws.on('message', (data, binary) => {
    frames.push(binary ? { binary: true } : JSON.parse(String(data)));
    for (const w of [...waiters]) w();
  });
  const waitFrame = (predicate, what, timeoutMs = 15000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`legacy client: no ${what} within ${timeoutMs} ms`)); }, timeoutMs);
    function check() {
      const f = frames.find(predicate);
      if (f) { clearTimeout(timer); waiters.delete(check); resolve(f); }
    }
    waiters.add(check);
    check();
  });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, frames, waitFrame }));
    ws.on('unexpected-response', (req, res) => { resolve({ refused: res.statusCode }); req.destroy(); });
    ws.on('error', reject);
  });
}

/** A seed-format message frame: at least username, message and time, with those types. */
function assertSeedFrame(f, username, message) {
  assert.equal(typeof f.username, 'string');
  assert.equal(typeof f.message, 'string');
  assert.ok(Number.isInteger(f.time) && f.time > 1.5e12, `time ${f.time} is epoch ms`);
  assert.equal(f.username, username);
  assert.equal(f.message, message);
}

let user1, user2, legacy;

test('a legacy client with a session connects with ?username= and no v=1', async () => {
  user1 = await room.login('user1');
  user2 = await room.login('user2');
  const { cookie } = await loginOverHttp(room.server, 'user3');
  const wrongName = await connectLegacy('/websocket/chatroom?username=user1', cookie);
  assert.equal(wrongName.refused, 403, 'username must match the session');
  legacy = await connectLegacy('/websocket/chatroom?username=user3', cookie);
  assert.ok(legacy.ws);
  await user1.waitFor((s) => s.online.includes('user3'), 'user3 online');
});

test('it sends plain text; everyone, itself included, receives it', async () => {
  legacy.ws.send('hello from the seed app');
  const echo = await legacy.waitFrame((f) => f.message === 'hello from the seed app', 'its own echo');
  assertSeedFrame(echo, 'user3', 'hello from the seed app');
  assert.equal(echo.client_id, undefined, 'a plain-text send carries no client_id');
  for (const c of [user1, user2]) {
    const s = await c.waitFor((x) => x.messages.some((m) => m.message === 'hello from the seed app'), 'the legacy message');
    const m = s.messages.find((x) => x.message === 'hello from the seed app');
    assert.equal(m.username, 'user3');
    assert.equal(m.id, echo.id);
    assert.equal(m.time, echo.time);
  }
});

test('it receives the new client\'s messages as seed-format frames, and nothing else', async () => {
  assert.equal(user1.send('hi, old friend'), 0);
  assertSeedFrame(await legacy.waitFrame((f) => f.message === 'hi, old friend', 'user1\'s message'), 'user1', 'hi, old friend');
  // The new clients come and go (presence) and a last message closes the exchange.
  user2.close();
  await user1.waitFor((s) => !s.online.includes('user2'), 'user2 gone');
  await barrier(user1, [user1], 'bye');
  await legacy.waitFrame((f) => f.message === 'bye', 'the last message');
  assert.deepEqual(legacy.frames.map((f) => f.message), ['hello from the seed app', 'hi, old friend', 'bye']);
  for (const f of legacy.frames) {
    assert.ok(f.type === undefined || f.type === 'message', `only message frames: ${JSON.stringify(f)}`);
  }
  legacy.ws.close();
});
