// Selecting text in the message list as on a web page: press on a message's
// text and drag to select (clamped to that message), double-click for a word,
// triple-click for the whole message; a click on a card selects the message
// itself. Ctrl+C / Cmd+C (js/platform.js) then copies the selected text, or
// else the selected message, as original bytes (client/text_selection.hpp;
// docs/client.md, "Selecting and copying").
#pragma once

#include "ui/widgets.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace chat::web::ui {

/** The text selection (in at most one message) and the selected message. */
class message_selection {
 public:
  /** Starts a draw of the list: a left press (`pressed`) clears both; one on a message's card then selects anew (track()). */
  void begin_draw(bool pressed);
  /** Follows the pointer over one message's text (`body` drawn as formatted `texture` at `r`)
   *  for a press on its card (`pressed`, the left button went down on it this draw). */
  void track(std::int64_t key, const std::string& body, const screen_rect& r, unsigned texture, bool pressed);
  /** Draws the selection behind the text of message `key` (call under its glyphs). */
  void draw_highlight(ImDrawList* dl, std::int64_t key, const screen_rect& r, unsigned texture) const;
  /** Ends the draw: a released button ends the drag. */
  void end_draw();

  /** The last press on message `key` became a drag (its release is no click on a link). */
  bool dragged(std::int64_t key) const { return key == key_ && moved_; }
  /** Selects a whole message (a click on its card, focus on its actions in the screen-reader mirror). */
  void select_message(std::int64_t key);
  void clear();

  std::int64_t selected() const { return selected_; }
  std::int64_t text_key() const { return begin() < end() ? key_ : 0; }
  std::size_t begin() const { return anchor_ < focus_ ? anchor_ : focus_; }
  std::size_t end() const { return anchor_ < focus_ ? focus_ : anchor_; }

  /** What Ctrl+C copies: the selected text's original bytes, else the selected message's body, else "". */
  std::string copy_text(const message_log& log) const;

 private:
  std::int64_t key_ = 0;  // the message holding the text selection
  std::size_t anchor_ = 0, focus_ = 0;
  bool pressing_ = false, moved_ = false;
  ImVec2 press_at_;
  std::int64_t selected_ = 0;
};

/** The message with this key (log_entry::key()) in the log, or nullptr. */
const log_entry* find_entry(const message_log& log, std::int64_t key);

}  // namespace chat::web::ui
