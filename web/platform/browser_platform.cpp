// browser_platform (see browser_platform.hpp) on emscripten/html5.h.
#include "platform/browser_platform.hpp"

#include "client/markup_layout.hpp"
#include "platform/dom_layer.hpp"
#include "platform/input_seq.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

extern "C" {
void chatroom_viewport(float* out);
void chatroom_set_cursor(const char* name);
void chatroom_set_title(const char* title);
void chatroom_copy_text(const char* text);
void chatroom_open_link(const char* href);
void chatroom_install();
}

namespace chat::web {
namespace {

browser_platform* g_platform = nullptr;

constexpr float tap_slop_px = 8.0f;
constexpr double long_press_ms = 550.0;

EM_BOOL on_mouse_move(int, const EmscriptenMouseEvent* e, void*) {
  g_platform->mouse_move(static_cast<float>(e->clientX) - g_platform->left(),
                         static_cast<float>(e->clientY) - g_platform->top());
  return EM_FALSE;
}

EM_BOOL on_mouse_down(int, const EmscriptenMouseEvent* e, void*) {
  if (e->button > 2) return EM_FALSE;
  const int b = e->button == 2 ? 1 : e->button == 1 ? 2 : 0;  // DOM: 0 left, 1 middle, 2 right
  return g_platform->mouse_button(b, true, static_cast<float>(e->targetX), static_cast<float>(e->targetY));
}

EM_BOOL on_mouse_up(int, const EmscriptenMouseEvent* e, void*) {
  if (e->button > 2) return EM_FALSE;
  const int b = e->button == 2 ? 1 : e->button == 1 ? 2 : 0;
  g_platform->mouse_button(b, false, static_cast<float>(e->clientX) - g_platform->left(),
                           static_cast<float>(e->clientY) - g_platform->top());
  return EM_FALSE;
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  if (e->mouse.ctrlKey) return EM_FALSE;  // browser zoom: the canvas follows devicePixelRatio
  const double unit = e->deltaMode == DOM_DELTA_LINE ? 40.0 : e->deltaMode == DOM_DELTA_PAGE ? 800.0 : 1.0;
  g_platform->wheel(static_cast<float>(e->deltaY * unit));
  return EM_TRUE;
}

EM_BOOL on_touch(int type, const EmscriptenTouchEvent* e, void*) {
  for (int i = 0; i < e->numTouches; ++i) {
    const EmscriptenTouchPoint& t = e->touches[i];
    if (!t.isChanged) continue;
    const float x = static_cast<float>(t.targetX), y = static_cast<float>(t.targetY);
    if (type == EMSCRIPTEN_EVENT_TOUCHSTART) g_platform->touch_start(t.identifier, x, y);
    if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) g_platform->touch_move(t.identifier, x, y);
    if (type == EMSCRIPTEN_EVENT_TOUCHEND) g_platform->touch_end(t.identifier, false);
    if (type == EMSCRIPTEN_EVENT_TOUCHCANCEL) g_platform->touch_end(t.identifier, true);
  }
  return EM_TRUE;  // no emulated mouse events, no browser panning of the page
}

EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void*) {
  return g_platform->key(static_cast<int>(e->keyCode), type == EMSCRIPTEN_EVENT_KEYDOWN, e->ctrlKey, e->shiftKey,
                         e->altKey, e->metaKey);
}

EM_BOOL on_blur(int, const EmscriptenFocusEvent*, void*) {
  g_platform->lost_focus();
  return EM_FALSE;
}

EM_BOOL visibility_changed(int, const EmscriptenVisibilityChangeEvent* e, void*) {
  if (g_platform->on_visibility) g_platform->on_visibility(!e->hidden);
  return EM_FALSE;
}

}  // namespace
}  // namespace chat::web

extern "C" EMSCRIPTEN_KEEPALIVE void chatroom_on_network(int online) {
  if (chat::web::g_platform && chat::web::g_platform->on_network) chat::web::g_platform->on_network(online != 0);
}

namespace chat::web {

bool browser_platform::init() {
  g_platform = this;
  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = EM_FALSE;
  attrs.depth = EM_FALSE;
  attrs.stencil = EM_FALSE;
  attrs.antialias = EM_FALSE;
  const EMSCRIPTEN_WEBGL_CONTEXT_HANDLE ctx = emscripten_webgl_create_context("#canvas", &attrs);
  if (ctx <= 0) return false;
  emscripten_webgl_make_context_current(ctx);

  const char* canvas = "#canvas";
  emscripten_set_mousedown_callback(canvas, nullptr, EM_FALSE, on_mouse_down);
  emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_FALSE, on_mouse_up);
  emscripten_set_mousemove_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_FALSE, on_mouse_move);
  emscripten_set_wheel_callback(canvas, nullptr, EM_FALSE, on_wheel);
  emscripten_set_touchstart_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_touchmove_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_touchend_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_touchcancel_callback(canvas, nullptr, EM_FALSE, on_touch);
  emscripten_set_keydown_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, on_key);
  emscripten_set_keyup_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, on_key);
  emscripten_set_blur_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, on_blur);
  emscripten_set_visibilitychange_callback(nullptr, EM_FALSE, visibility_changed);
  chatroom_install();
  poll_viewport();
  return true;
}

bool browser_platform::poll_viewport() {
  float v[5] = {};
  chatroom_viewport(v);
  const float w = std::max(1.0f, v[0]), h = std::max(1.0f, v[1]), dpr = std::max(0.5f, v[2]);
  left_ = v[3];
  top_ = v[4];
  const int fb_w = static_cast<int>(std::lround(w * dpr)), fb_h = static_cast<int>(std::lround(h * dpr));
  if (w == width_ && h == height_ && dpr == dpr_ && fb_w == fb_w_ && fb_h == fb_h_) return false;
  width_ = w;
  height_ = h;
  dpr_ = dpr;
  fb_w_ = fb_w;
  fb_h_ = fb_h;
  emscripten_set_canvas_element_size("#canvas", fb_w_, fb_h_);
  return true;
}

bool browser_platform::page_visible() const {
  EmscriptenVisibilityChangeEvent s;
  if (emscripten_get_visibility_status(&s) != EMSCRIPTEN_RESULT_SUCCESS) return true;
  return !s.hidden;
}

void browser_platform::mouse_move(float x, float y) {
  input_event e;
  e.seq = note_input();
  e.type = input_event::event_type::pos;
  e.x = x;
  e.y = y;
  // Consecutive moves collapse into the newest.
  if (!queue_.empty() && queue_.back().type == input_event::event_type::pos) {
    queue_.back() = e;
  } else {
    queue_.push_back(e);
  }
}

bool browser_platform::mouse_button(int button, bool down, float x, float y) {
  mouse_move(x, y);
  input_event e;
  e.seq = note_input();
  e.type = input_event::event_type::button;
  e.code = button;
  e.down = down;
  queue_.push_back(e);
  // Pressing the send button must not take the focus (and the phone keyboard) from the composer.
  return down && dom_.keeps_focus_at(x, y);
}

void browser_platform::wheel(float dy) {
  note_input();  // taken by the next draw
  scroll_ += dy;
  momentum_ = 0;
}

void browser_platform::click(int button, float x, float y) {
  mouse_button(button, true, x, y);
  mouse_button(button, false, x, y);
  mouse_move(-FLT_MAX, -FLT_MAX);  // a finger leaves no hover behind
}

void browser_platform::touch_start(long id, float x, float y) {
  note_input();
  if (touch_.id != -1) return;  // one finger drives; others are ignored
  const double now = emscripten_get_now();
  hover_after_momentum_ = false;
  touch_ = touch_state{id, x, y, x, y, now, now, false, false, 0};
  momentum_ = 0;
  mouse_move(x, y);
}

void browser_platform::touch_move(long id, float x, float y) {
  note_input();
  if (id != touch_.id) return;
  const double now = emscripten_get_now();
  const float dy = y - touch_.y;
  if (!touch_.dragging && std::hypot(x - touch_.x0, y - touch_.y0) > tap_slop_px) touch_.dragging = true;
  if (touch_.dragging) {
    scroll_ -= dy;
    const double dt = std::max(1.0, now - touch_.t);
    touch_.velocity = 0.7f * touch_.velocity + 0.3f * static_cast<float>(-dy / dt);
  }
  touch_.x = x;
  touch_.y = y;
  touch_.t = now;
  mouse_move(x, y);
}

void browser_platform::touch_end(long id, bool cancelled) {
  note_input();
  if (id != touch_.id) return;
  if (!cancelled && !touch_.dragging && !touch_.long_pressed) {
    if (!dom_.keeps_focus_at(touch_.x, touch_.y)) dom_.blur_all();  // a tap elsewhere closes the keyboard
    click(0, touch_.x, touch_.y);
  } else if (touch_.dragging) {
    // A flick glides on; a finger that stopped before lifting does not.
    momentum_ = emscripten_get_now() - touch_.t < 80.0 ? touch_.velocity : 0.0f;
    hover_after_momentum_ = true;
  }
  touch_.id = -1;
}

bool browser_platform::key(int code, bool down, bool ctrl, bool shift, bool alt, bool super) {
  const std::uint64_t seq = note_input();
  if (code <= 0 || code >= 512) return EM_FALSE;
  input_event e;
  e.seq = seq;
  e.type = input_event::event_type::key;
  e.code = code;
  e.down = down;
  e.ctrl = ctrl;
  e.shift = shift;
  e.alt = alt;
  e.super = super;
  queue_.push_back(e);
  // Keys the list uses for scrolling stay in the app; everything else (browser
  // shortcuts, Tab into the fields) keeps its default.
  switch (code) {
    case 33: case 34: case 35: case 36: case 38: case 40: case 27: return !ctrl && !alt && !super;
    default: return false;
  }
}

void browser_platform::lost_focus() {
  input_event e;
  e.seq = note_input();
  e.type = input_event::event_type::reset;
  queue_.push_back(e);
}

bool browser_platform::busy() const {
  return !queue_.empty() || touch_.id != -1 || momentum_ != 0 || scroll_ != 0 || hover_after_momentum_;
}

float browser_platform::take_scroll() {
  const float s = scroll_;
  scroll_ = 0;
  took_scroll_ = s != 0;
  return s;
}

bool browser_platform::scrolling() const {
  return touch_.id != -1 || momentum_ != 0 || scroll_ != 0 || took_scroll_;
}

std::uint64_t browser_platform::first_queued_input() const {
  return queue_.empty() ? UINT64_MAX : queue_.front().seq;
}

void browser_platform::feed(ImGuiIO& io) {
  const double now = emscripten_get_now();
  const double dt = last_feed_ > 0 ? std::min(100.0, now - last_feed_) : 16.0;
  last_feed_ = now;
  if (touch_.id != -1 && !touch_.dragging && !touch_.long_pressed && now - touch_.t0 >= long_press_ms) {
    touch_.long_pressed = true;  // a long press is the touch screen's right click
    click(1, touch_.x, touch_.y);
  }
  if (momentum_ != 0) {
    scroll_ += momentum_ * static_cast<float>(dt);
    momentum_ *= static_cast<float>(std::pow(0.95, dt / 16.0));
    if (std::fabs(momentum_) < 0.02f) momentum_ = 0;
  }
  if (momentum_ == 0 && hover_after_momentum_ && touch_.id == -1) {
    hover_after_momentum_ = false;
    mouse_move(-FLT_MAX, -FLT_MAX);
  }
  while (!queue_.empty()) {
    const input_event e = queue_.front();
    queue_.pop_front();
    if (e.type == input_event::event_type::pos) {
      io.MousePos = ImVec2(e.x, e.y);
      continue;
    }
    if (e.type == input_event::event_type::reset) {
      for (bool& b : io.MouseDown) b = false;
      for (bool& k : io.KeysDown) k = false;
      io.KeyCtrl = io.KeyShift = io.KeyAlt = io.KeySuper = false;
      continue;
    }
    if (e.type == input_event::event_type::button) {
      io.MouseDown[e.code] = e.down;
    } else {
      io.KeysDown[e.code] = e.down;
      io.KeyCtrl = e.ctrl;
      io.KeyShift = e.shift;
      io.KeyAlt = e.alt;
      io.KeySuper = e.super;
    }
    break;  // one transition per draw; the rest waits for the next
  }
}

void browser_platform::set_cursor(ImGuiMouseCursor cursor) {
  if (cursor == cursor_) return;
  cursor_ = cursor;
  const char* name = "default";
  switch (cursor) {
    case ImGuiMouseCursor_None: name = "none"; break;
    case ImGuiMouseCursor_TextInput: name = "text"; break;
    case ImGuiMouseCursor_Hand: name = "pointer"; break;
    case ImGuiMouseCursor_ResizeNS: name = "ns-resize"; break;
    case ImGuiMouseCursor_ResizeEW: name = "ew-resize"; break;
    case ImGuiMouseCursor_NotAllowed: name = "not-allowed"; break;
    default: break;
  }
  chatroom_set_cursor(name);
}

void browser_platform::set_title(const std::string& title) { chatroom_set_title(title.c_str()); }

void browser_platform::copy_text(const std::string& text) { chatroom_copy_text(text.c_str()); }

void browser_platform::open_link(const std::string& href) {
  if (markup::allowed_href(href)) chatroom_open_link(href.c_str());
}

}  // namespace chat::web
