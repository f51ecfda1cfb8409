// What every headless test file shares: a live server of its own (port 0,
// temp database, its log kept as an artifact), the clients it logged in
// (closed afterwards), and the checks that clients agree on the conversation.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { ChatServer } from '../../support/server.mjs';
import { artifact } from '../artifacts.mjs';
import { HeadlessClient, hasAll } from './headless_client.mjs';

/** Registers before/after hooks for this file's server; returns it with a login helper. */
export function liveServer(name, args = []) {
  const log = artifact(`node-${name}-server.log`);
  writeFileSync(log, '');
  const server = new ChatServer({ args, log });
  const clients = [];
  before(() => server.start());
  after(async () => {
    for (const c of clients) c.close();
    await server.dispose();
  });
  return {
    server,
    /** Keeps `client` to be closed after the file's tests. */
    track(client) {
      clients.push(client);
      return client;
    },
    async login(username) {
      return this.track(await HeadlessClient.login(server.url, username));
    },
  };
}

/** Waits until every client shows every text of `texts` confirmed and nothing pending. */
export function allShow(clients, texts, timeoutMs = 15000) {
  return Promise.all(clients.map((c) => c.waitFor(
    (s) => hasAll(s, texts) && s.messages.every((m) => m.delivery === 'sent'), `all of ${texts.length} messages`, timeoutMs)));
}

/** `sender` says `text` and waits until every client shows it: everything the server stored before is in by then. */
export async function barrier(sender, clients, text) {
  assert.equal(sender.send(text), 0);
  return allShow(clients, [text]);
}

/** The conversation as one string per message: what every client must agree on. */
export const conversation = (s) => s.messages.map((m) => `${m.id}|${m.username}|${m.time}|${m.message}`);

/** Every client shows the same messages in the same order, ordered by id, each exactly once. */
export function assertSameConversation(clients) {
  const states = clients.map((c) => c.state());
  for (const [i, s] of states.entries()) {
    const ids = s.messages.map((m) => m.id);
    assert.ok(ids.every((id, k) => id > 0 && (k === 0 || id > ids[k - 1])), `${clients[i].name}: ids ascending, no duplicates: ${ids}`);
    const keys = s.messages.filter((m) => m.client_id).map((m) => `${m.username}/${m.client_id}`);
    assert.equal(new Set(keys).size, keys.length, `${clients[i].name}: no message stored twice`);
  }
  for (const [i, s] of states.entries()) {
    assert.deepEqual(conversation(s), conversation(states[0]), `${clients[i].name} and ${clients[0].name} agree`);
  }
  return states[0];
}

/** How many times `text` appears in a client's conversation. */
export const count = (s, text) => s.messages.filter((m) => m.message === text).length;
