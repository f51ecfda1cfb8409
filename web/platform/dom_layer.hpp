// The DOM layer over the canvas: real text fields where ImGui draws a text
// box (paste, IME, accents, password managers, phone keyboards all work), and
// invisible focusable buttons where ImGui draws a button (Tab order, Enter and
// Space, screen-reader labels). The UI declares them every draw with their
// on-screen rectangle; the layer keeps the DOM in step and reports the typing.
// It also keeps the rectangles of every named widget for the test hook.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web {

/** A rectangle in CSS pixels, viewport coordinates. */
struct screen_rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool contains(float px, float py) const { return px >= x && py >= y && px < x + w && py < y + h; }
  bool overlaps(const screen_rect& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
  friend bool operator==(const screen_rect&, const screen_rect&) = default;
};

enum class field_kind { text, password, textarea, button };

/** One DOM element the UI wants this draw. */
struct field_spec {
  std::string name;
  field_kind kind = field_kind::text;
  screen_rect rect;
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

class dom_layer {
 public:
  /** Forgets last draw's rectangles; declare this draw's widgets after. */
  void begin_draw();
  /** Declares a DOM-backed widget (and its rectangle) for this draw. */
  void field(field_spec spec);
  /** Records the rectangle of a widget drawn by ImGui alone (for the test hook). */
  void rect(const std::string& name, const screen_rect& r);
  /** Widgets under this rectangle (a popup) are hidden this draw. */
  void occlude(const screen_rect& r) { occluders_.push_back(r); }
  /** Brings the DOM in step with this draw's declarations. */
  void end_draw();

  const std::string& value(const std::string& name) const;
  /** Replaces a field's text (and the DOM's). */
  void set_value(const std::string& name, std::string_view text);
  void focus(const std::string& name);
  void blur_all();
  /** Opens (or closes) the emoji picker above `anchor`, inserting into the composer. */
  void open_emoji_picker(const screen_rect& anchor);
  /** True once after Enter was pressed in this field. */
  bool take_submit(const std::string& name);
  /** True once after a proxy button was activated from the keyboard. */
  bool take_activate(const std::string& name);
  bool focused(const std::string& name) const { return focused_ == name; }
  const std::string& focused_name() const { return focused_; }
  /** The text's content height in CSS pixels as the browser wrapped it (textareas). */
  float content_height(const std::string& name) const;

  const std::map<std::string, screen_rect>& rects() const { return rects_; }
  /** Rectangles whose pointer presses must not take focus away from a field (send). */
  bool keeps_focus_at(float x, float y) const;
  void keep_focus(const screen_rect& r) { keep_focus_.push_back(r); }

  // From js/platform.js, through the exported C functions. Each (but on_height)
  // is an input event (platform/input_seq.hpp).
  void on_input(const std::string& name, std::string value);
  void on_submit(const std::string& name);
  void on_activate(const std::string& name);
  void on_focus(const std::string& name, bool focused);
  void on_height(const std::string& name, float h) { heights_[name] = h; }

  /** Something happened in the DOM since the last draw (the UI should redraw). */
  bool take_activity();

 private:
  std::vector<field_spec> specs_;
  std::vector<screen_rect> occluders_;
  std::vector<screen_rect> keep_focus_;
  std::map<std::string, screen_rect> rects_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> submits_, activations_;
  std::map<std::string, float> heights_;
  std::string focused_;
  std::string last_sync_;
  bool activity_ = false;
};

/** The one DOM layer of the page (the exported callbacks reach it). */
dom_layer& page_dom();

}  // namespace chat::web
