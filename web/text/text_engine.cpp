// The text path (see text_engine.hpp): C++ owns the caches and the GL
// textures, web/js/text.js lays out and draws into them.
#include "text/text_engine.hpp"

#include "platform/gl_texture.hpp"

#include <GLES3/gl3.h>
#include <emscripten/emscripten.h>

#include <cstdlib>

extern "C" {
void chatroom_text_measure(const char* text, float size, int weight, float wrap, float* out);
char* chatroom_text_fit(const char* text, float size, int weight, float max_w);
void chatroom_text_render(const char* text, float size, int weight, std::uint32_t rgba, float wrap, int ellipsis,
                          float dpr, float* out);
}

namespace chat::web::text {

text_engine::text_engine(std::size_t texture_bytes, std::size_t layouts)
    : textures_(texture_bytes, [this](text_texture& t) { evicted_.push_back(t.texture); }), layouts_(layouts) {}

text_engine::~text_engine() {
  textures_.clear();
  end_draw();
}

text_extent text_engine::measure(std::string_view s, const text_style& style, float wrap) {
  if (s.empty()) return text_extent{0, line_height(style), false};
  text_key key{std::string(s), style, wrap};
  if (const layout_entry* e = layouts_.find(key)) return e->extent;
  float out[6] = {};
  chatroom_text_measure(key.text.c_str(), style.size, style.weight, wrap, out);
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
  text_key key{std::string(s), style, wrap, ellipsis, rgb & 0xFFFFFFu, dpr};
  if (const text_texture* t = textures_.find(key)) return *t;
  // Past the budget (and one text already made, so every draw makes progress): its size now, its pixels next draw.
  if (made_ > 0 && emscripten_get_now() - draw_started_ > budget_ms_) {
    deferred_ = true;
    return text_texture{0, measure(s, style, ellipsis ? 0 : wrap)};
  }
  const GLuint tex = new_bound_texture();
  float out[6] = {};
  chatroom_text_render(key.text.c_str(), style.size, style.weight, key.color, wrap, ellipsis ? 1 : 0, dpr, out);
  const text_texture t{tex, text_extent{out[0], out[1], out[2] != 0}};
  ++made_;
  const auto bytes = static_cast<std::size_t>(out[4]) * static_cast<std::size_t>(out[5]) * 4u;
  return textures_.insert(std::move(key), t, bytes);
}

void text_engine::begin_draw(double now_ms, double budget_ms) {
  draw_started_ = now_ms;
  budget_ms_ = budget_ms;
  deferred_ = false;
  made_ = 0;
}

void text_engine::end_draw() {
  if (evicted_.empty()) return;
  glDeleteTextures(static_cast<GLsizei>(evicted_.size()), evicted_.data());
  evicted_.clear();
}

text_engine& engine() {
  static text_engine e;
  return e;
}

}  // namespace chat::web::text
