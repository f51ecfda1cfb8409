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
struct ComposerState {
  std::size_t chars = 0;  ///< code points after trimming
  bool can_send = false;
  std::string warning;    ///< shown near the 4000-character limit
};

ComposerState composer_state(const std::string& text);

class ChatView {
 public:
  void draw(Frame& f, const Rect& screen);

  const MessageList& list() const { return list_; }
  bool online_open() const { return online_open_; }
  const std::string& toast() const { return toast_; }

 private:
  void top_bar(Frame& f, const Rect& bar);
  float banner(Frame& f, float y, float width);
  struct FooterGeometry {
    ComposerState composer;
    float box_h = 0, warn_h = 0, height = 0;
  };
  static FooterGeometry footer_geometry(const Frame& f);
  void footer(Frame& f, const Rect& screen, const FooterGeometry& g);
  void online_popup(Frame& f, const Rect& list_area);
  void overlays(Frame& f, const Rect& list_area);

  MessageList list_;
  bool online_open_ = false;
  bool open_online_ = false;
  std::string toast_;
  double toast_until_ = 0;
};

}  // namespace chat::web::ui
