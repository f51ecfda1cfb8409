// How a piece of text is drawn (size, weight) and the key the text path caches
// its layouts and textures under. Plain C++ (no ImGui, no browser).
#pragma once

#include <cmath>
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
 *  `dpr` the device pixels per CSS pixel; both are 0 for a layout without pixels. */
struct text_key {
  std::string text;
  text_style style;
  float wrap = 0;
  bool ellipsis = false;
  std::uint32_t color = 0;
  float dpr = 0;
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
    return h;
  }
};

/** A laid-out text: its size in CSS pixels and whether its first paragraph is right-to-left. */
struct text_extent {
  float w = 0, h = 0;
  bool rtl = false;
};

}  // namespace chat::web::text
