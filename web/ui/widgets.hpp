// What every view shares: the draw context (client to read, intents to
// return), text helpers, the app's buttons (drawn by ImGui, reachable by Tab
// through the DOM layer), icons drawn with ImDrawList, and avatars.
#pragma once

#include "client/chat_client.hpp"
#include "platform/dom_layer.hpp"
#include "ui/theme.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web {
class browser_platform;
}

namespace chat::web::ui {

/** What the user asked for this draw; the app applies it to chat_client after drawing. */
struct intent_set {
  std::optional<std::pair<std::string, std::string>> login;  ///< username, password
  bool logout = false;
  std::optional<std::string> send;
  std::vector<std::string> retry;
  std::vector<std::string> discard;
  bool load_older = false;
  bool reconnect = false;
  std::optional<bool> at_bottom;
};

class avatar_cache;

/** A view's view of the world for one draw. */
struct draw_context {
  const chat_client& client;
  dom_layer& dom;
  browser_platform& platform;
  avatar_cache& avatars;
  const font_set& fonts;
  std::int64_t now;
  intent_set& intents;
  /** Pixels of wheel/touch scrolling this draw, for the scrollable view under the pointer. */
  float platform_scroll = 0;
  /** A short confirmation to show ("Copied to the clipboard"). */
  std::string toast;
  /** Set by a view that needs another draw soon (animation, countdown). */
  double redraw_in_ms = -1;
  void redraw_within(double ms) { redraw_in_ms = redraw_in_ms < 0 ? ms : std::min(redraw_in_ms, ms); }
};

inline ImVec2 vmin(const screen_rect& r) { return ImVec2(r.x, r.y); }
inline ImVec2 vmax(const screen_rect& r) { return ImVec2(r.x + r.w, r.y + r.h); }
inline ImVec2 center(const screen_rect& r) { return ImVec2(r.x + r.w * 0.5f, r.y + r.h * 0.5f); }

/** The height of one line of a style, in CSS pixels. */
float px(const text_style& st);
/** The size of `s` laid out by the browser (wrapped at `wrap_width` when > 0). */
ImVec2 text_size(const text_style& st, std::string_view s, float wrap_width = -1.0f);
/** Draws `s` through the text path (web/text/) with its top-left at `pos`, in
 *  `col` (its alpha fades the whole text). A right-to-left text is drawn against
 *  the right edge of a box `box_w` wide when given (else of its own width).
 *  Returns the rectangle drawn. */
screen_rect text(ImDrawList* dl, const text_style& st, ImVec2 pos, ImU32 col, std::string_view s, float wrap_width = 0.0f,
                 float box_w = 0.0f);
/** A message body drawn formatted (bold, italic, code, quotes, links: client/markup.hpp),
 *  as text(); `texture` gets its texture (0 while deferred) for hit testing (text::engine().hit). */
screen_rect formatted_text(ImDrawList* dl, const text_style& st, ImVec2 pos, ImU32 col, std::string_view body, float wrap_width,
                           float box_w, unsigned& texture);
/** The size of a message body laid out formatted. */
ImVec2 formatted_size(const text_style& st, std::string_view body, float wrap_width);
/** `s` cut to fit `max_w` on one line, with an ellipsis when cut (at a grapheme boundary). */
std::string fit(const text_style& st, std::string_view s, float max_w);
/** A tooltip with `label` drawn through the text path, for the item just submitted. */
void tooltip(const font_set& fonts, const std::string& label);

enum class button_look { brand, grey, on_brand, link, flat };

/** The state of a button this draw. */
struct press_result {
  bool clicked = false;
  bool hovered = false;
  bool held = false;
};

/** A button at `r` named `name` (test hook, DOM proxy for Tab/Enter/Space).
 *  It draws its background; the caller draws the content over it. */
press_result button(draw_context& f, const std::string& name, const screen_rect& r, const std::string& label, bool enabled, button_look look,
               float rounding = 6.0f, bool keep_focus = false);

void focus_ring(ImDrawList* dl, const screen_rect& r, float rounding);

// Icons, drawn in a square of side `s` centred on `c`.
void icon_send(ImDrawList* dl, ImVec2 c, float s, ImU32 col);
/** A smiling face (the composer's emoji button). */
void icon_smile(ImDrawList* dl, ImVec2 c, float s, ImU32 col);
void icon_logout(ImDrawList* dl, ImVec2 c, float s, ImU32 col);
void icon_people(ImDrawList* dl, ImVec2 c, float s, ImU32 col);
void icon_clock(ImDrawList* dl, ImVec2 c, float s, ImU32 col);
void icon_alert(ImDrawList* dl, ImVec2 c, float s, ImU32 col);
void icon_arrow_down(ImDrawList* dl, ImVec2 c, float s, ImU32 col);
void spinner(ImDrawList* dl, ImVec2 c, float r, ImU32 col, double now_ms);

/** Pictures by URL as textures, loaded once; 0 while loading or when unavailable. */
class avatar_cache {
 public:
  ImTextureID texture(const std::string& url);
  /** Some picture finished loading since the last call. */
  bool take_loaded();

 private:
  struct texture_slot {
    unsigned texture = 0;  // 0 while loading or after a failure
  };
  std::map<std::string, texture_slot> slots_;
  bool loaded_ = false;
};

/** Up to two initials of a display name ("Eric Lin" → "EL"). */
std::string initials(std::string_view name);

/** A person's picture at `min` (side `s`): the image, or initials on a disc
 *  coloured by username when there is no picture or it failed to load. */
void avatar(draw_context& f, ImDrawList* dl, ImVec2 min, float s, std::string_view username, bool round);

}  // namespace chat::web::ui
