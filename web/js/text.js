// The browser's text engine for the app (linked with --js-library): lays out
// and rasterises text with Canvas 2D, so shaping (Arabic joining, Indic
// clusters), the Unicode bidi algorithm, font fallback for every script the
// system has and color emoji are the browser's own. C++ (web/text/) caches the
// results as GL textures.
//
// Layout: paragraphs split at '\n'; each takes its direction from its first
// strong character (RTL paragraphs right-aligned, the canvas `direction` set
// so a mixed line follows bidi); lines break at Intl.Segmenter word
// boundaries, and a word wider than the line breaks between graphemes, so no
// grapheme (a ZWJ emoji, a flag, a letter with its marks) is ever split.
// A layout is a list of lines {text, start, width, y, rtl, pieces}; a piece is
// the part of one styled run a line shows, measured and drawn in its run's
// font (formatting: web/js/text_runs.js and docs/client.md).
mergeInto(LibraryManager.library, {
  $ChatroomText__deps: ['$GL'],
  $ChatroomText: {
    canvas: null,
    ctx: null,
    // Counts and time spent (ms), read by benchmarks through window.chatroomText.stats.
    stats: {measures: 0, measure_ms: 0, renders: 0, layout_ms: 0, paint_ms: 0, upload_ms: 0},
    words: null,
    graphemes: null,
    // The system's sans-serif; emoji and scripts it lacks come from the
    // system's fallback, which prefers the color emoji font for emoji. (Naming
    // "Noto Color Emoji" here makes Chromium take spaces and digits from it:
    // wide gaps between words.)
    stack: 'sans-serif',
    rtlScript: null,  // made in init(): a library object's values must survive Emscripten's serialisation
    letter: null,
    init: function() {
      if (ChatroomText.ctx) return ChatroomText.ctx;
      var c = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(256, 64) : document.createElement('canvas');
      ChatroomText.canvas = c;
      ChatroomText.rtlScript = new RegExp('[\\p{Script=Hebrew}\\p{Script=Arabic}\\p{Script=Syriac}\\p{Script=Thaana}' +
                                          '\\p{Script=Nko}\\p{Script=Samaritan}\\p{Script=Mandaic}\\p{Script=Adlam}]', 'u');
      ChatroomText.letter = new RegExp('\\p{L}', 'u');
      ChatroomText.ctx = c.getContext('2d');
      var S = typeof Intl !== 'undefined' && Intl.Segmenter;
      ChatroomText.words = S ? new Intl.Segmenter(undefined, {granularity: 'word'}) : null;
      ChatroomText.graphemes = S ? new Intl.Segmenter(undefined, {granularity: 'grapheme'}) : null;
      return ChatroomText.ctx;
    },
    // The font of a run: bold and italic of the sans-serif, code in monospace (a little smaller).
    font: function(size, weight, st) {
      if (!st) return weight + ' ' + size + 'px ' + ChatroomText.stack;
      var w = st & 1 ? Math.max(700, weight) : weight;
      return (st & 2 ? 'italic ' : '') + w + ' ' + (st & 4 ? Math.round(size * 0.9) + 'px monospace' : size + 'px ' + ChatroomText.stack);
    },
    setFont: function(f) {
      if (ChatroomText.cur !== f) { ChatroomText.ctx.font = f; ChatroomText.cur = f; }
    },
    cur: '',
    lineHeight: function(size) { return Math.round(size * 1.32); },
    // Direction of a paragraph: that of its first strong character (left-to-right without one).
    isRtl: function(s) {
      for (var ch of s) {
        if (ChatroomText.rtlScript.test(ch)) return true;
        if (ChatroomText.letter.test(ch)) return false;
      }
      return false;
    },
    split: function(seg, s) {
      if (!seg) return Array.from(s).map(function(c) { return {segment: c, isWordLike: true}; });
      return Array.from(seg.segment(s));
    },
    // Break opportunities: a word with the spaces and punctuation after it.
    chunks: function(s) {
      var out = [];
      ChatroomText.split(ChatroomText.words, s).forEach(function(g) {
        var glue = out.length > 0 && !g.isWordLike && !/^\s*$/.test(out[out.length - 1]) ;
        if (glue && (/^\s+$/.test(g.segment) || /^[\p{P}\p{S}]+$/u.test(g.segment) && !/^[(\[{«“‘¿¡]/.test(g.segment)))
          out[out.length - 1] += g.segment;
        else out.push(g.segment);
      });
      return out;
    },
    utf8: function(s) {  // bytes of `s` in UTF-8
      var n = 0;
      for (var i = 0; i < s.length; ++i) {
        var c = s.charCodeAt(i);
        n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xD800 && c < 0xDC00 ? (++i, 4) : 3;
      }
      return n;
    },
    // Start inset of a paragraph kind (quote: past its bar; code: inside its block) and its total inset.
    inset: [0, 12, 8],
    insetBoth: [0, 12, 16],
    // Lays `text` out at `size`/`weight`, lines at most `wrap` CSS px wide (no
    // wrapping when wrap <= 0). With `ellipsis`, one line cut at a grapheme with "…".
    layout: function(text, size, weight, wrap, ellipsis) {
      var paras = (ellipsis ? [text.replace(/\n/g, ' ')] : text.split('\n')).map(function(p) {
        return {k: 0, r: [[p, 0, 0]]};
      });
      return ChatroomText.layoutRuns(paras, size, weight, wrap, ellipsis);
    },
    // The layout of paragraphs of styled runs {k: kind, r: [[text, styles, byte offset], ...]}
    // (client/markup_layout.hpp). Widths are measured per run in its font; a line
    // keeps its pieces (one per run it shows: text, styles, x, width, byte offset).
    layoutRuns: function(paras, size, weight, wrap, ellipsis) {
      var T = ChatroomText, ctx = T.init();
      var lh = T.lineHeight(size);
      var lines = [];
      var offset = 0;
      paras.forEach(function(p, pi) {
        var runs = [], para = '';
        p.r.forEach(function(r) { runs.push({t: r[0], s: r[1], b: r[2], o: para.length}); para += r[0]; });
        if (runs.length === 0) runs.push({t: '', s: 0, b: 0, o: 0});
        var fonts = runs.map(function(r) { return T.font(size, weight, r.s | (p.k === 2 ? 4 : 0)); });
        // Width of para[a, b), each part in its run's font.
        var mw = function(a, b) {
          var w = 0;
          for (var i = 0; i < runs.length; ++i) {
            var r = runs[i], from = Math.max(a, r.o), to = Math.min(b, r.o + r.t.length);
            if (to <= from && !(runs.length === 1)) continue;
            T.setFont(fonts[i]);
            w += ctx.measureText(para.slice(from, Math.max(from, to))).width;
          }
          return w;
        };
        var rtl = T.isRtl(para), pwrap = wrap > 0 ? Math.max(1, wrap - T.insetBoth[p.k]) : wrap;
        var pieces = function(a, b) {
          var out = [];
          runs.forEach(function(r, i) {
            var from = Math.max(a, r.o), to = Math.min(b, r.o + r.t.length);
            if (to <= from) return;
            out.push({t: para.slice(from, to), s: r.s | (p.k === 2 ? 4 : 0), f: fonts[i],
                      b: r.b + T.utf8(r.t.slice(0, from - r.o)), w: runs.length === 1 ? -1 : mw(from, to)});
          });
          return out;
        };
        // A line ended by wrapping drops its trailing spaces; a paragraph's last keeps them ("by ").
        var add = function(a, b, wrapped) {
          var t = para.slice(a, b);
          if (wrapped) t = t.replace(/\s+$/, '');
          var line = {text: t, start: offset + a, width: mw(a, a + t.length), rtl: rtl, k: p.k, p: pi};
          line.pieces = pieces(a, a + t.length);
          line.pieces.forEach(function(x) { if (x.w < 0) x.w = line.width; });
          lines.push(line);
        };
        if (ellipsis && pwrap > 0 && mw(0, para.length) > pwrap) {
          T.setFont(fonts[0]);
          var budget = pwrap - ctx.measureText('…').width, cut = 0;
          for (var g of T.split(T.graphemes, para)) {
            if (mw(0, cut + g.segment.length) > budget) break;
            cut += g.segment.length;
          }
          var t = para.slice(0, cut).replace(/\s+$/, '') + '…';
          T.setFont(fonts[0]);
          var w = ctx.measureText(t).width;
          lines.push({text: t, start: offset, width: w, rtl: rtl, k: 0, p: pi, pieces: [{t: t, s: 0, f: fonts[0], b: 0, w: w}]});
        } else if (pwrap <= 0 || ellipsis || mw(0, para.length) <= pwrap) {
          add(0, para.length, false);
        } else {
          var ls = 0, le = 0, at = 0, lineW = 0;
          T.chunks(para).forEach(function(chunk) {
            var n = chunk.length, bareN = chunk.replace(/\s+$/, '').length;
            var cw = mw(at, at + n), bare = mw(at, at + bareN);
            if (le > ls && lineW + bare > pwrap) {
              add(ls, le, true);
              ls = le = at; lineW = 0;
            }
            if (le === ls && bare > pwrap) {  // longer than a line: break between graphemes
              var g0 = at;
              T.split(T.graphemes, chunk).forEach(function(g) {
                var ge = g0 + g.segment.length, gw = mw(ls, ge);
                if (le > ls && gw > pwrap && !/^\s+$/.test(g.segment)) {
                  add(ls, le, true);
                  ls = le;
                  gw = mw(g0, ge);
                }
                le = ge; lineW = gw; g0 = ge;
              });
            } else {
              le = at + n; lineW += cw;
            }
            at += n;
          });
          if (le > ls || lines.length === 0) add(ls, le, false);
        }
        offset += para.length + 1;
      });
      var w = 0;
      lines.forEach(function(l, i) { l.y = i * lh; w = Math.max(w, l.width + T.insetBoth[l.k]); });
      w = Math.ceil(w);
      // Pieces from the line's start edge: left to right, or right to left in a right-to-left paragraph.
      lines.forEach(function(l) {
        var x = l.rtl ? w - T.inset[l.k] : T.inset[l.k];
        l.pieces.forEach(function(pc) {
          if (l.rtl) { x -= pc.w; pc.x = x; } else { pc.x = x; x += pc.w; }
        });
      });
      return {lines: lines, width: w, height: lines.length * lh, lineHeight: lh,
              rtl: lines.length > 0 && lines[0].rtl};
    },
    // Draws a layout into the shared canvas at `dpr` device pixels per CSS px;
    // returns the device pixel size drawn (top-left of the canvas).
    paint: function(l, size, weight, color, dpr) {
      var T = ChatroomText, ctx = T.init(), c = T.canvas;
      var pw = Math.max(1, Math.ceil(l.width * dpr)), ph = Math.max(1, Math.ceil(l.height * dpr));
      if (c.width < pw || c.height < ph) {
        c.width = Math.max(c.width, pw);
        c.height = Math.max(c.height, ph);
        T.cur = '';  // resizing resets the context's state
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, pw, ph);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      T.setFont(T.font(size, weight));
      ctx.textBaseline = 'alphabetic';
      // The baseline where CSS puts it: the primary font's ascent and descent centred in the line.
      var m = ctx.measureText('');
      var asc = m.fontBoundingBoxAscent || size * 0.8, desc = m.fontBoundingBoxDescent || size * 0.2;
      var base = (l.lineHeight - (asc + desc)) / 2 + asc, lh = l.lineHeight;
      l.lines.forEach(function(line) {
        ctx.direction = line.rtl ? 'rtl' : 'ltr';
        ctx.textAlign = line.rtl ? 'right' : 'left';
        if (line.k === 2) {  // a code block: a band behind its lines
          ctx.fillStyle = T.codeFill;
          ctx.fillRect(0, line.y, l.width, lh);
        } else if (line.k === 1) {  // a quote: a bar on its start side
          ctx.fillStyle = T.quoteBar;
          ctx.fillRect(line.rtl ? l.width - 3 : 0, line.y, 3, lh);
        }
        line.pieces.forEach(function(pc) {
          T.setFont(pc.f);
          if (pc.s & 4 && line.k !== 2) {  // inline code: a subtle box
            ctx.fillStyle = T.codeFill;
            ctx.fillRect(pc.x - 1, line.y + 1, pc.w + 2, lh - 2);
          }
          ctx.fillStyle = pc.s & 8 ? T.linkColor : line.k === 1 ? T.quoteColor : color;
          ctx.fillText(pc.t, line.rtl ? pc.x + pc.w : pc.x, line.y + base);
          if (pc.s & 8) ctx.fillRect(pc.x, Math.round(line.y + base + Math.max(1, size / 10)), pc.w, Math.max(1, Math.round(size / 15)));
        });
      });
      return {w: pw, h: ph};
    },
    // Colours of formatting (docs/client.md, "Formatting"): over both the white and the own card's fill.
    linkColor: 'rgb(21,96,189)',
    quoteColor: 'rgb(98,102,109)',
    quoteBar: 'rgba(0,0,0,0.18)',
    codeFill: 'rgba(0,0,0,0.07)',
    // Paints a layout and uploads it into the texture bound to GL_TEXTURE_2D straight
    // from the canvas: out = {w, h, rtl, lines, pixel w, pixel h}.
    upload: function(l, size, weight, rgba, dpr, out) {
      var st = ChatroomText.stats, t1 = performance.now();
      var px = ChatroomText.paint(l, size, weight, ChatroomText.cssColor(rgba), dpr);
      var t2 = performance.now();
      var gl = GLctx;
      gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
      gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
      gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, px.w, px.h, 0, gl.RGBA, gl.UNSIGNED_BYTE, ChatroomText.canvas);
      ChatroomText.out(out, l, px);
      st.renders++; st.paint_ms += t2 - t1; st.upload_ms += performance.now() - t2;
    },
    cssColor: function(rgba) {
      return 'rgb(' + (rgba & 255) + ',' + ((rgba >>> 8) & 255) + ',' + ((rgba >>> 16) & 255) + ')';
    },
    out: function(ptr, l, extra) {
      HEAPF32[(ptr >> 2) + 0] = l.width;
      HEAPF32[(ptr >> 2) + 1] = l.height;
      HEAPF32[(ptr >> 2) + 2] = l.rtl ? 1 : 0;
      HEAPF32[(ptr >> 2) + 3] = l.lines.length;
      HEAPF32[(ptr >> 2) + 4] = extra ? extra.w : 0;
      HEAPF32[(ptr >> 2) + 5] = extra ? extra.h : 0;
    },
  },

  // Size of `text` laid out (no pixels): out = {w, h, rtl, lines, 0, 0}.
  chatroom_text_measure__deps: ['$ChatroomText'],
  chatroom_text_measure: function(text, size, weight, wrap, out) {
    var t0 = performance.now();
    ChatroomText.out(out, ChatroomText.layout(UTF8ToString(text), size, weight, wrap, false));
    ChatroomText.stats.measures++;
    ChatroomText.stats.measure_ms += performance.now() - t0;
  },

  // `text` cut to one line of at most `max_w` CSS px with "…" (malloc'd; the caller frees).
  chatroom_text_fit__deps: ['$ChatroomText', '$ChatroomDom'],
  chatroom_text_fit: function(text, size, weight, max_w) {
    var l = ChatroomText.layout(UTF8ToString(text), size, weight, max_w, true);
    return ChatroomDom.str(l.lines.length ? l.lines[0].text : '');
  },

  // Lays out and rasterises `text` into the texture bound to GL_TEXTURE_2D,
  // uploaded straight from the canvas: out = {w, h, rtl, lines, pixel w, pixel h}.
  chatroom_text_render__deps: ['$ChatroomText', '$GL'],
  chatroom_text_render: function(text, size, weight, rgba, wrap, ellipsis, dpr, out) {
    var t0 = performance.now();
    var l = ChatroomText.layout(UTF8ToString(text), size, weight, wrap, !!ellipsis);
    ChatroomText.stats.layout_ms += performance.now() - t0;
    ChatroomText.upload(l, size, weight, rgba, dpr, out);
  },

  // For tests and the DOM layer: the font stack and line height the canvas uses.
  chatroom_text_install__deps: ['$ChatroomText', '$ChatroomRuns'],
  chatroom_text_install: function() {
    window.chatroomText = {
      stack: ChatroomText.stack,
      stats: ChatroomText.stats,
      lineHeight: ChatroomText.lineHeight,
      layout: function(text, size, weight, wrap) {
        return ChatroomText.layout(String(text), size, weight || 400, wrap || 0, false);
      },
      // Formatted text (js/text_runs.js): paragraphs of [text, styles, byte offset] runs, and hit testing on the result.
      layoutRuns: function(paras, size, weight, wrap) { return ChatroomText.layoutRuns(paras, size, weight || 400, wrap || 0, false); },
      hit: function(l, x, y) { return ChatroomRuns.hit(l, x, y); },
      rects: function(l, begin, end) { return ChatroomRuns.rects(l, begin, end); },
    };
  },
});
