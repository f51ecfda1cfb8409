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
// A layout is a list of lines {text, start, width, y, rtl}; `start` is the
// UTF-16 offset of the line in the string, kept so that styled runs and hit
// testing (offset at a point, a rectangle per run) can be added on top.
mergeInto(LibraryManager.library, {
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
    font: function(size, weight) { return weight + ' ' + size + 'px ' + ChatroomText.stack; },
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
    // Lays `text` out at `size`/`weight`, lines at most `wrap` CSS px wide (no
    // wrapping when wrap <= 0). With `ellipsis`, one line cut at a grapheme with "…".
    layout: function(text, size, weight, wrap, ellipsis) {
      var ctx = ChatroomText.init();
      ctx.font = ChatroomText.font(size, weight);
      var lh = ChatroomText.lineHeight(size);
      var width = function(s) { return ctx.measureText(s).width; };
      var lines = [];
      var offset = 0;
      var paragraphs = ellipsis ? [text.replace(/\n/g, ' ')] : text.split('\n');
      paragraphs.forEach(function(para) {
        var rtl = ChatroomText.isRtl(para);
        // A line ended by wrapping drops its trailing spaces; a paragraph's last keeps them ("by ").
        var add = function(s, start, wrapped) {
          var t = wrapped ? s.replace(/\s+$/, '') : s;
          lines.push({text: t, start: start, width: width(t), rtl: rtl});
        };
        if (ellipsis && wrap > 0 && width(para) > wrap) {
          var budget = wrap - width('…'), cut = '';
          for (var g of ChatroomText.split(ChatroomText.graphemes, para)) {
            if (width(cut + g.segment) > budget) break;
            cut += g.segment;
          }
          lines.push({text: cut.replace(/\s+$/, '') + '…', start: offset, width: 0, rtl: rtl});
          lines[lines.length - 1].width = width(lines[lines.length - 1].text);
        } else if (wrap <= 0 || ellipsis || width(para) <= wrap) {
          add(para, offset);
        } else {
          var line = '', lineStart = offset, at = offset, lineW = 0;
          ChatroomText.chunks(para).forEach(function(chunk) {
            var cw = width(chunk), bare = width(chunk.replace(/\s+$/, ''));
            if (line !== '' && lineW + bare > wrap) {
              add(line, lineStart, true);
              line = ''; lineW = 0; lineStart = at;
            }
            if (line === '' && bare > wrap) {  // longer than a line: break between graphemes
              ChatroomText.split(ChatroomText.graphemes, chunk).forEach(function(g) {
                var gw = width(line + g.segment);
                if (line !== '' && gw > wrap && !/^\s+$/.test(g.segment)) {
                  add(line, lineStart, true);
                  lineStart += line.length; line = '';
                  gw = width(g.segment);
                }
                line += g.segment; lineW = gw;
              });
            } else {
              line += chunk; lineW += cw;
            }
            at += chunk.length;
          });
          if (line !== '' || lines.length === 0) add(line, lineStart);
        }
        offset += para.length + 1;
      });
      var w = 0;
      lines.forEach(function(l, i) { l.y = i * lh; w = Math.max(w, l.width); });
      return {lines: lines, width: Math.ceil(w), height: lines.length * lh, lineHeight: lh,
              rtl: lines.length > 0 && lines[0].rtl};
    },
    // Draws a layout into the shared canvas at `dpr` device pixels per CSS px;
    // returns the device pixel size drawn (top-left of the canvas).
    paint: function(l, size, weight, color, dpr) {
      var ctx = ChatroomText.init(), c = ChatroomText.canvas;
      var pw = Math.max(1, Math.ceil(l.width * dpr)), ph = Math.max(1, Math.ceil(l.height * dpr));
      if (c.width < pw || c.height < ph) {
        c.width = Math.max(c.width, pw);
        c.height = Math.max(c.height, ph);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, pw, ph);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.font = ChatroomText.font(size, weight);
      ctx.fillStyle = color;
      ctx.textBaseline = 'alphabetic';
      // The baseline where CSS puts it: the primary font's ascent and descent centred in the line.
      var m = ctx.measureText('');
      var asc = m.fontBoundingBoxAscent || size * 0.8, desc = m.fontBoundingBoxDescent || size * 0.2;
      var base = (l.lineHeight - (asc + desc)) / 2 + asc;
      l.lines.forEach(function(line) {
        ctx.direction = line.rtl ? 'rtl' : 'ltr';
        ctx.textAlign = line.rtl ? 'right' : 'left';
        ctx.fillText(line.text, line.rtl ? l.width : 0, line.y + base);
      });
      return {w: pw, h: ph};
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
    var st = ChatroomText.stats, t0 = performance.now();
    var l = ChatroomText.layout(UTF8ToString(text), size, weight, wrap, !!ellipsis);
    var t1 = performance.now();
    var px = ChatroomText.paint(l, size, weight, ChatroomText.cssColor(rgba), dpr);
    var t2 = performance.now();
    var gl = GLctx;
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, px.w, px.h, 0, gl.RGBA, gl.UNSIGNED_BYTE, ChatroomText.canvas);
    ChatroomText.out(out, l, px);
    st.renders++; st.layout_ms += t1 - t0; st.paint_ms += t2 - t1; st.upload_ms += performance.now() - t2;
  },

  // For tests and the DOM layer: the font stack and line height the canvas uses.
  chatroom_text_install__deps: ['$ChatroomText'],
  chatroom_text_install: function() {
    window.chatroomText = {
      stack: ChatroomText.stack,
      stats: ChatroomText.stats,
      lineHeight: ChatroomText.lineHeight,
      layout: function(text, size, weight, wrap) {
        return ChatroomText.layout(String(text), size, weight || 400, wrap || 0, false);
      },
    };
  },
});
