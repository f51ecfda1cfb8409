// W5, the browser client: bytes of the built .wasm and .js (raw and gzip), and,
// when --url is given (our server serving the client), the time from navigation
// to the first animation frame drawn after the client reports the chat page
// with a live WebSocket (window.chatroom.state()), in headless
// Chromium. Prints one JSON line; exits 1 only if the browser part was asked
// for and failed.
//   node bench/browser.mjs --dist build/wasm/web/dist [--url http://127.0.0.1:PORT/]
//        [--user user1 --password user1] [--timeout-ms 20000]
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const dist = arg('--dist', 'build/wasm/web/dist');
const url = arg('--url', '');
const user = arg('--user', 'user1');
const password = arg('--password', user);
const timeoutMs = Number(arg('--timeout-ms', '20000'));

/** Sizes of the top-level .wasm and .js files of the client's dist folder. */
function sizes() {
  const out = { built: false, wasm_bytes: 0, wasm_gzip: 0, js_bytes: 0, js_gzip: 0, files: [] };
  if (!existsSync(dist)) return out;
  for (const name of readdirSync(dist).sort()) {
    const ext = name.endsWith('.wasm') ? 'wasm' : name.endsWith('.js') ? 'js' : null;
    const path = join(dist, name);
    if (!ext || !statSync(path).isFile()) continue;
    const raw = readFileSync(path);
    const gz = gzipSync(raw, { level: 9 }).length;
    out[`${ext}_bytes`] += raw.length;
    out[`${ext}_gzip`] += gz;
    out.files.push({ name, bytes: raw.length, gzip: gz });
  }
  out.built = out.wasm_bytes > 0 && out.js_bytes > 0;
  return out;
}

/** Logs in (session cookie), opens the app and waits for the client to report
 *  the chat on screen; returns milliseconds since the navigation started. */
async function firstChatFrame() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const login = await context.request.post(new URL('api/login', url).href, { data: { username: user, password } });
    if (!login.ok()) throw new Error(`login as ${user}: HTTP ${login.status()}`);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    // Evaluated on every animation frame. The first frame in which the client
    // reports the chat page with a live connection marks the state; the frame
    // after it has drawn that page, and its time is the answer.
    const handle = await page.waitForFunction(() => {
      const api = window.chatroom;
      const s = api && typeof api.state === 'function' ? api.state() : null;
      if (window.__benchChatSeen) return performance.now();
      if (s && s.page === 'chat' && s.connection && s.connection.state === 'live') window.__benchChatSeen = true;
      return false;
    }, null, { polling: 'raf', timeout: timeoutMs });
    const ms = await handle.jsonValue();
    const state = await page.evaluate(() => window.chatroom.state());
    return { first_frame_ms: Math.round(ms * 10) / 10, page: state.page, connection: state.connection.state,
      page_errors: errors.slice(0, 3) };
  } finally {
    await browser.close();
  }
}

const out = sizes();
let rc = 0;
if (url) {
  try {
    Object.assign(out, await firstChatFrame());
  } catch (e) {
    out.error = `first frame: ${String(e.message ?? e).split('\n')[0]}`;
    rc = 1;
  }
}
console.log(JSON.stringify(out));
process.exit(rc);
