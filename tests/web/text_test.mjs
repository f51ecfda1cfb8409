// Text as people write it, in headless Chromium against the real server: a
// message in each of nine scripts (emoji with ZWJ sequences, a flag and a skin
// tone among them) is drawn on the canvas with no replacement glyph. For each,
// a DOM twin (the same string, size, colour and line height, laid over the
// message's text) resolves every glyph to an installed font (the DevTools
// protocol's CSS.getPlatformFontsForNode), and the canvas pixels match the
// twin's; right-to-left messages are right-aligned; a name in a non-Latin
// script shows in the top bar; wrapping never splits a grapheme. Screenshots
// of each go to the artifacts folder. Exits 1 on the first failed check.
//   node tests/web/text_test.mjs --server build/native/server/chatroom-server --dist build/wasm/web/dist
import { execFileSync } from 'node:child_process';
import { artifact } from '../e2e/artifacts.mjs';
import { ChatServer, postOverSocket } from '../support/server.mjs';
import { login, newPage, state, until, waitFor, withServerAndBrowser } from '../support/browser.mjs';
import { arg, check, finish } from '../support/checks.mjs';

const bin = arg('--server', 'build/native/server/chatroom-server');
const server = new ChatServer({ bin, dist: arg('--dist', 'build/wasm/web/dist'), args: ['--rate-limit', '0'] });

// One message per script, and the font family (as Chromium names it) that must draw it where the
// system's sans-serif has no glyphs for it. Latin, Greek and Cyrillic are in the sans-serif itself;
// Debian's fontconfig may take Hebrew and Arabic from DejaVu Sans (fontconfig-config pulls it in).
const samples = [
  { script: 'Latin', text: 'Ça va très bien, merci! Zoë & Jürgen', font: null },
  { script: 'Greek', text: 'Καλημέρα σε όλους', font: null },
  { script: 'Cyrillic', text: 'Привет, как дела?', font: null },
  { script: 'CJK', text: '日本語もOK? 你好，世界', font: /CJK/ },
  { script: 'Hebrew', text: 'שלום לכולם', font: /Hebrew|DejaVu Sans/, rtl: true },
  { script: 'Arabic', text: 'مرحبا بالجميع', font: /Arabic|Naskh|Kufi|DejaVu Sans/, rtl: true },
  { script: 'Devanagari', text: 'नमस्ते दुनिया', font: /Devanagari/ },
  { script: 'Thai', text: 'สวัสดีครับ ทุกคน', font: /Thai/ },
  { script: 'emoji', text: 'Hello 👋 👩‍💻 🇯🇵 👍🏽', font: /Emoji/ },
];
// Canvas and DOM twin share the browser's rasteriser and fonts: measured here, the canvas differs
// from the twin by at most 0.1% of the ink; the client that drew with its own DejaVu atlas (boxes
// for CJK, emoji, Devanagari, Thai) differed by 83–95%. A quarter leaves room for browsers whose
// canvas and page rasterise apart (GPU canvas, LCD antialiasing) and still fails any wrong glyph.
const maxInkDifference = 0.25;
const viewer = { username: 'hana', first: '花子', last: '山田' };

/** The pixels of a screenshot region as {w, h, data: RGBA}, decoded by the page. */
async function pixels(p, clip) {
  const png = await p.screenshot({ clip, type: 'png' });
  return p.evaluate(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' });
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    return { w: bmp.width, h: bmp.height, data: Array.from(g.getImageData(0, 0, bmp.width, bmp.height).data) };
  }, png.toString('base64'));
}

/** Ink of a pixel: its largest channel distance from the background colour. */
const ink = (d, i, bg) => Math.max(Math.abs(d[i] - bg[0]), Math.abs(d[i + 1] - bg[1]), Math.abs(d[i + 2] - bg[2]));

/** Σ|ink difference| / Σ max ink: 0 for the same picture, near 1 for unrelated ones. */
function inkDifference(a, b, bg) {
  let diff = 0, total = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const x = ink(a.data, i, bg), y = ink(b.data, i, bg);
    diff += Math.abs(x - y);
    total += Math.max(x, y);
  }
  return total === 0 ? 1 : diff / total;
}

/** The horizontal extent of the ink (columns with a pixel far from the background). */
function inkColumns(a, bg) {
  let left = a.w, right = -1;
  for (let y = 0; y < a.h; y++) {
    for (let x = 0; x < a.w; x++) {
      if (ink(a.data, (y * a.w + x) * 4, bg) > 96) { left = Math.min(left, x); right = Math.max(right, x); }
    }
  }
  return { left, right };
}

/** Lays a DOM twin of `text` over `r` (text-align to its start, bidi by its first strong character). */
async function addTwin(p, r, text, { weight = 400, size = 15, color = 'rgb(43,45,49)', background = '#ffffff', rtl = false } = {}) {
  await p.evaluate(({ r, text, weight, size, color, background, rtl }) => {
    const el = document.createElement('div');
    el.id = 'twin';
    const stack = window.chatroomText ? window.chatroomText.stack : 'sans-serif';
    const lh = window.chatroomText ? window.chatroomText.lineHeight(size) : Math.round(size * 1.32);
    Object.assign(el.style, {
      position: 'fixed', left: `${r.x}px`, top: `${r.y}px`, width: `${r.width}px`, height: `${r.height}px`, margin: '0', padding: '0',
      font: `${weight} ${size}px ${stack}`, lineHeight: `${lh}px`, color, background, whiteSpace: 'pre', zIndex: '10',
      direction: rtl ? 'rtl' : 'ltr', unicodeBidi: 'plaintext', textAlign: rtl ? 'right' : 'left', pointerEvents: 'none', overflow: 'visible',
    });
    el.textContent = text;
    document.body.appendChild(el);
  }, { r, text, weight, size, color, background, rtl });
}
const removeTwin = (p) => p.evaluate(() => document.getElementById('twin')?.remove());

/** The font families Chromium used for the twin's glyphs, with their glyph counts. */
async function twinFonts(cdp) {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#twin' });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts;
}

/** The region of a text on the canvas, in whole CSS pixels. */
const clipOf = (r) => ({ x: Math.round(r.x), y: Math.round(r.y), width: Math.ceil(r.width), height: Math.ceil(r.height) });

async function run(browser) {
  const installed = new Set(execFileSync('fc-list', [':', 'family'], { encoding: 'utf8' }).split('\n')
    .flatMap((l) => l.split(',')).map((f) => f.trim()).filter(Boolean));
  const ids = await postOverSocket(server, 'user2', samples.map((s) => s.text));

  const p = await newPage(browser, { viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 },
    { onPageError: (e) => check(false, 'no page errors', e.message) });
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  await login(p, server.url, viewer.username);
  await waitFor(p, (s) => ids.every((id) => s.visible.includes(id)) && !s.text_pending, 'every sample message on screen, drawn');
  await until(() => p.evaluate(() => document.fonts.status), (st) => st === 'loaded', 'the page fonts loaded');
  await p.screenshot({ path: artifact('text-conversation.png') });

  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i];
    const card = await p.evaluate((n) => window.chatroom.rect(n), `message.${ids[i]}`);
    let r = await p.evaluate((n) => window.chatroom.rect(n), `message.${ids[i]}.text`);
    if (!r) {  // a client without the text rect: its text box at the card's padding
      const w = await p.evaluate(({ t }) => { const c = new OffscreenCanvas(1, 1).getContext('2d'); c.font = '15px sans-serif'; return Math.ceil(c.measureText(t).width); }, { t: sample.text });
      r = { x: sample.rtl ? card.x + card.width - 12 - w : card.x + 12, y: card.y + 9, width: w, height: 20 };
    }
    const clip = clipOf(r);
    const onCanvas = await pixels(p, clip);
    await p.screenshot({ path: artifact(`text-${sample.script}.png`), clip: { x: card.x - 4, y: card.y - 4, width: card.width + 8, height: card.height + 8 } });
    await addTwin(p, clip, sample.text, { rtl: sample.rtl });
    const inDom = await pixels(p, clip);  // (laid out and painted: now its fonts are known)
    const fonts = await twinFonts(cdp);
    await p.screenshot({ path: artifact(`text-${sample.script}-twin.png`), clip: { x: card.x - 4, y: card.y - 4, width: card.width + 8, height: card.height + 8 } });
    await removeTwin(p);

    const families = fonts.map((f) => `${f.familyName}:${f.glyphCount}`).join(', ');
    check(fonts.length > 0 && fonts.every((f) => installed.has(f.familyName)),
      `${sample.script}: every glyph of the twin comes from an installed font`, families);
    if (sample.font) check(fonts.some((f) => sample.font.test(f.familyName)), `${sample.script}: drawn with its script's font`, families);
    const d = inkDifference(onCanvas, inDom, [255, 255, 255]);
    check(d <= maxInkDifference, `${sample.script}: the canvas draws the text as the browser does (no boxes)`, `ink difference ${d.toFixed(3)}`);
    // Where the ink sits across the card's whole text row.
    const inner = { left: Math.round(card.x + 12), right: Math.round(card.x + card.width - 12) };
    const row = await pixels(p, { x: inner.left - 4, y: clip.y, width: inner.right - inner.left + 8, height: clip.height });
    const cols = inkColumns(row, [255, 255, 255]);
    const [left, right] = [inner.left - 4 + cols.left, inner.left - 4 + cols.right + 1];
    if (sample.rtl) {
      check(Math.abs(right - inner.right) <= 3, `${sample.script}: right-to-left text is right-aligned in its card`,
        `ink ${left}..${right}, card text ${inner.left}..${inner.right}`);
    } else {
      check(Math.abs(left - inner.left) <= 3, `${sample.script}: left-to-right text starts at the card's left edge`,
        `ink ${left}..${right}, card text ${inner.left}..${inner.right}`);
    }
  }

  // The viewer's name, in Japanese, in the top bar.
  const s = await state(p);
  const name = `${viewer.first} ${viewer.last}`;
  check(s.me && s.me.name === name, 'the viewer is the user with a Japanese name', s.me && s.me.name);
  const nr = await p.evaluate(() => window.chatroom.rect('topbar.name'));
  check(nr !== null, 'the top bar shows the user\'s name');
  if (nr) {
    const clip = clipOf(nr);
    const onCanvas = await pixels(p, clip);
    await p.screenshot({ path: artifact('text-topbar-name.png'), clip: { x: clip.x - 8, y: 0, width: clip.width + 16, height: 56 } });
    await addTwin(p, clip, name, { weight: 700, color: 'rgb(255,255,255)', background: '#ef6262' });
    const inDom = await pixels(p, clip);
    const fonts = await twinFonts(cdp);
    await removeTwin(p);
    check(fonts.some((f) => /CJK/.test(f.familyName)), 'the name is drawn with a CJK font', fonts.map((f) => f.familyName).join(', '));
    const d = inkDifference(onCanvas, inDom, [0xef, 0x62, 0x62]);
    check(d <= maxInkDifference, 'the top bar draws the Japanese name as the browser does', `ink difference ${d.toFixed(3)}`);
  }

  // Wrapping: lines break only between graphemes, even inside a word longer than the line.
  const wraps = await p.evaluate(() => {
    if (!window.chatroomText) return null;
    const g = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const cases = ['👩‍💻'.repeat(30), '🇯🇵👍🏽'.repeat(20), 'क्षत्रिय'.repeat(12), 'e\u0301'.repeat(60) + ' word'];
    return cases.map((t) => {
      const bounds = new Set(Array.from(g.segment(t), (s) => s.index));
      const lines = window.chatroomText.layout(t, 15, 400, 90).lines;
      return { lines: lines.length, whole: lines.every((l) => bounds.has(l.start)), widest: Math.max(...lines.map((l) => l.width)) };
    });
  });
  check(wraps !== null && wraps.every((w) => w.lines > 1 && w.whole && w.widest <= 90),
    'long words wrap at grapheme boundaries within the width', JSON.stringify(wraps));
  await p.context().close();
}

await withServerAndBrowser(server, run, (e) => check(false, 'the run completes', e.stack || String(e)), async () => {
  execFileSync(bin, ['--db', server.db, 'user', 'add', viewer.username, '--first-name', viewer.first, '--last-name', viewer.last],
    { input: `${viewer.username}\n` });
});
finish('all text checks passed');
