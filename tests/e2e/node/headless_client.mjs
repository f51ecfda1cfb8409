// One headless web client in Node: the real chat_client and transport compiled
// to wasm (tests/e2e/headless, built by the wasm tree as chat_headless.js),
// with what a browser would give it: npm `ws` as its WebSocket, sending the
// session cookie and the page's Origin, and Node's fetch with a cookie jar.
// Each client is its own module instance, so clients keep separate sessions.
// The test can cut the client's TCP connection or take its network away.
import { createRequire } from 'node:module';
import WS from 'ws';

const require = createRequire(import.meta.url);
/** CHATROOM_HEADLESS (set by ctest), else the wasm tree of this checkout. */
const createChatHeadless = require(process.env.CHATROOM_HEADLESS || '../../../build/wasm/tests/e2e/chat_headless.js');

/** The cookies one browser profile holds for the server (name → value). */
export class CookieJar {
  constructor() { this.cookies = new Map(); }

  /** Takes the Set-Cookie headers of a response; Max-Age=0 or an empty value removes the cookie. */
  store(headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || attrs.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

/** A deadline error that says what was awaited, what the client showed instead and what it last did. */
function timeoutError(client, what, ms, last) {
  const brief = last && { page: last.page, connection: last.connection, messages: last.messages.length, notice: last.notice };
  const recent = client.events.slice(-12).map((e) => `  ${e}`).join('\n');
  return new Error(`${client.name}: no "${what}" within ${ms} ms (last state ${JSON.stringify(brief)}); its last network events:\n${recent}`);
}

export class HeadlessClient {
  /** Loads a fresh client for the server at `baseUrl` and starts it (the page load); `jar` is its browser profile. */
  static async start(baseUrl, { name = 'client', jar = new CookieJar() } = {}) {
    const c = new HeadlessClient(baseUrl, name, jar);
    await c.load();
    c.call('headless_start');
    return c;
  }

  /** A new client that logs in as `username` through the login form and waits until it is live. */
  static async login(baseUrl, username, password = username, timeoutMs = 15000) {
    const c = await HeadlessClient.start(baseUrl, { name: username });
    try {
      await c.waitFor((s) => s.page === 'login', 'the login page');
      c.call('headless_login', ['string', 'string'], [username, password]);
      await c.waitFor((s) => s.connection === 'live', 'live', timeoutMs);
      return c;
    } catch (e) {
      c.close();  // its timers would keep the test process alive
      throw e;
    }
  }

  constructor(baseUrl, name, jar) {
    this.baseUrl = baseUrl;
    this.name = name;
    this.jar = jar;
    this.sockets = [];       // every WebSocket this client opened, oldest first
    this.frames = [];        // every frame it received: { socket: index in sockets, frame: parsed JSON }
    this.sent = [];          // every frame it sent: { socket, text }
    this.http = [];          // every answered request: { method, path, status }
    this.events = [];        // sockets opened and closed, requests answered, with times (for failure reports)
    this.networkDown = false;
    this.waiters = new Set();
    this.module = null;
  }

  async load() {
    const self = this;
    const origin = new URL(this.baseUrl).origin;
    /** npm `ws` behaving like a page's WebSocket: the session cookie and Origin go along, errors become close events. */
    class BrowserWebSocket extends WS {
      constructor(url, protocols) {
        super(url, protocols, { headers: { Cookie: self.jar.header() }, origin });
        this.on('error', () => {});  // a browser reports a failed socket as a close event (1006), never as an exception
        const socket = self.sockets.push(this) - 1;
        self.note(`socket ${socket} ${url}${self.networkDown ? ' (network down)' : ''}`);
        this.on('open', () => self.note(`socket ${socket} open`));
        this.on('close', (code) => self.note(`socket ${socket} closed ${code}`));
        this.on('message', (data, binary) => { if (!binary) self.frames.push({ socket, frame: JSON.parse(String(data)) }); });
        const send = this.send.bind(this);
        this.send = (text) => {
          self.sent.push({ socket, text });
          send(text);
        };
        if (self.networkDown) this.terminate();  // no network: the attempt fails before it opens
      }
    }
    this.module = await createChatHeadless({
      WebSocket: BrowserWebSocket,
      chatroomBaseUrl: this.baseUrl,
      chatroomFetch: (url, init) => this.fetch(url, init),
      onchange: () => this.changed(),
      print: (t) => console.log(`[${this.name}] ${t}`),
      printErr: (t) => console.error(`[${this.name}] ${t}`),
    });
  }

  /** Node's fetch with this profile's cookies, failing like a browser's when the network is down. */
  async fetch(url, init) {
    const path = new URL(url).pathname;
    if (this.networkDown) {
      this.note(`${init.method} ${path} failed: network down`);
      throw new TypeError('fetch failed: network down');
    }
    const headers = { ...init.headers };
    const cookie = this.jar.header();
    if (cookie) headers.Cookie = cookie;
    try {
      const r = await fetch(url, { ...init, headers });
      this.jar.store(r.headers);
      this.http.push({ method: init.method, path, status: r.status });
      this.note(`${init.method} ${path} ${r.status}`);
      return r;
    } catch (e) {
      this.note(`${init.method} ${path} failed: ${e.cause?.code ?? e.message}`);
      throw e;
    }
  }

  note(event) { this.events.push(`${new Date().toISOString().slice(11, 23)} ${event}`); }

  call(fn, types = [], args = []) { return this.module.ccall(fn, 'number', types, args); }

  /** What the client shows: page, connection, online, messages (confirmed by id, then its outbox). */
  state() {
    return this.module ? JSON.parse(this.module.ccall('headless_state', 'string', [], [])) : null;
  }

  /** Types `text` and presses send; returns the client's verdict (0: accepted, sent now or queued). */
  send(text) { return this.call('headless_send', ['string'], [text]); }

  logout() { this.call('headless_logout'); }

  /** The tab goes away: the client closes its socket and stops its timers. */
  close() {
    if (!this.module) return;
    this.call('headless_close');  // the current socket is closing (1001); nothing else may linger
    for (const ws of this.sockets) if (ws.readyState === WS.CONNECTING || ws.readyState === WS.OPEN) ws.terminate();
    this.module = null;
    for (const w of this.waiters) w.fail(new Error(`${this.name}: closed while waiting for "${w.what}"`));
  }

  /** The socket in use (the newest one), or null. */
  get socket() { return this.sockets.at(-1) ?? null; }

  /** Cuts the open connection abruptly: its TCP socket is destroyed, no close frame either way. */
  cut() {
    const ws = this.socket;
    if (!ws || ws.readyState !== WS.OPEN) throw new Error(`${this.name}: no open socket to cut`);
    ws.terminate();
  }

  /** Takes the network away (sockets and fetch fail at once) or gives it back; the client is not told. */
  setNetwork(up) { this.networkDown = !up; }

  /** Resolves with the state once `predicate(state)` holds; checked at every change the client reports. */
  waitFor(predicate, what, timeoutMs = 10000) {
    const now = this.state();
    if (now && predicate(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      let last = now;
      const w = {
        what,
        check: () => {
          last = this.state();
          if (last && predicate(last)) w.done(null, last);
        },
        fail: (e) => w.done(e),
        done: (e, s) => {
          clearTimeout(w.timer);
          this.waiters.delete(w);
          if (e) reject(e); else resolve(s);
        },
      };
      w.timer = setTimeout(() => w.fail(timeoutError(this, what, timeoutMs, last)), timeoutMs);
      this.waiters.add(w);
    });
  }

  changed() {
    for (const w of [...this.waiters]) w.check();
  }
}

/** Confirmed messages only, in the order the client shows them. */
export const confirmed = (s) => s.messages.filter((m) => m.id > 0);

/** True when the client shows every text of `texts` confirmed. */
export const hasAll = (s, texts) => texts.every((t) => s.messages.some((m) => m.message === t && m.delivery === 'sent'));
