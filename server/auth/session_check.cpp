// The periodic check of the open WebSockets' sessions (see session_check.hpp).
#include "auth/session_check.hpp"

#include "room/room.hpp"
#include "store/sessions.hpp"
#include "store/users.hpp"

#include <chat/codes.hpp>

#include <string>
#include <unordered_set>
#include <vector>

namespace chat::server {

session_check_result check_sessions(room& r, session_store& s, user_store& users, std::int64_t now_ms) {
  session_check_result out;
  std::unordered_set<std::string> seen_sessions, seen_guests;
  std::vector<std::string> sessions, guests;
  r.for_each_member([&](const member_info& i) {
    if (!i.session.empty() && seen_sessions.insert(i.session).second) sessions.push_back(i.session);
    if (i.guest && seen_guests.insert(i.user.username).second) guests.push_back(i.user.username);
  });
  out.sessions = sessions.size();
  out.guests = guests.size();
  if (!sessions.empty()) {
    const auto live = s.live_sessions(sessions, now_ms);
    std::unordered_set<std::string> ended;
    for (const auto& session : sessions) {
      if (live.count(session) == 0) ended.insert(session);
    }
    out.ended = ended.size();
    if (!ended.empty()) {
      out.closed = r.close_where([&](const member_info& i) { return !i.session.empty() && ended.count(i.session) > 0; },
                                 close_code::session_ended, "session ended");
    }
  }
  if (!guests.empty()) {
    const auto taken = users.registered_among(guests);
    out.guests_named_as_users = taken.size();
    if (!taken.empty()) {
      out.closed += r.close_where([&](const member_info& i) { return i.guest && taken.count(i.user.username) > 0; },
                                  close_code::session_ended, "that name now belongs to a registered user");
    }
  }
  return out;
}

}  // namespace chat::server
