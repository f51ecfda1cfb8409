// The text path (see text_engine.hpp): C++ owns the caches and the GL
// textures, web/js/text.js lays out and draws into them.
#include "text/text_engine.hpp"

#include "client/markup_layout.hpp"
#include "platform/gl_texture.hpp"

#include <GLES3/gl3.h>
#include <emscripten/emscripten.h>

#include <cstdlib>

extern "C" {
void chatroom_text_measure(const char* text, float size, int weight, float wrap, float* out);
char* chatroom_text_fit(const char* text, float size, int weight, float max_w);
void chatroom_text_render(const char* text, float size, int weight, std::uint32_t rgba, float wrap, int ellipsis,
                          float dpr, float* out);
void chatroom_text_measure_runs(const char* spec, float size, int weight, float wrap, float* out);
void chatroom_text_render_runs(const char* spec, float size, int weight, std::uint32_t rgba, float wrap, float dpr,
                               unsigned tex, float* out);
int chatroom_text_hit(unsigned tex, float x, float y, double* out);
int chatroom_text_rects(unsigned tex, double begin, double end, float* out, int max);
void chatroom_text_forget(unsigned tex);
}

namespace chat::web::text {

text_engine::text_engine(std::size_t texture_bytes, std::size_t layouts)
    : textures_(texture_bytes, [this](text_texture& t) { evicted_.push_back(t.texture); }), layouts_(layouts) {}

text_engine::~text_engine() {
  textures_.clear();
  end_draw();
}

namespace {
static_assert(sizeof(text_rect) == 4 * sizeof(float), "rects are read as four floats each");

std::string layout_spec(const std::string& body) { return markup::layout_spec(body, markup::parse(body)); }
}  // namespace

text_extent text_engine::measure(std::string_view s, const text_style& style, float wrap) {
  return measure_key(text_key{std::string(s), style, wrap});
}

text_extent text_engine::measure_formatted(std::string_view body, const text_style& style, float wrap) {
  text_key key{std::string(body), style, wrap};
  key.formatted = true;
  return measure_key(std::move(key));
}

text_extent text_engine::measure_key(text_key key) {
  if (key.text.empty()) return text_extent{0, line_height(key.style), false};
  if (const layout_entry* e = layouts_.find(key)) return e->extent;
  float out[6] = {};
  if (key.formatted) {
    chatroom_text_measure_runs(layout_spec(key.text).c_str(), key.style.size, key.style.weight, key.wrap, out);
  } else {
    chatroom_text_measure(key.text.c_str(), key.style.size, key.style.weight, key.wrap, out);
  }
  const text_extent x{out[0], out[1], out[2] != 0};
  layouts_.insert(std::move(key), layout_entry{x, {}}, 1);
  return x;
}

std::string text_engine::fit(std::string_view s, const text_style& style, float max_w) {
  if (s.empty()) return {};
  text_key key{std::string(s), style, max_w, true};
  if (const layout_entry* e = layouts_.find(key)) return e->fitted;
  char* p = chatroom_text_fit(key.text.c_str(), style.size, style.weight, max_w);
  std::string fitted = p != nullptr ? p : "";
  std::free(p);
  layouts_.insert(std::move(key), layout_entry{{}, fitted}, 1);
  return fitted;
}

text_texture text_engine::texture(std::string_view s, const text_style& style, float wrap, std::uint32_t rgb,
                                  float dpr, bool ellipsis) {
  return texture_key(text_key{std::string(s), style, wrap, ellipsis, rgb & 0xFFFFFFu, dpr}, ellipsis);
}

text_texture text_engine::texture_formatted(std::string_view body, const text_style& style, float wrap, std::uint32_t rgb,
                                            float dpr) {
  text_key key{std::string(body), style, wrap, false, rgb & 0xFFFFFFu, dpr};
  key.formatted = true;
  return texture_key(std::move(key), false);
}

text_texture text_engine::texture_key(text_key key, bool ellipsis) {
  if (const text_texture* t = textures_.find(key)) return *t;
  // Past the budget (and one text already made, so every draw makes progress): its size now, its pixels next draw.
  if (made_ > 0 && emscripten_get_now() - draw_started_ > budget_ms_) {
    deferred_ = true;
    text_key size_key{key.text, key.style, ellipsis ? 0 : key.wrap};
    size_key.formatted = key.formatted;
    return text_texture{0, measure_key(std::move(size_key))};
  }
  const GLuint tex = new_bound_texture();
  float out[6] = {};
  if (key.formatted) {
    chatroom_text_render_runs(layout_spec(key.text).c_str(), key.style.size, key.style.weight, key.color, key.wrap, key.dpr,
                              tex, out);
  } else {
    chatroom_text_render(key.text.c_str(), key.style.size, key.style.weight, key.color, key.wrap, ellipsis ? 1 : 0, key.dpr,
                         out);
  }
  const text_texture t{tex, text_extent{out[0], out[1], out[2] != 0}};
  ++made_;
  const auto bytes = static_cast<std::size_t>(out[4]) * static_cast<std::size_t>(out[5]) * 4u;
  return textures_.insert(std::move(key), t, bytes);
}

std::optional<text_hit> text_engine::hit(unsigned texture, float x, float y) const {
  double out[3] = {};
  if (texture == 0 || chatroom_text_hit(texture, x, y, out) == 0) return std::nullopt;
  return text_hit{static_cast<std::size_t>(out[0]), static_cast<std::size_t>(out[1]), out[2] != 0};
}

std::vector<text_rect> text_engine::rects(unsigned texture, std::size_t begin, std::size_t end) const {
  std::vector<text_rect> out(8);
  for (;;) {
    const int n = chatroom_text_rects(texture, static_cast<double>(begin), static_cast<double>(end),
                                      reinterpret_cast<float*>(out.data()), static_cast<int>(out.size()));
    if (static_cast<std::size_t>(n) <= out.size()) {
      out.resize(static_cast<std::size_t>(n));
      return out;
    }
    out.resize(static_cast<std::size_t>(n));
  }
}

void text_engine::begin_draw(double now_ms, double budget_ms) {
  draw_started_ = now_ms;
  budget_ms_ = budget_ms;
  deferred_ = false;
  made_ = 0;
}

void text_engine::end_draw() {
  if (evicted_.empty()) return;
  for (const unsigned t : evicted_) chatroom_text_forget(t);
  glDeleteTextures(static_cast<GLsizei>(evicted_.size()), evicted_.data());
  evicted_.clear();
}

text_engine& engine() {
  static text_engine e;
  return e;
}

}  // namespace chat::web::text
