// The screen-reader mirror: the canvas is invisible to assistive technology,
// so the meaning of each draw goes to an offscreen DOM (js/platform.js): the
// page's heading, the connection status, the message list as role="log" (its
// author, time and text per message; new ones announced politely; its actions as
// buttons: the message menu's "Copy text", and "Retry"/"Discard" when not sent) and an open
// dialog. The buttons and fields are the DOM layer's own (platform/dom_layer).
#pragma once

#include "client/chat_client.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chat::web::ui {

/** Keeps the offscreen mirror in step with what the UI shows. */
class a11y_mirror {
 public:
  /** The mirror holds the newest this many messages, plus those on screen. */
  static constexpr std::size_t max_messages = 100;

  /** What the UI shows beside the client's state. */
  struct view {
    std::vector<std::int64_t> visible;  ///< keys (log_entry::key()) of the messages on screen
    bool online_open = false;           ///< the "Online now" dialog is open
  };

  /** The mirror as JSON for this draw (docs/client.md, "Screen readers"). */
  static std::string describe(const chat_client& client, const view& v, std::int64_t now);
  /** Hands the description to the page when it changed since the last call. */
  void update(const chat_client& client, const view& v, std::int64_t now);

 private:
  std::string last_;
};

}  // namespace chat::web::ui
