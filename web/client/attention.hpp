// What asks for the user's attention: messages from others that arrived while
// the tab was hidden (counted in the title, "(3) Chat Room") or while the list
// was scrolled up (the "N new messages" button), and a transient notice.
#pragma once

#include "client/client_context.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace chat::web {

/** Unread counts, the tab title and the notice. */
class attention {
 public:
  explicit attention(client_context& ctx) : ctx_(ctx) {}

  /** The tab was shown or hidden; `last_id` is the newest message held (0: none).
   *  False when nothing changed. Shown again: the unread count is cleared. */
  bool set_visible(bool visible, std::int64_t last_id);
  /** The list reports whether the user is looking at its newest message. */
  void set_at_bottom(bool at_bottom, std::int64_t last_id);
  /** A welcome to a hidden page: what it already holds up to `last_id` is not unread. */
  void on_welcome(std::int64_t last_id);
  /** A new message from someone else, with its id. */
  void count(std::int64_t id);
  /** Forgets the counts and the notice (the conversation ended). */
  void reset();

  /** Shows `text` for notice_ms. */
  void set_notice(std::string text, std::int64_t now);
  /** Takes the notice down once its time is up. */
  void expire_notice(std::int64_t now);
  /** When the notice goes, if one is up. */
  std::optional<std::int64_t> next_wake() const;

  /** The tab title ("(3) Chat Room" while there are unread messages in the chat room). */
  std::string title(bool in_chat) const;
  /** The title when it differs from the one last returned (the shell is told once per change). */
  std::optional<std::string> title_change(bool in_chat);

  /** The server's ids went back to `last_id` (a restored backup): baselines above it are lowered to it. */
  void on_rewound(std::int64_t last_id);
  int unread() const { return unread_; }
  int new_below() const { return new_below_; }
  bool at_bottom() const { return at_bottom_; }
  bool visible() const { return visible_; }
  const std::string& notice() const { return notice_; }

 private:
  client_context& ctx_;
  bool visible_ = true;
  std::optional<std::int64_t> unread_baseline_;
  int unread_ = 0;
  bool at_bottom_ = true;
  std::int64_t below_baseline_ = 0;
  int new_below_ = 0;
  std::string notice_;
  std::int64_t notice_until_ = 0;
  std::string last_title_;
};

}  // namespace chat::web
