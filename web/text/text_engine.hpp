// The text path: text laid out and rasterised by the browser (web/js/text.js)
// and kept as GL textures in an LRU bounded in bytes of texture, plus a
// bounded cache of layouts (sizes) so measuring costs no call into the page.
#pragma once

#include "text/text_cache.hpp"
#include "text/text_style.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web::text {

/** A rasterised text: its GL texture and its laid-out size in CSS pixels. */
struct text_texture {
  unsigned texture = 0;
  text_extent extent;
};

class text_engine {
 public:
  /** 48 MiB: three 1280×800 screens of text at devicePixelRatio 2 (docs/client.md). */
  static constexpr std::size_t default_texture_bytes = 48u << 20;
  static constexpr std::size_t default_layouts = 8192;

  explicit text_engine(std::size_t texture_bytes = default_texture_bytes, std::size_t layouts = default_layouts);
  ~text_engine();
  text_engine(const text_engine&) = delete;
  text_engine& operator=(const text_engine&) = delete;

  /** The size `s` takes laid out in `style` at `wrap` (<= 0: no wrapping). */
  text_extent measure(std::string_view s, const text_style& style, float wrap = 0);
  /** `s` cut with "…" to fit in `max_w` on one line (itself when it fits). */
  std::string fit(std::string_view s, const text_style& style, float max_w);
  /** `s` rasterised in `rgb` (0xBBGGRR) at `dpr`; `ellipsis` cuts it to one line of `wrap`.
   *  Once the draw has run for its budget and made at least one text, a text not yet
   *  cached comes back with texture 0 (and its size): a following draw makes it (deferred()). */
  text_texture texture(std::string_view s, const text_style& style, float wrap, std::uint32_t rgb, float dpr,
                       bool ellipsis = false);

  /** A message body laid out with its formatting (bold, italic, code, quotes,
   *  links: client/markup.hpp; markers not shown), as measure() and texture(). */
  text_extent measure_formatted(std::string_view body, const text_style& style, float wrap);
  text_texture texture_formatted(std::string_view body, const text_style& style, float wrap, std::uint32_t rgb, float dpr);
  /** Hit testing on a formatted texture (while it is cached): the byte of its body
   *  at (x, y) CSS px from its top-left; nullopt for any other texture. */
  std::optional<text_hit> hit(unsigned texture, float x, float y) const;
  /** The rectangles (CSS px from its top-left) that show bytes [begin, end) of a formatted texture's body. */
  std::vector<text_rect> rects(unsigned texture, std::size_t begin, std::size_t end) const;

  /** Starts a draw at `now_ms` (emscripten_get_now()); new texts are made until `budget_ms` into it. */
  void begin_draw(double now_ms, double budget_ms = default_budget_ms);
  /** Frees the textures evicted during the last draw; call after it is rendered
   *  (a texture evicted mid-draw may still be in its draw list). */
  void end_draw();
  /** Some text of the last draw was left for the next one (the budget ran out). */
  bool deferred() const { return deferred_; }

  /** Rasterising per draw: a fling that brings a screenful of new messages spreads them over a few draws. */
  static constexpr double default_budget_ms = 6.0;

  std::size_t texture_bytes() const { return textures_.cost(); }
  std::size_t texture_count() const { return textures_.size(); }

 private:
  struct layout_entry {
    text_extent extent;
    std::string fitted;
  };
  text_extent measure_key(text_key key);
  text_texture texture_key(text_key key, bool ellipsis);

  lru_cache<text_key, text_texture, text_key_hash> textures_;
  lru_cache<text_key, layout_entry, text_key_hash> layouts_;
  std::vector<unsigned> evicted_;
  double draw_started_ = 0, budget_ms_ = 1e9;
  bool deferred_ = false;
  int made_ = 0;  // texts rasterised this draw
};

/** The page's one text engine. */
text_engine& engine();

}  // namespace chat::web::text
