// A chatroom-server for a test: its own temporary folder and database, port 0
// on 127.0.0.1 at first start, the same port and database on a restart.
// Shared by tests/web/browser_test.mjs and the end-to-end suites (tests/e2e).
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The server binary and web root: CHATROOM_SERVER / CHATROOM_DIST (set by ctest), else this checkout's build trees. */
export const defaultServerBin = () => process.env.CHATROOM_SERVER || join(repo, 'build/native/server/chatroom-server');
export const defaultDist = () => process.env.CHATROOM_DIST || join(repo, 'build/wasm/web/dist');

/** One server process over one temporary database; start() again after stop() restarts it in place. */
export class ChatServer {
  /**
   * @param {object} o
   * @param {string} [o.bin]   the chatroom-server binary
   * @param {string} [o.dist]  the web root (the client's dist folder)
   * @param {string[]} [o.args] extra flags (for example ['--rate-limit', '0'])
   * @param {string} [o.log]   a file that receives the server's stderr (appended across restarts)
   */
  constructor({ bin = defaultServerBin(), dist = defaultDist(), args = [], log = null } = {}) {
    this.bin = bin;
    this.dist = dist;
    this.args = args;
    this.log = log;
    this.dir = mkdtempSync(join(tmpdir(), 'chatroom-test-'));
    this.db = join(this.dir, 'chat.db');
    this.port = 0;
    this.proc = null;
  }

  get origin() { return `http://127.0.0.1:${this.port}`; }
  /** The app's address, with a trailing slash. */
  get url() { return `${this.origin}/`; }
  get running() { return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null; }

  /** Starts the server and resolves once it printed its "listening" line (at most `timeoutMs`). */
  start(timeoutMs = 30000) {
    const args = ['--port', String(this.port), '--db', this.db, '--web-root', this.dist, ...this.args];
    const err = this.log ? openSync(this.log, 'a') : 'ignore';
    const proc = spawn(this.bin, args, { stdio: ['ignore', 'pipe', err] });
    if (typeof err === 'number') closeSync(err);
    this.proc = proc;
    return new Promise((resolveStart, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms`)), timeoutMs);
      proc.stdout.on('data', (d) => {
        out += String(d);
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[1]);
          proc.removeAllListeners('exit');
          resolveStart(this);
        }
      });
      proc.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code ?? signal} before listening`));
      });
    });
  }

  /** Sends `signal` (SIGTERM: a graceful shutdown) and resolves with the exit code once the process is gone. */
  stop(signal = 'SIGTERM', timeoutMs = 15000) {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc ? proc.exitCode : null);
    return new Promise((resolveStop, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`server did not exit within ${timeoutMs} ms of ${signal}`));
      }, timeoutMs);
      proc.removeAllListeners('exit');
      proc.on('exit', (code) => {
        clearTimeout(timer);
        resolveStop(code);
      });
      proc.kill(signal);
    });
  }

  /** Stops the server if it runs and removes its folder (database included). */
  async dispose() {
    try {
      await this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Logs `username` in over HTTP; resolves with { token, cookie, user }. */
export async function loginOverHttp(server, username, password = username) {
  const r = await fetch(`${server.origin}/api/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`login of ${username} answered ${r.status}`);
  const { token, user } = await r.json();
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('session='));
  return { token, cookie, user };
}

/** Posts each text as `user` over a v1 WebSocket; resolves with their ids, in order. */
export async function postOverSocket(server, user, texts) {
  const { token } = await loginOverHttp(server, user);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/websocket/chatroom?v=1`, { headers: { Authorization: `Bearer ${token}` } });
  const ids = new Map();
  await new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => texts.forEach((t, i) => ws.send(JSON.stringify({ type: 'send', message: t, client_id: `p-${i}` }))));
    ws.on('message', (d) => {
      const f = JSON.parse(d);
      if (f.type === 'message' && f.client_id && f.client_id.startsWith('p-')) {
        ids.set(f.client_id, f.id);
        if (ids.size === texts.length) ws.close();
      }
    });
    ws.on('close', resolve);
  });
  return texts.map((_, i) => ids.get(`p-${i}`));
}
