// The installable app in headless Chromium against the real server, over a
// copy of dist/ that the test can change: the web app manifest parses
// (DevTools' Page.getAppManifest) with its icons fetched at their sizes; the
// service worker controls the next load, which takes chatroom.js and
// chatroom.wasm from its cache (first frame timed for both loads); a new build
// (the copy's script and module changed and stamped as a build would) is taken
// on the next load with the script and module of one build, and the old cache
// is gone; nothing under /api/ or /websocket is ever cached. Exits 1 on a failed check.
//   node tests/web/pwa_test.mjs --server build/native/server/chatroom-server --dist build/wasm/web/dist \
//        --cmake cmake --shell web/shell [--loads 5]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChatServer } from '../support/server.mjs';
import { launchChromium, newPage, until } from '../support/browser.mjs';
import { arg, check, finish } from '../support/checks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '../..');
const loads = Number(arg('--loads', '3'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const buildOf = (dir) => /const BUILD = '([0-9a-f]+)'/.exec(readFileSync(join(dir, 'sw.js'), 'utf8'))?.[1];

const dist = mkdtempSync(join(tmpdir(), 'chatroom-pwa-'));
cpSync(arg('--dist', join(source, 'build/wasm/web/dist')), dist, { recursive: true });
const server = new ChatServer({ bin: arg('--server', join(source, 'build/native/server/chatroom-server')), dist });

/** Loads (or reloads) the page and resolves with the ms from navigation to the login form's first draw,
 *  and how chatroom.js and chatroom.wasm arrived (the DevTools protocol's view of each response). */
async function load(p, cdp, how) {
  const files = {};
  const onResponse = ({ response }) => {
    const u = new URL(response.url);
    if (u.pathname === '/chatroom.js' || u.pathname === '/chatroom.wasm') {
      files[u.pathname.slice(1)] = { v: u.searchParams.get('v'), source: response.fromServiceWorker ? response.serviceWorkerResponseSource : 'server' };
    }
  };
  cdp.on('Network.responseReceived', onResponse);
  try {
    await (how === 'reload' ? p.reload() : p.goto(server.url));
    const ms = await (await p.waitForFunction(() => window.chatroom && window.chatroom.rect('login.username') && performance.now(),
      null, { polling: 'raf', timeout: 20000 })).jsonValue();
    return { ms, files };
  } finally {
    cdp.off('Network.responseReceived', onResponse);
  }
}

async function openPage(browser) {
  const p = await newPage(browser, {}, { onPageError: (e) => check(false, 'no page errors', e.message) });
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Network.enable');
  return { p, cdp };
}

const controlled = (p) => p.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
const cacheNames = (p) => p.evaluate(() => caches.keys());

await server.start();
const browser = await launchChromium();
try {
  // ------------------------------------------------------------------ the manifest
  {
    const { p, cdp } = await openPage(browser);
    await load(p, cdp, 'goto');
    const m = await cdp.send('Page.getAppManifest');
    check(m.url.endsWith('/manifest.webmanifest') && m.errors.length === 0, 'the page links a manifest that parses without errors',
      JSON.stringify(m.errors));
    const data = JSON.parse(m.data);
    check(data.name === 'Chat Room' && data.short_name && data.start_url && data.display === 'standalone' && data.theme_color === '#ef6262',
      'the manifest has name, short_name, start_url, display standalone and theme color #ef6262', m.data.replace(/\s+/g, ' '));
    const sizes = await p.evaluate(async (icons) => Promise.all(icons.map(async (i) => {
      const r = await fetch(new URL(i.src, document.baseURI));
      const b = new DataView(await r.arrayBuffer());
      return { ...i, status: r.status, type: r.headers.get('content-type'), w: b.getUint32(16), h: b.getUint32(20) };
    })), data.icons);
    for (const size of ['192x192', '512x512']) {
      const ok = sizes.some((i) => i.sizes === size && i.purpose !== 'maskable' && i.status === 200 && i.type === 'image/png' && `${i.w}x${i.h}` === size);
      check(ok, `the ${size} icon is fetched, a PNG of that size`, JSON.stringify(sizes));
    }
    check(sizes.some((i) => i.purpose === 'maskable' && i.status === 200 && `${i.w}x${i.h}` === i.sizes), 'a maskable icon is fetched at its size');
    await p.context().close();
  }

  // ------------------------------------------------------------------ first load, then from the cache
  const first = [], repeat = [];
  for (let i = 0; i < loads; i++) {
    const { p, cdp } = await openPage(browser);  // a new context: nothing cached
    const a = await load(p, cdp, 'goto');
    first.push(a.ms);
    await controlled(p);
    const b = await load(p, cdp, 'reload');
    repeat.push(b.ms);
    if (i === 0) {
      check(a.files['chatroom.js']?.source === 'server' && a.files['chatroom.wasm']?.source === 'server',
        'the first load takes the script and module from the server', JSON.stringify(a.files));
      check(await p.evaluate(() => navigator.serviceWorker.controller?.scriptURL.endsWith('/sw.js')), 'the service worker controls the second load');
      check(b.files['chatroom.js']?.source === 'cache-storage' && b.files['chatroom.wasm']?.source === 'cache-storage',
        'the second load takes the script and module from the worker\'s cache', JSON.stringify(b.files));
    }
    if (i === loads - 1) {
      // ---------------------------------------------------------------- a new build on the server
      const old = buildOf(dist);
      appendFileSync(join(dist, 'chatroom.js'), "\n;globalThis.chatroomBuildMark = 'second';\n");
      appendFileSync(join(dist, 'chatroom.wasm'), Buffer.from([0, 6, 5, 0x6d, 0x61, 0x72, 0x6b, 0x32]));  // a custom section "mark" + "2"
      execFileSync(arg('--cmake', 'cmake'), [`-DDIST=${dist}`, `-DSHELL=${arg('--shell', join(source, 'web/shell'))}`, '-P',
        join(source, 'web/stamp_build.cmake')]);
      const fresh = buildOf(dist);
      check(fresh && fresh !== old, 'the changed build has a new name', `${old} -> ${fresh}`);
      const c = await load(p, cdp, 'reload');
      const mark = await p.evaluate(() => globalThis.chatroomBuildMark);
      check(c.files['chatroom.js']?.v === fresh && c.files['chatroom.wasm']?.v === fresh && mark === 'second',
        'the next load runs the new build: its script and its module, no mix', JSON.stringify({ files: c.files, mark }));
      const names = await until(() => cacheNames(p), (k) => k.length === 1 && k[0] === `chatroom-${fresh}`,
        'the new build\'s cache alone', 20000).catch(() => cacheNames(p));
      const workers = await p.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration();
        return ['installing', 'waiting', 'active'].map((k) => `${k}: ${r?.[k]?.state ?? '-'}`).join(', ');
      });
      check(names.length === 1 && names[0] === `chatroom-${fresh}`, 'the new worker took over and deleted the old build\'s cache',
        `${names.join(' ')}; ${workers}`);
      const d = await load(p, cdp, 'reload');
      check(d.files['chatroom.js']?.v === fresh && d.files['chatroom.js']?.source === 'cache-storage' &&
        d.files['chatroom.wasm']?.source === 'cache-storage' && await p.evaluate(() => globalThis.chatroomBuildMark) === 'second',
      'the load after that starts from the new build\'s cache', JSON.stringify(d.files));
      const urls = await p.evaluate(async () => (await Promise.all((await caches.keys()).map(async (n) =>
        (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)))).flat());
      check(urls.length > 0 && !urls.some((u) => /^\/(api\/|websocket|metrics|avatars\/)/.test(u)), 'nothing under /api/, /websocket, /metrics or /avatars/ is cached', urls.join(' '));
    }
    await p.context().close();
  }
  console.log(`first draw of the login page: first load ${first.map(Math.round).join(', ')} ms (median ${Math.round(median(first))}), ` +
    `second load from the service worker ${repeat.map(Math.round).join(', ')} ms (median ${Math.round(median(repeat))})`);
} catch (e) {
  check(false, 'the run completes', e.stack || String(e));
} finally {
  await browser.close();
  await server.dispose();
  rmSync(dist, { recursive: true, force: true });
}
finish();
