// Formatted text for the text path (linked with --js-library after text.js):
// a message body parsed in C++ (client/markup_layout.hpp) arrives as
// paragraphs of styled runs, is laid out and drawn by ChatroomText.layoutRuns
// and paint into one texture, and its layout is kept beside the texture so the
// UI can ask which byte of the body is under a point, and where a byte range is
// drawn (hit testing for links now, text selection next).
mergeInto(LibraryManager.library, {
  $ChatroomRuns__deps: ['$ChatroomText'],
  $ChatroomRuns: {
    kept: null,  // texture id -> layout, until C++ frees the texture (a Map, made on first use)
    map: function() { return ChatroomRuns.kept || (ChatroomRuns.kept = new Map()); },
    // The UTF-16 length of the first `bytes` UTF-8 bytes of `s`.
    u16: function(s, bytes) {
      var i = 0, n = 0;
      while (i < s.length && n < bytes) {
        var c = s.charCodeAt(i);
        n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xD800 && c < 0xDC00 ? (++i, 4) : 3;
        ++i;
      }
      return i;
    },
    width: function(pc, s) {
      ChatroomText.setFont(pc.f);
      return ChatroomText.ctx.measureText(s).width;
    },
    end: function(pc) { return pc.b + ChatroomText.utf8(pc.t); },
    // The byte of the body at (x, y) CSS px from the layout's top-left: the
    // grapheme boundary nearest to x in the line at y. `inside`: the point is on text.
    hit: function(l, x, y) {
      var R = ChatroomRuns;
      if (l.lines.length === 0) return {offset: 0, under: 0, inside: false};
      var i = Math.max(0, Math.min(l.lines.length - 1, Math.floor(y / l.lineHeight)));
      var line = l.lines[i], inside = y >= 0 && y < l.height;
      for (var j = i; j >= 0 && l.lines[j].pieces.length === 0; --j) {}
      if (j < 0) return {offset: 0, under: 0, inside: false};
      if (j < i) { var last = l.lines[j].pieces; var e = R.end(last[last.length - 1]); return {offset: e, under: e, inside: false}; }
      var best = null, dist = Infinity;
      line.pieces.forEach(function(pc) {
        var d = x < pc.x ? pc.x - x : x >= pc.x + pc.w ? x - pc.x - pc.w + 1e-3 : 0;
        if (d < dist) { dist = d; best = pc; }
      });
      var local = line.rtl ? best.x + best.w - x : x - best.x;
      if (local <= 0) return {offset: best.b, under: best.b, inside: false};
      if (local >= best.w) return {offset: R.end(best), under: R.end(best), inside: false};
      var prefix = '', offset = -1, under = -1;
      for (var g of ChatroomText.split(ChatroomText.graphemes, best.t)) {
        var a = R.width(best, prefix), b = R.width(best, prefix + g.segment);
        if (under < 0 && local < b) under = best.b + ChatroomText.utf8(prefix);
        if (offset < 0 && local < (a + b) / 2) offset = best.b + ChatroomText.utf8(prefix);
        if (under >= 0 && offset >= 0) break;
        prefix += g.segment;
      }
      if (offset < 0) offset = R.end(best);
      if (under < 0) under = offset;
      return {offset: offset, under: under, inside: inside && dist === 0};
    },
    // Rectangles {x, y, w, h} (CSS px from the layout's top-left) that show the bytes [begin, end).
    rects: function(l, begin, end) {
      var R = ChatroomRuns, out = [];
      l.lines.forEach(function(line) {
        line.pieces.forEach(function(pc) {
          var from = Math.max(begin, pc.b), to = Math.min(end, R.end(pc));
          if (to <= from) return;
          var x0 = R.width(pc, pc.t.slice(0, R.u16(pc.t, from - pc.b)));
          var x1 = R.width(pc, pc.t.slice(0, R.u16(pc.t, to - pc.b)));
          out.push({x: line.rtl ? pc.x + pc.w - x1 : pc.x + x0, y: line.y, w: x1 - x0, h: l.lineHeight});
        });
      });
      return out;
    },
    parse: function(spec) { return JSON.parse(UTF8ToString(spec)).p; },
  },

  // Size of a formatted body laid out (no pixels): out = {w, h, rtl, lines, 0, 0}.
  chatroom_text_measure_runs__deps: ['$ChatroomRuns'],
  chatroom_text_measure_runs: function(spec, size, weight, wrap, out) {
    var t0 = performance.now();
    ChatroomText.out(out, ChatroomText.layoutRuns(ChatroomRuns.parse(spec), size, weight, wrap, false));
    ChatroomText.stats.measures++;
    ChatroomText.stats.measure_ms += performance.now() - t0;
  },

  // Lays out and rasterises a formatted body into texture `tex` (bound to
  // GL_TEXTURE_2D) and keeps its layout for hit testing under that id.
  chatroom_text_render_runs__deps: ['$ChatroomRuns'],
  chatroom_text_render_runs: function(spec, size, weight, rgba, wrap, dpr, tex, out) {
    var t0 = performance.now();
    var l = ChatroomText.layoutRuns(ChatroomRuns.parse(spec), size, weight, wrap, false);
    ChatroomText.stats.layout_ms += performance.now() - t0;
    ChatroomText.upload(l, size, weight, rgba, dpr, out);
    ChatroomRuns.map().set(tex, l);
  },

  // out = {byte offset, byte under, inside} (doubles); returns 0 when texture `tex` has no kept layout.
  chatroom_text_hit__deps: ['$ChatroomRuns'],
  chatroom_text_hit: function(tex, x, y, out) {
    var l = ChatroomRuns.map().get(tex);
    if (!l) return 0;
    var h = ChatroomRuns.hit(l, x, y);
    HEAPF64[(out >> 3) + 0] = h.offset;
    HEAPF64[(out >> 3) + 1] = h.under;
    HEAPF64[(out >> 3) + 2] = h.inside ? 1 : 0;
    return 1;
  },

  // Up to `max` rectangles (x, y, w, h floats each) showing bytes [begin, end) of
  // texture `tex`'s body; returns how many there are (all, even past `max`).
  chatroom_text_rects__deps: ['$ChatroomRuns'],
  chatroom_text_rects: function(tex, begin, end, out, max) {
    var l = ChatroomRuns.map().get(tex);
    if (!l) return 0;
    var rs = ChatroomRuns.rects(l, begin, end);
    rs.slice(0, max).forEach(function(r, i) {
      HEAPF32.set([r.x, r.y, r.w, r.h], (out >> 2) + 4 * i);
    });
    return rs.length;
  },

  chatroom_text_forget__deps: ['$ChatroomRuns'],
  chatroom_text_forget: function(tex) { ChatroomRuns.map().delete(tex); },
});
