// The message list: cards like the tutorial's (text, "by Name at Time", the
// sender's picture), own messages on the right, runs by one sender grouped,
// day separators, pending and failed states. Heights are measured once per
// message and width; ImGuiListClipper then draws only what is on screen, so
// 10 000 messages scroll smoothly. It sticks to the bottom only when the user
// is already there, keeps its place when older pages arrive above, and asks
// for older pages near the top. Text in it is selected as on a web page
// (ui/message_select.hpp).
#pragma once

#include "ui/message_select.hpp"
#include "ui/widgets.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace chat::web::ui {

class message_list {
 public:
  void draw(draw_context& f, const screen_rect& area);

  /** The user is looking at the newest message. */
  bool at_bottom() const { return at_bottom_; }
  /** Scrolls to the newest message (after sending, or from the "new messages" button). */
  void scroll_to_bottom() { stick_ = true; }
  /** Keys (log_entry::key()) of the messages on screen in the last draw. */
  const std::vector<std::int64_t>& visible_keys() const { return visible_; }
  float scroll_y() const { return scroll_y_; }
  /** The address of the link under the pointer (shown at the bottom of the list), or empty. */
  const std::string& hover_link() const { return hover_link_; }
  float scroll_max() const { return scroll_max_; }
  /** The selected text and message (what Ctrl+C copies). */
  message_selection& selection() { return selection_; }
  const message_selection& selection() const { return selection_; }
  /** Message `key`'s text as drawn last: its rectangle and texture (0 when not drawn), for the test hook. */
  std::pair<screen_rect, unsigned> drawn_text(std::int64_t key) const;

 private:
  struct measured_size {
    float wrap = -1;
    float w = 0, h = 0;
  };
  struct list_geometry {
    float width = 0;   // list width the layout was made for
    float column = 0;  // the centred column the messages use
    float card_max = 0;
    float wrap = 0;
  };

  void relayout(draw_context& f, float width);
  float row_height(draw_context& f, const log_row& r, float& card_w) const;
  void draw_row(draw_context& f, ImDrawList* dl, std::size_t index, ImVec2 origin);  // origin by value: shifted to the column
  void draw_header(draw_context& f, ImDrawList* dl, ImVec2 origin, float width);
  void draw_menu(draw_context& f);
  std::string meta_text(draw_context& f, const log_entry& e, bool first) const;

  list_geometry geo_;
  std::vector<float> tops_;    // tops_[i] = y of row i below the header; tops_.back() = total
  std::vector<float> card_w_;  // card width of row i
  mutable std::unordered_map<std::int64_t, measured_size> measures_;
  std::uint64_t layout_revision_ = 0;
  bool layout_names_ = false;
  bool layout_live_ = false;
  float header_h_ = 44.0f;

  float scroll_y_ = 0, scroll_max_ = 0, view_h_ = 0;
  bool at_bottom_ = true;
  bool stick_ = true;
  std::int64_t anchor_key_ = 0;
  float anchor_offset_ = 0;
  std::vector<std::int64_t> visible_;

  std::int64_t menu_key_ = 0;
  std::string hover_link_;
  message_selection selection_;
  std::unordered_map<std::int64_t, std::pair<screen_rect, unsigned>> drawn_text_;  // this draw's message texts
};

}  // namespace chat::web::ui
