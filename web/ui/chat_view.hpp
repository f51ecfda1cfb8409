// The Chat Room page as the tutorial designed it: the coral top bar with the
// user's picture, the title, who is online and logout; the message list; the
// footer with the text area and the paper-plane send button. Plus what a
// product needs: the connection state, a reconnect banner, the "new messages"
// button, the length warning, toasts.
#pragma once

#include "ui/message_list.hpp"
#include "ui/widgets.hpp"

#include <cstdint>
#include <string>

namespace chat::web::ui {

/** The composer's text as the rules see it. */
struct composer_info {
  std::size_t chars = 0;  ///< code points after trimming
  bool can_send = false;
  std::string warning;    ///< shown near the 4000-character limit
};

composer_info composer_state(const std::string& text);

class chat_view {
 public:
  void draw(draw_context& f, const screen_rect& screen);

  const message_list& list() const { return list_; }
  message_list& list() { return list_; }
  bool online_open() const { return online_open_; }
  const std::string& toast() const { return toast_; }
  /** Shows a short confirmation for a while (from outside a draw: a copy by keyboard or the mirror). */
  void show_toast(std::string text);

 private:
  void top_bar(draw_context& f, const screen_rect& bar);
  float banner(draw_context& f, float y, float width);
  struct footer_layout {
    composer_info composer;
    float box_h = 0, warn_h = 0, height = 0;
  };
  static footer_layout footer_geometry(const draw_context& f);
  void footer(draw_context& f, const screen_rect& screen, const footer_layout& g);
  void online_popup(draw_context& f, const screen_rect& list_area);
  void overlays(draw_context& f, const screen_rect& list_area);

  message_list list_;
  bool online_open_ = false;
  bool open_online_ = false;
  std::string toast_;
  double toast_until_ = 0;
};

}  // namespace chat::web::ui
