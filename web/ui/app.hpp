// The app's UI: picks the page, draws it from ChatClient, applies the intents
// it returns, and answers the test hook (window.chatroom.state() / rect()).
#pragma once

#include "client/chat_session.hpp"
#include "ui/chat_view.hpp"
#include "ui/login_view.hpp"
#include "ui/widgets.hpp"

#include <cstdint>
#include <string>

namespace chat::web::ui {

class App {
 public:
  App(ChatClient& client, ChatSession& session, DomLayer& dom, BrowserPlatform& platform);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  void set_fonts(const Fonts& fonts) { fonts_ = fonts; }

  /** Builds this frame's UI (between ImGui::NewFrame and Render) and applies
   *  what the user asked for. Returns the ms until another frame is needed
   *  when nothing else happens (-1: none). */
  double frame(std::int64_t now, float scroll_px);

  /** The frame loop drew frame number `frame`; input up to `input_done` is handled (test hook). */
  void drawn(std::uint64_t frame, std::uint64_t input_done) {
    frames_ = frame;
    input_done_ = input_done;
  }

  /** A picture finished loading since the last call. */
  bool take_loaded() { return avatars_.take_loaded(); }

  /** What is on screen, as JSON (docs/client.md describes the fields). */
  std::string state_json() const;
  /** {x,y,width,height} of a named widget, null when not on screen, or every name for "". */
  std::string rect_json(const std::string& name) const;

 private:
  void apply(Intents& in);

  ChatClient& client_;
  ChatSession& session_;
  DomLayer& dom_;
  BrowserPlatform& platform_;
  Fonts fonts_;
  Avatars avatars_;
  LoginView login_;
  ChatView chat_;
  std::int64_t last_now_ = 0;
  std::uint64_t frames_ = 0;
  std::uint64_t input_done_ = 0;
};

}  // namespace chat::web::ui
