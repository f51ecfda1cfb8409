// How a piece of text is drawn (size, weight) and the key the text path caches
// its layouts and textures under. Plain C++ (no ImGui, no browser).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace chat::web::text {

/** A text style: size in CSS pixels and CSS font weight (the font is the browser's sans-serif). */
struct text_style {
  float size = 15.0f;
  int weight = 400;
  bool operator==(const text_style&) const = default;
};

/** Height of one line of `s` in CSS pixels (the same rule as web/js/text.js). */
inline float line_height(const text_style& s) { return std::round(s.size * 1.32f); }

/** What a layout or a texture depends on. `wrap` <= 0: one line per paragraph;
 *  `ellipsis`: one line cut to `wrap` with "…". `color` is RGBA (R in the low byte) and
 *  `dpr` the device pixels per CSS pixel; both are 0 for a layout without pixels.
 *  `formatted`: `text` is a message body drawn with its formatting (client/markup.hpp). */
struct text_key {
  std::string text;
  text_style style;
  float wrap = 0;
  bool ellipsis = false;
  std::uint32_t color = 0;
  float dpr = 0;
  bool formatted = false;
  bool operator==(const text_key&) const = default;
};

struct text_key_hash {
  std::size_t operator()(const text_key& k) const {
    std::size_t h = std::hash<std::string_view>{}(k.text);
    const auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
    mix(std::hash<float>{}(k.style.size));
    mix(static_cast<std::size_t>(k.style.weight));
    mix(std::hash<float>{}(k.wrap));
    mix(k.ellipsis ? 1u : 0u);
    mix(k.color);
    mix(std::hash<float>{}(k.dpr));
    mix(k.formatted ? 1u : 0u);
    return h;
  }
};

/** A rectangle of a laid-out text, in CSS pixels from its top-left. */
struct text_rect {
  float x = 0, y = 0, w = 0, h = 0;
};

/** What is under a point of a formatted text, as bytes of its body: `offset`, the
 *  grapheme boundary nearest to it (where a selection starts or ends); `under`, the
 *  start of the grapheme it is on; `inside`: the point is on the text itself. */
struct text_hit {
  std::size_t offset = 0;
  std::size_t under = 0;
  bool inside = false;
};

/** A laid-out text: its size in CSS pixels and whether its first paragraph is right-to-left. */
struct text_extent {
  float w = 0, h = 0;
  bool rtl = false;
};

}  // namespace chat::web::text
