// dom_layer (see dom_layer.hpp): declarations become one JSON list handed to
// js/platform.js when, and only when, something about them changed.
#include "platform/dom_layer.hpp"

#include "platform/input_seq.hpp"

#include <emscripten/emscripten.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

extern "C" {
void chatroom_dom_sync(const char* json);
void chatroom_dom_set_value(const char* name, const char* value);
void chatroom_dom_focus(const char* name);
void chatroom_dom_blur();
void chatroom_emoji_open(float x, float y, float w, float h);

EMSCRIPTEN_KEEPALIVE void chatroom_dom_on_input(const char* name, const char* value) {
  chat::web::page_dom().on_input(name, value);
}
EMSCRIPTEN_KEEPALIVE void chatroom_dom_on_submit(const char* name) { chat::web::page_dom().on_submit(name); }
EMSCRIPTEN_KEEPALIVE void chatroom_dom_on_activate(const char* name) { chat::web::page_dom().on_activate(name); }
EMSCRIPTEN_KEEPALIVE void chatroom_dom_on_focus(const char* name, int focused) {
  chat::web::page_dom().on_focus(name, focused != 0);
}
EMSCRIPTEN_KEEPALIVE void chatroom_dom_on_height(const char* name, int h) {
  chat::web::page_dom().on_height(name, static_cast<float>(h));
}
}

namespace chat::web {
namespace {

const char* kind_name(field_kind k) {
  switch (k) {
    case field_kind::text: return "text";
    case field_kind::password: return "password";
    case field_kind::textarea: return "textarea";
    case field_kind::button: return "button";
  }
  return "text";
}

float px(float v) { return std::round(v * 10.0f) / 10.0f; }

}  // namespace

dom_layer& page_dom() {
  static dom_layer layer;
  return layer;
}

void dom_layer::begin_draw() {
  specs_.clear();
  occluders_.clear();
  keep_focus_.clear();
  rects_.clear();
}

void dom_layer::field(field_spec spec) {
  rects_[spec.name] = spec.rect;
  specs_.push_back(std::move(spec));
}

void dom_layer::rect(const std::string& name, const screen_rect& r) { rects_[name] = r; }

void dom_layer::end_draw() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : specs_) {
    bool hidden = false;
    for (const auto& o : occluders_) hidden = hidden || o.overlaps(s.rect);
    list.push_back({{"name", s.name},
                    {"kind", kind_name(s.kind)},
                    {"x", px(s.rect.x)},
                    {"y", px(s.rect.y)},
                    {"w", px(s.rect.w)},
                    {"h", px(s.rect.h)},
                    {"label", s.label},
                    {"placeholder", s.placeholder},
                    {"autocomplete", s.autocomplete},
                    {"color", s.color},
                    {"font", s.font_px},
                    {"line", s.line_px},
                    {"px", s.pad_x},
                    {"py", s.pad_y},
                    {"maxlength", s.max_length},
                    {"enter", s.enter_submits},
                    {"disabled", s.disabled},
                    {"autofocus", s.autofocus},
                    {"hidden", hidden}});
  }
  std::string json = list.dump();
  if (json == last_sync_) return;
  last_sync_ = std::move(json);
  // Fields that left the page take their text with them (a password is not kept).
  for (auto it = values_.begin(); it != values_.end();) {
    const bool declared =
        std::any_of(specs_.begin(), specs_.end(), [&](const field_spec& s) { return s.name == it->first; });
    it = declared ? std::next(it) : values_.erase(it);
  }
  chatroom_dom_sync(last_sync_.c_str());
}

const std::string& dom_layer::value(const std::string& name) const {
  static const std::string empty;
  const auto it = values_.find(name);
  return it == values_.end() ? empty : it->second;
}

void dom_layer::set_value(const std::string& name, std::string_view text) {
  values_[name] = std::string(text);
  chatroom_dom_set_value(name.c_str(), values_[name].c_str());
}

void dom_layer::focus(const std::string& name) { chatroom_dom_focus(name.c_str()); }

void dom_layer::blur_all() { chatroom_dom_blur(); }

void dom_layer::open_emoji_picker(const screen_rect& a) { chatroom_emoji_open(a.x, a.y, a.w, a.h); }

bool dom_layer::take_submit(const std::string& name) {
  const auto it = submits_.find(name);
  if (it == submits_.end() || !it->second) return false;
  it->second = false;
  return true;
}

bool dom_layer::take_activate(const std::string& name) {
  const auto it = activations_.find(name);
  if (it == activations_.end() || !it->second) return false;
  it->second = false;
  return true;
}

float dom_layer::content_height(const std::string& name) const {
  const auto it = heights_.find(name);
  return it == heights_.end() ? 0.0f : it->second;
}

bool dom_layer::keeps_focus_at(float x, float y) const {
  for (const auto& r : keep_focus_) {
    if (r.contains(x, y)) return true;
  }
  return false;
}

void dom_layer::on_submit(const std::string& name) {
  note_input();
  submits_[name] = activity_ = true;
}

void dom_layer::on_activate(const std::string& name) {
  note_input();
  activations_[name] = activity_ = true;
}

void dom_layer::on_input(const std::string& name, std::string value) {
  note_input();
  values_[name] = std::move(value);
  activity_ = true;
}

void dom_layer::on_focus(const std::string& name, bool focused) {
  note_input();
  if (focused) {
    focused_ = name;
  } else if (focused_ == name) {
    focused_.clear();
  }
  activity_ = true;
}

bool dom_layer::take_activity() {
  const bool a = activity_;
  activity_ = false;
  return a;
}

}  // namespace chat::web
