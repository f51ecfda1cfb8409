// The app's UI: picks the page, draws it from chat_client, applies the intents
// it returns, and answers the test hook (window.chatroom.state() / rect()).
#pragma once

#include "client/client_driver.hpp"
#include "ui/a11y_mirror.hpp"
#include "ui/chat_view.hpp"
#include "ui/login_view.hpp"
#include "ui/widgets.hpp"

#include <cstdint>
#include <string>

namespace chat::web::ui {

class app {
 public:
  app(chat_client& client, client_driver& driver, dom_layer& dom, browser_platform& platform);
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  /** Builds this draw's UI (between ImGui::NewFrame and Render) and applies
   *  what the user asked for. Returns the ms until another draw is needed
   *  when nothing else happens (-1: none). */
  double draw(std::int64_t now, float scroll_px);

  /** The draw loop made draw number `count`; input up to `input_done` is handled (test hook). */
  void drawn(std::uint64_t count, std::uint64_t input_done) {
    draws_ = count;
    input_done_ = input_done;
  }

  /** A picture finished loading since the last call. */
  bool take_loaded() { return avatars_.take_loaded(); }

  /** What is on screen, as JSON (docs/client.md describes the fields). */
  std::string state_json() const;
  /** {x,y,width,height} of a named widget, null when not on screen, or every name for "". */
  std::string rect_json(const std::string& name) const;
  /** The on-screen rectangles [{x,y,width,height}] of bytes [begin, end) of message `key`'s text, as drawn last. */
  std::string text_rects_json(std::int64_t key, std::size_t begin, std::size_t end) const;

  /** Ctrl+C / Cmd+C outside the text fields: copies the selected text or message, with the toast.
   *  False when nothing is selected (the browser's own copy goes ahead). */
  bool copy_selection();
  /** An action from a message in the screen-reader mirror (`key` as the mirror names it):
   *  "copy", "retry", "discard", or "focus" (its actions got the keyboard focus). */
  void mirror_action(const std::string& key, const std::string& action);

 private:
  void apply(intent_set& in);

  chat_client& client_;
  client_driver& driver_;
  dom_layer& dom_;
  browser_platform& platform_;
  font_set fonts_;
  avatar_cache avatars_;
  login_view login_;
  chat_view chat_;
  a11y_mirror mirror_;
  std::int64_t last_now_ = 0;
  std::uint64_t draws_ = 0;
  std::uint64_t input_done_ = 0;
};

}  // namespace chat::web::ui
