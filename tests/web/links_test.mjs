// Formatting and links in message text, in headless Chromium against the real
// server: **bold** and `code` are drawn in their own fonts with no marker
// glyphs (the canvas against DOM twins); the pointer on a link shows its
// address and the pointer cursor; a click and a tap open exactly that address
// in a new page that cannot reach back (window.opener null, no referrer);
// javascript: and data: are no links; the screen-reader mirror has the link as
// a real <a> with its address in the accessibility tree. Exits 1 on the first failed check.
//   node tests/web/links_test.mjs --server build/native/server/chatroom-server --dist build/wasm/web/dist
import { artifact } from '../e2e/artifacts.mjs';
import { ChatServer, postOverSocket } from '../support/server.mjs';
import { inputHandled, inputMark, login, newPage, state, tapAt, until, waitFor, withServerAndBrowser } from '../support/browser.mjs';
import { arg, check, finish } from '../support/checks.mjs';

const server = new ChatServer({ bin: arg('--server', 'build/native/server/chatroom-server'), dist: arg('--dist', 'build/wasm/web/dist'),
  args: ['--rate-limit', '0'] });

const rect = (p, name) => p.evaluate((n) => window.chatroom.rect(n), name);
const cursor = (p) => p.evaluate(() => document.getElementById('canvas').style.cursor);

/** Width in CSS px of `text` in a DOM twin (a span in the page's fonts). */
const twinWidth = (p, text, font) => p.evaluate(({ text, font }) => {
  const el = document.createElement('span');
  Object.assign(el.style, { position: 'fixed', left: '0', top: '0', font: font.replace('STACK', window.chatroomText.stack), whiteSpace: 'pre' });
  el.textContent = text;
  document.body.appendChild(el);
  const w = el.getBoundingClientRect().width;
  el.remove();
  return w;
}, { text, font });

/** The pixels of a region as {w, h, data}, from a screenshot decoded by the page. */
async function pixels(p, clip) {
  const png = await p.screenshot({ clip, type: 'png' });
  return p.evaluate(async (b64) => {
    const bmp = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
    const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
    g.drawImage(bmp, 0, 0);
    return { w: bmp.width, h: bmp.height, data: Array.from(g.getImageData(0, 0, bmp.width, bmp.height).data) };
  }, png.toString('base64'));
}
/** Σ|ink difference| / Σ max ink against a white background: 0 for the same picture. */
function inkDifference(a, b) {
  const ink = (d, i) => Math.max(255 - d[i], 255 - d[i + 1], 255 - d[i + 2]);
  let diff = 0, total = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    diff += Math.abs(ink(a.data, i) - ink(b.data, i));
    total += Math.max(ink(a.data, i), ink(b.data, i));
  }
  return total === 0 ? 1 : diff / total;
}
/** The canvas over `clip` against a DOM twin of `text` in `font` laid over it. */
async function againstTwin(p, clip, text, font) {
  const canvas = await pixels(p, clip);
  await p.evaluate(({ clip, text, font }) => {
    const el = document.createElement('div');
    el.id = 'twin';
    Object.assign(el.style, { position: 'fixed', left: `${clip.x}px`, top: `${clip.y}px`, width: `${clip.width}px`, height: `${clip.height}px`,
      font: font.replace('STACK', window.chatroomText.stack), lineHeight: `${clip.height}px`, color: 'rgb(43,45,49)', background: '#fff',
      whiteSpace: 'pre', zIndex: '10' });
    el.textContent = text;
    document.body.appendChild(el);
  }, { clip, text, font });
  const dom = await pixels(p, clip);
  await p.evaluate(() => document.getElementById('twin').remove());
  return inkDifference(canvas, dom);
}

async function run(browser) {
  const target = `${server.url}linked-page?from=chat`;
  const texts = [`Docs at ${target} now`, 'not links: javascript:alert(1) and data:text/html,hi', 'word', '**word**', '`word`',
    '> a quote with **bold**\n```\nconst x = 1;  // a fenced block\n```\n_italic_, `code` and mailto:someone@example.com'];
  const [linkId, badId, plainId, boldId, codeId, allId] = await postOverSocket(server, 'user2', texts);

  const p = await newPage(browser, { viewport: { width: 1000, height: 800 }, deviceScaleFactor: 1 },
    { onPageError: (e) => check(false, 'no page errors', e.message) });
  await login(p, server.url, 'user1');
  await waitFor(p, (s) => [linkId, badId, plainId, boldId, codeId, allId].every((id) => s.visible.includes(id)) && !s.text_pending,
    'the messages on screen, drawn');
  await p.screenshot({ path: artifact('links-conversation.png') });
  const all = await rect(p, `message.${allId}`);
  await p.screenshot({ path: artifact('links-formatting.png'), clip: { x: all.x - 4, y: all.y - 4, width: all.width + 8, height: all.height + 8 } });
  check(all.height > 4 * 20, 'quote, fenced block and text are drawn on their own lines, markers left out', `card height ${all.height}`);

  // Bold and code: their own fonts, the markers not drawn.
  const plain = await rect(p, `message.${plainId}.text`), bold = await rect(p, `message.${boldId}.text`);
  const code = await rect(p, `message.${codeId}.text`);
  const wBold = await twinWidth(p, 'word', '700 15px STACK'), wStars = await twinWidth(p, '**word**', '400 15px STACK');
  const wPlain = await twinWidth(p, 'word', '400 15px STACK'), wMono = await twinWidth(p, 'word', '400 14px monospace');
  check(Math.abs(bold.width - wBold) <= 1 && Math.abs(bold.width - wStars) > 5,
    '**word** is drawn as bold "word" (no asterisks)', `canvas ${bold.width}, DOM bold ${wBold.toFixed(1)}, DOM "**word**" ${wStars.toFixed(1)}`);
  check(Math.abs(plain.width - wPlain) <= 1 && Math.abs(bold.width - plain.width) >= 1,
    'plain "word" is drawn narrower than bold', `plain ${plain.width} (DOM ${wPlain.toFixed(1)}), bold ${bold.width}`);
  check(Math.abs(code.width - wMono) <= 1 && Math.abs(code.width - plain.width) >= 1,
    '`word` is drawn in monospace without backticks', `canvas ${code.width}, DOM monospace ${wMono.toFixed(1)}`);
  const clip = { x: Math.round(bold.x), y: Math.round(bold.y), width: Math.ceil(bold.width), height: Math.ceil(bold.height) };
  const dBold = await againstTwin(p, clip, 'word', '700 15px STACK'), dStars = await againstTwin(p, clip, '**word**', '700 15px STACK');
  check(dBold <= 0.25 && dStars > 0.25, 'the bold message\'s pixels match a bold "word" twin, not "**word**"',
    `ink difference ${dBold.toFixed(3)} vs ${dStars.toFixed(3)}`);

  // Hit testing on a formatted layout: bytes of the original body at a point, rectangles of a byte range,
  // left to right and right to left, and wrapping that never splits a grapheme inside a styled run.
  const ht = await p.evaluate(() => {
    const T = window.chatroomText;
    const ltr = T.layoutRuns([{ k: 0, r: [['Hello ', 0, 0], ['bold', 1, 8], [' world', 0, 14]] }], 15);  // "Hello **bold** world"
    const [b] = T.rects(ltr, 8, 12);
    const rtl = T.layoutRuns([{ k: 0, r: [['שלום ', 0, 0], ['עולם', 1, 11]] }], 15);  // "שלום **עולם**"
    const [r0] = T.rects(rtl, 0, 9), [r1] = T.rects(rtl, 11, 19);
    const g = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const long = '👩‍💻'.repeat(30), bounds = new Set(Array.from(g.segment(long), (x) => x.index));
    const wrapped = T.layoutRuns([{ k: 0, r: [['x ', 0, 0], [long, 1, 4]] }], 15, 400, 90);
    return {
      boldRect: b, plainW: ltr.lines[0].pieces[0].w,
      startOfBold: T.hit(ltr, b.x + 1, 5), endOfBold: T.hit(ltr, b.x + b.w - 1, 5), pastEnd: T.hit(ltr, ltr.width + 20, 5),
      rtl: { first: r0, second: r1, hitRight: T.hit(rtl, rtl.width - 1, 5), hitBold: T.hit(rtl, r1.x + r1.w - 1, 5) },
      wrap: { lines: wrapped.lines.length, whole: wrapped.lines.slice(1).every((l) => bounds.has(l.start - 2)),
              widest: Math.max(...wrapped.lines.map((l) => l.width)) },
    };
  });
  check(Math.abs(ht.boldRect.x - ht.plainW) < 0.5 && ht.boldRect.w > 20, 'rects(): bold "word" is drawn right after "Hello "', JSON.stringify(ht.boldRect));
  check(ht.startOfBold.under === 8 && ht.startOfBold.offset === 8 && ht.startOfBold.inside, 'hit(): the first letter of bold is byte 8 of the body', JSON.stringify(ht.startOfBold));
  check(ht.endOfBold.under === 11 && ht.endOfBold.offset === 12, 'hit(): the right half of its last letter ends at byte 12', JSON.stringify(ht.endOfBold));
  check(ht.pastEnd.offset === 20 && !ht.pastEnd.inside, 'hit(): past the end of the line is the end of the body, not on text', JSON.stringify(ht.pastEnd));
  check(ht.rtl.second.x + ht.rtl.second.w <= ht.rtl.first.x + 0.5 && ht.rtl.hitRight.under === 0 && ht.rtl.hitBold.under === 11,
    'right to left: the first word at the right, the bold one left of it, hits by byte', JSON.stringify(ht.rtl));
  check(ht.wrap.lines > 1 && ht.wrap.whole && ht.wrap.widest <= 90, 'a long bold word wraps between graphemes within the width', JSON.stringify(ht.wrap));

  // The pointer on the link: its address at the bottom and the pointer cursor; off it, neither.
  const lr = await rect(p, `message.${linkId}.text`);
  const before = await twinWidth(p, 'Docs at ', '400 15px STACK');
  const onLink = [lr.x + before + 30, lr.y + 10];
  await p.mouse.move(lr.x + 5, lr.y + 10);
  let s = await inputHandled(p, 'the pointer on "Docs"');
  check(s.link === '' && (await cursor(p)) !== 'pointer', 'plain text is no link', `link "${s.link}", cursor ${await cursor(p)}`);
  await p.mouse.move(...onLink);
  s = await waitFor(p, (st) => st.link !== '', 'the pointer on the link');
  check(s.link === target, 'the pointer on a link shows its full address', s.link);
  check((await cursor(p)) === 'pointer', 'the pointer on a link is the pointer cursor', await cursor(p));
  check((await rect(p, 'link.status')) !== null, 'the address shows at the bottom of the list');
  await p.screenshot({ path: artifact('links-hover.png') });

  // A click opens exactly that address in a new page, without a way back.
  const opened = p.context().waitForEvent('page', { timeout: 10000 });
  await p.mouse.click(...onLink);
  const np = await opened;
  await np.waitForLoadState('domcontentloaded');
  check(np.url() === target, 'a click opens the link\'s address in a new page', np.url());
  const ctx = await np.evaluate(() => ({ opener: window.opener === null, referrer: document.referrer }));
  check(ctx.opener && ctx.referrer === '', 'the new page has no opener and no referrer (noopener, noreferrer)', JSON.stringify(ctx));
  await np.close();

  // javascript: and data: are text: no address on hover, nothing opens on a click.
  const br = await rect(p, `message.${badId}.text`);
  const pagesBefore = p.context().pages().length;
  for (const word of ['javascript:alert', 'data:text']) {
    const x = br.x + (await twinWidth(p, texts[1].slice(0, texts[1].indexOf(word)), '400 15px STACK')) + 20;
    const mark = await inputMark(p);
    await p.mouse.click(x, br.y + 10);
    s = await inputHandled(p, `a click on ${word}`, { since: mark });
    check(s.link === '' && (await cursor(p)) !== 'pointer', `${word}… is not a link`, `link "${s.link}"`);
  }
  await p.mouse.move(5, 5);
  check(p.context().pages().length === pagesBefore, 'clicking javascript: or data: opens nothing');

  // The screen-reader mirror: the link is a real link to a new tab, in the accessibility tree.
  const a = p.locator(`#a11y a[href="${target}"]`);
  await until(() => a.count(), (n) => n === 1, 'the link in the mirror');
  const attrs = await a.evaluate((el) => ({ href: el.getAttribute('href'), target: el.target, rel: el.rel, text: el.textContent }));
  check(attrs.href === target && attrs.target === '_blank' && attrs.rel === 'noopener noreferrer' && attrs.text === target,
    'the mirror has the link as <a href target=_blank rel="noopener noreferrer">', JSON.stringify(attrs));
  const snapshot = await p.locator('#a11y [role=log]').ariaSnapshot();
  check(snapshot.includes(`link "${target}"`) && snapshot.includes(`/url: ${target}`), 'the accessibility tree has the link with its address',
    snapshot.split('\n').filter((l) => /link|url/.test(l)).join(' | '));
  check(!/link "(javascript|data):/.test(snapshot), 'the accessibility tree has no javascript: or data: link');
  await p.context().close();

  // A tap on a phone opens the link too.
  const phone = await newPage(browser, { viewport: { width: 390, height: 800 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true });
  await login(phone, server.url, 'user3');
  await waitFor(phone, (st) => st.visible.includes(linkId) && !st.text_pending, 'the link message on the phone');
  const pr = await rect(phone, `message.${linkId}.text`);
  const tapped = phone.context().waitForEvent('page', { timeout: 10000 });
  await tapAt(phone, pr.x + before + 30, pr.y + 10);
  const tp = await tapped;
  check(tp.url() === target, 'a tap opens the link\'s address in a new page', tp.url());
  await phone.context().close();
}

await withServerAndBrowser(server, run, (e) => check(false, 'the run completes', e.stack || String(e)));
finish('all link checks passed');
