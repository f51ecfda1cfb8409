// The DOM layer over the canvas: real text fields where ImGui draws a text
// box (paste, IME, accents, password managers, phone keyboards all work), and
// invisible focusable buttons where ImGui draws a button (Tab order, Enter and
// Space, screen-reader labels). The UI declares them every frame with their
// on-screen rectangle; the layer keeps the DOM in step and reports the typing.
// It also keeps the rectangles of every named widget for the test hook.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web {

/** A rectangle in CSS pixels, viewport coordinates. */
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool contains(float px, float py) const { return px >= x && py >= y && px < x + w && py < y + h; }
  bool overlaps(const Rect& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
  friend bool operator==(const Rect&, const Rect&) = default;
};

enum class FieldKind { text, password, textarea, button };

/** One DOM element the UI wants this frame. */
struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::text;
  Rect rect;
  std::string label;        ///< accessible name
  std::string placeholder;
  std::string autocomplete; ///< "username", "current-password", "off"
  std::string color = "#2b2b2b";
  float font_px = 15, line_px = 20, pad_x = 10, pad_y = 10;
  int max_length = 0;
  bool enter_submits = false;  ///< Enter (without Shift) submits instead of a new line
  bool disabled = false;
  bool autofocus = false;      ///< focus it when it first appears
};

class DomLayer {
 public:
  /** Forgets last frame's rectangles; declare this frame's widgets after. */
  void begin_frame();
  /** Declares a DOM-backed widget (and its rectangle) for this frame. */
  void field(FieldSpec spec);
  /** Records the rectangle of a widget drawn by ImGui alone (for the test hook). */
  void rect(const std::string& name, const Rect& r);
  /** Widgets under this rectangle (a popup) are hidden this frame. */
  void occlude(const Rect& r) { occluders_.push_back(r); }
  /** Brings the DOM in step with this frame's declarations. */
  void end_frame();

  const std::string& value(const std::string& name) const;
  /** Replaces a field's text (and the DOM's). */
  void set_value(const std::string& name, std::string_view text);
  void focus(const std::string& name);
  void blur_all();
  /** True once after Enter was pressed in this field. */
  bool take_submit(const std::string& name);
  /** True once after a proxy button was activated from the keyboard. */
  bool take_activate(const std::string& name);
  bool focused(const std::string& name) const { return focused_ == name; }
  const std::string& focused_name() const { return focused_; }
  /** The text's content height in CSS pixels as the browser wrapped it (textareas). */
  float content_height(const std::string& name) const;

  const std::map<std::string, Rect>& rects() const { return rects_; }
  /** Rectangles whose pointer presses must not take focus away from a field (send). */
  bool keeps_focus_at(float x, float y) const;
  void keep_focus(const Rect& r) { keep_focus_.push_back(r); }

  // From js/platform.js, through the exported C functions. Each (but on_height)
  // is an input event (platform/input_seq.hpp).
  void on_input(const std::string& name, std::string value);
  void on_submit(const std::string& name);
  void on_activate(const std::string& name);
  void on_focus(const std::string& name, bool focused);
  void on_height(const std::string& name, float h) { heights_[name] = h; }

  /** Something happened in the DOM since the last frame (the UI should redraw). */
  bool take_activity();

 private:
  std::vector<FieldSpec> specs_;
  std::vector<Rect> occluders_;
  std::vector<Rect> keep_focus_;
  std::map<std::string, Rect> rects_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> submits_, activations_;
  std::map<std::string, float> heights_;
  std::string focused_;
  std::string last_sync_;
  bool activity_ = false;
};

/** The one DOM layer of the page (the exported callbacks reach it). */
DomLayer& dom_layer();

}  // namespace chat::web
