// The periodic check of the open WebSockets' sessions. A session can end
// outside this process (`chatroom-server user passwd|disable` on the same
// database) or simply expire, and a socket must not outlive its session: every
// limits::session_check_interval_s the store worker looks the room's distinct
// sessions up in one query and closes the sockets of the ended ones with 4401.
// A logout in this process closes its sockets at once (room::end_session).
// Guests (--guest-mode) have no session; the same check closes, with the same
// code, a guest whose name has meanwhile become a registered user's (`user
// add`), so a user never appears as the author of what a guest says.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chat::server {

class room;
class session_store;
class user_store;

/** What one check did. */
struct session_check_result {
  std::size_t sessions = 0;  ///< distinct sessions of the open sockets
  std::size_t ended = 0;     ///< of those, no longer live
  std::size_t guests = 0;    ///< distinct guest names of the open sockets
  std::size_t guests_named_as_users = 0;  ///< of those, names that now belong to a user
  std::size_t closed = 0;    ///< sockets asked to close with 4401
};

/** Checks the sessions of `r`'s members against `s` at `now_ms` and closes
 *  (close_code::session_ended) the sockets whose session is no longer live:
 *  expired, revoked, or its user disabled or gone; and the guests whose name
 *  `users` now knows. One query each whatever the number of sessions or
 *  guests, none when there are none.
 *  Blocks on the store and throws store_error: call it on the store worker,
 *  where the upgrades' session checks run too, so no socket is admitted with
 *  a session between the query and the closing. */
session_check_result check_sessions(room& r, session_store& s, user_store& users, std::int64_t now_ms);

}  // namespace chat::server
