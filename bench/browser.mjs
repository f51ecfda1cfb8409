// W5, the browser client: bytes of the built .wasm and .js (raw and gzip), of the
// other files in its dist folder (the page), and, when --url is given (our
// server serving the client), in headless Chromium:
// - the time from navigation to the first animation frame drawn after the
//   client reports the chat page with a live WebSocket (window.chatroom.state()),
//   and every byte the page fetched up to that frame (first_load_bytes: bodies
//   as transferred, gzip where the server sent it; first_load_transfer with
//   headers), from the page's Resource Timing;
// - with --fling N, the frame times of a 10 s fling through N messages at
//   1280×800, devicePixelRatio 1 and 2: N messages are posted (the server must
//   run with --rate-limit 0), the page loads them all, then the mouse wheel
//   takes the list from the top to the bottom in 10 s; the client's draw times
//   come from its test hook (window.chatroom.drawTimes()), the intervals
//   between animation frames from the page.
// Prints one JSON line; exits 1 only if the browser part was asked for and failed.
// Each of --runs navigations uses a fresh browser context (no cache, its own
// login); the median is reported with every run's time.
//   node bench/browser.mjs --dist build/wasm/web/dist [--url http://127.0.0.1:PORT/]
//        [--runs 3] [--user user1 --password user1] [--timeout-ms 20000] [--fling 5000]
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { flingRun } from './fling.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const dist = arg('--dist', 'build/wasm/web/dist');
const url = arg('--url', '');
const user = arg('--user', 'user1');
const password = arg('--password', user);
const timeoutMs = Number(arg('--timeout-ms', '20000'));
const runs = Math.max(1, Number(arg('--runs', '3')));
const fling = Number(arg('--fling', '0'));

/** Sizes of the top-level .wasm and .js files of the client's dist folder. */
function sizes() {
  const out = { built: false, wasm_bytes: 0, wasm_gzip: 0, js_bytes: 0, js_gzip: 0, other_bytes: 0, other_gzip: 0, files: [] };
  if (!existsSync(dist)) return out;
  for (const name of readdirSync(dist).sort()) {
    const ext = name.endsWith('.wasm') ? 'wasm' : name.endsWith('.js') ? 'js' : 'other';
    const path = join(dist, name);
    if (!statSync(path).isFile()) continue;
    const raw = readFileSync(path);
    const gz = gzipSync(raw, { level: 9 }).length;
    out[`${ext}_bytes`] += raw.length;
    out[`${ext}_gzip`] += gz;
    out.files.push({ name, bytes: raw.length, gzip: gz });
  }
  out.built = out.wasm_bytes > 0 && out.js_bytes > 0;
  return out;
}

/** Logs in (session cookie) in a fresh context, opens the app and waits for the
 *  client to report the chat; returns milliseconds since the navigation started. */
async function firstChatFrame(browser) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
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
      if (window.__benchChatSeen) {
        // What the page fetched up to this frame: the document and every resource.
        const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
        return { ms: performance.now(), files: entries.map((e) => ({ name: new URL(e.name).pathname, body: e.encodedBodySize, transfer: e.transferSize })) };
      }
      if (s && s.page === 'chat' && s.connection && s.connection.state === 'live') window.__benchChatSeen = true;
      return false;
    }, null, { polling: 'raf', timeout: timeoutMs });
    const { ms, files } = await handle.jsonValue();
    return { ms: Math.round(ms * 10) / 10, files, errors };
  } finally {
    await context.close();
  }
}

async function firstChatFrames() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const times = [];
    const errors = [];
    let files = [];
    for (let i = 0; i < runs; i++) {
      const r = await firstChatFrame(browser);
      times.push(r.ms);
      errors.push(...r.errors);
      files = r.files;
    }
    const sorted = [...times].sort((a, b) => a - b);
    const out = { first_frame_ms: sorted[Math.floor((sorted.length - 1) / 2)], first_frame_runs_ms: times,
      first_load_bytes: files.reduce((n, f) => n + f.body, 0), first_load_transfer: files.reduce((n, f) => n + f.transfer, 0),
      first_load_files: files.map((f) => `${f.name} ${f.body}`) };
    if (fling > 0) out.fling = await flingRun(browser, { url, user, password, timeoutMs, count: fling, errors });
    out.page_errors = errors.slice(0, 3);
    return out;
  } finally {
    await browser.close();
  }
}

const out = sizes();
let rc = 0;
if (url) {
  try {
    Object.assign(out, await firstChatFrames());
  } catch (e) {
    out.error = `first frame: ${String(e.message ?? e).split('\n')[0]}`;
    rc = 1;
  }
}
console.log(JSON.stringify(out));
process.exit(rc);
