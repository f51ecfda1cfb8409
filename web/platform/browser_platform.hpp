// The platform layer of the app on emscripten/html5.h (instead of GLFW): the
// WebGL2 context, the canvas following the window and devicePixelRatio, mouse,
// wheel, touch (tap, drag-scroll with momentum, long press) and keys queued
// into ImGui one transition per draw, the cursor, title, clipboard, page
// visibility and network state.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

namespace chat::web {

class dom_layer;

class browser_platform {
 public:
  explicit browser_platform(dom_layer& dom) : dom_(dom) {}

  /** Creates the WebGL2 context on #canvas and listens to the page's events. */
  bool init();

  /** Reads the canvas size and devicePixelRatio; resizes the drawing buffer. True if changed. */
  bool poll_viewport();
  float width() const { return width_; }
  float height() const { return height_; }
  float dpr() const { return dpr_; }
  int framebuffer_width() const { return fb_w_; }
  int framebuffer_height() const { return fb_h_; }

  /** Advances gestures and feeds queued input to ImGui: at most one button or
   *  key transition per draw, so a fast click is never lost. */
  void feed(ImGuiIO& io);
  /** Input is waiting, or a gesture or momentum scroll is running. */
  bool busy() const;
  /** Pixels to scroll the content under the pointer (wheel, touch drag, momentum). */
  float take_scroll();
  /** A finger is down, the list glides, or the last draw scrolled (its effect shows in the next). */
  bool scrolling() const;
  /** The number (platform/input_seq.hpp) of the oldest input still queued for a later draw,
   *  or UINT64_MAX when every input received has been fed. */
  std::uint64_t first_queued_input() const;

  void set_cursor(ImGuiMouseCursor cursor);
  void set_title(const std::string& title);
  void copy_text(const std::string& text);
  /** Opens a link in a new tab with noopener and noreferrer; only http, https and mailto (checked here and in the page). */
  void open_link(const std::string& href);
  bool page_visible() const;

  std::function<void(bool visible)> on_visibility;
  std::function<void(bool online)> on_network;

  // From the html5 callbacks.
  void mouse_move(float x, float y);
  bool mouse_button(int button, bool down, float x, float y);
  void wheel(float dy);
  void touch_start(long id, float x, float y);
  void touch_move(long id, float x, float y);
  void touch_end(long id, bool cancelled);
  bool key(int code, bool down, bool ctrl, bool shift, bool alt, bool super);
  void lost_focus();
  float left() const { return left_; }
  float top() const { return top_; }

 private:
  struct input_event {
    enum class event_type { pos, button, key, reset } type = event_type::pos;
    std::uint64_t seq = 0;  // its number in the input sequence
    float x = 0, y = 0;
    int code = 0;  // button or key
    bool down = false;
    bool ctrl = false, shift = false, alt = false, super = false;
  };
  struct touch_state {
    long id = -1;
    float x0 = 0, y0 = 0, x = 0, y = 0;
    double t0 = 0, t = 0;
    bool dragging = false;
    bool long_pressed = false;
    float velocity = 0;  // content px per ms
  };
  void click(int button, float x, float y);

  dom_layer& dom_;
  std::deque<input_event> queue_;
  touch_state touch_;
  float momentum_ = 0;
  bool hover_after_momentum_ = false;  // the finger's position stays hovered while the list glides
  double last_feed_ = 0;
  float scroll_ = 0;
  bool took_scroll_ = false;
  float width_ = 0, height_ = 0, dpr_ = 1, left_ = 0, top_ = 0;
  int fb_w_ = 0, fb_h_ = 0;
  ImGuiMouseCursor cursor_ = -2;
};

}  // namespace chat::web
