// W5's fling (bench/browser.mjs --fling N): N messages posted over the
// WebSocket, all loaded by the page (scrolled to the top until the history has
// no more), then a 10 s mouse-wheel fling from the top to the bottom at
// 1280×800, devicePixelRatio 1 and then 2 (set over the DevTools protocol:
// the client re-rasterises its text at the new ratio). Frame times: the
// client's draws from its test hook, and the page's animation-frame intervals.
import WebSocket from 'ws';

const flingMs = 10000;

/** Posts `count` messages as `poster` (the server must run with --rate-limit 0). */
async function post(url, poster, count) {
  const base = new URL(url);
  const r = await fetch(new URL('api/login', base), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: poster, password: poster }),
  });
  if (r.status !== 200) throw new Error(`login of ${poster}: HTTP ${r.status}`);
  const { token } = await r.json();
  const ws = new WebSocket(`ws://${base.host}/websocket/chatroom?v=1`, { headers: { Authorization: `Bearer ${token}` } });
  await new Promise((resolve, reject) => {
    let acked = 0;
    ws.on('error', reject);
    ws.on('open', () => {
      for (let i = 1; i <= count; i++) {
        const words = 'the quick brown fox jumps over the lazy dog '.repeat(1 + (i % 4));
        ws.send(JSON.stringify({ type: 'send', message: `fling ${i} ${words}${i % 7 === 0 ? '👋 日本語 עברית' : ''}`, client_id: `fling-${i}` }));
      }
    });
    ws.on('message', (d) => {
      const f = JSON.parse(d);
      if (f.type === 'message' && String(f.client_id).startsWith('fling-') && ++acked === count) ws.close();
    });
    ws.on('close', resolve);
  });
}

const hook = (page) => page.evaluate(() => window.chatroom.state());

function percentile(xs, p) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 100) / 100;
}

/** Scrolls up until the client holds the whole history. */
async function loadAll(page, count, timeoutMs) {
  const deadline = Date.now() + Math.max(timeoutMs, count * 100);  // 100 pages of 50 on a busy machine
  for (;;) {
    const s = await hook(page);
    if (!s.has_older && !s.loading_older) return s.messages.length;
    if (Date.now() > deadline) throw new Error(`loading the history: ${s.messages.length} of ${count} after the deadline`);
    if (!s.loading_older) await page.mouse.wheel(0, -1e6);
    await page.waitForFunction(() => !window.chatroom.state().loading_older, null, { timeout: timeoutMs, polling: 'raf' });
  }
}

/** One fling from the top to the bottom; the draw and frame times during it. */
async function flingOnce(page) {
  await page.mouse.wheel(0, -1e7);
  await page.waitForFunction(() => window.chatroom.state().scroll.y === 0, null, { polling: 'raf' });
  const statsBefore = await page.evaluate(() => (window.chatroomText ? { ...window.chatroomText.stats } : {}));
  await page.evaluate(() => {
    if (window.chatroom.drawTimes) window.chatroom.drawTimes();  // (a client without the hook: frame intervals only)
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__flinging) requestAnimationFrame(tick); };
    window.__flinging = true;
    requestAnimationFrame(tick);
  });
  const start = Date.now();
  // The list's position follows a straight line from the top (0 s) to the bottom (10 s).
  for (;;) {
    const t = Date.now() - start;
    const { y, max } = await page.evaluate(() => window.chatroom.state().scroll);
    if (y >= max - 1 || t >= flingMs + 2000) break;
    const target = Math.min(max, (max * t) / flingMs);
    await page.mouse.wheel(0, Math.max(20, target - y));
  }
  const elapsed = Date.now() - start;
  const before = statsBefore;
  const s = await hook(page);
  const { draws, frames, cache } = await page.evaluate(() => {
    window.__flinging = false;
    const t = window.chatroom.drawTimes ? window.chatroom.drawTimes() : { draw_ms: [], text_textures: null, text_bytes: 0 };
    const st = window.chatroomText ? { ...window.chatroomText.stats } : {};
    return { draws: t.draw_ms, frames: window.__frames.slice(1), cache: { textures: t.text_textures, bytes: t.text_bytes, stats: st } };
  });
  const d = (k) => (cache.stats[k] || 0) - (before[k] || 0);
  const renders = d('renders');
  const time = d('layout_ms') + d('paint_ms') + d('upload_ms');
  const r3 = (x) => Math.round((x / Math.max(1, renders)) * 1000) / 1000;
  return {
    elapsed_ms: elapsed, reached_bottom: s.at_bottom, draws: draws.length,
    draw_p50_ms: percentile(draws, 50), draw_p95_ms: percentile(draws, 95), draw_max_ms: percentile(draws, 100),
    frame_p50_ms: percentile(frames, 50), frame_p95_ms: percentile(frames, 95), frame_max_ms: percentile(frames, 100),
    text_textures: cache.textures, text_mib: Math.round((cache.bytes / 1048576) * 10) / 10,
    text_renders: renders, text_ms_per_render: renders > 0 ? Math.round((time / renders) * 1000) / 1000 : null,
    text_split_ms: renders > 0 ? { layout: r3(d('layout_ms')), paint: r3(d('paint_ms')), upload: r3(d('upload_ms')) } : null,
  };
}

export async function flingRun(browser, { url, user, password, timeoutMs, count, errors }) {
  await post(url, user === 'user2' ? 'user3' : 'user2', count);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  try {
    const login = await context.request.post(new URL('api/login', url).href, { data: { username: user, password } });
    if (!login.ok()) throw new Error(`login as ${user}: HTTP ${login.status()}`);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => window.chatroom && window.chatroom.state().connection.state === 'live', null, { timeout: timeoutMs });
    await page.mouse.move(640, 400);
    const loaded = await loadAll(page, count, timeoutMs);
    const out = { messages: loaded };
    out.dpr1 = await flingOnce(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 2, mobile: false });
    await page.waitForFunction(() => window.devicePixelRatio === 2);
    out.dpr2 = await flingOnce(page);
    return out;
  } finally {
    await context.close();
  }
}
