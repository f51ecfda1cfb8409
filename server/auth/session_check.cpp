// The periodic check of the open WebSockets' sessions (see session_check.hpp).
#include "auth/session_check.hpp"

#include "room/room.hpp"
#include "store/sessions.hpp"

#include <string>
#include <unordered_set>
#include <vector>

namespace chat::server {

session_check_result check_sessions(room& r, session_store& s, std::int64_t now_ms) {
  session_check_result out;
  const std::vector<std::string> sessions = r.sessions();
  out.sessions = sessions.size();
  if (sessions.empty()) return out;
  const auto live = s.live_sessions(sessions, now_ms);
  std::unordered_set<std::string> ended;
  for (const auto& session : sessions) {
    if (live.count(session) == 0) ended.insert(session);
  }
  out.ended = ended.size();
  out.closed = r.end_sessions(ended);
  return out;
}

}  // namespace chat::server
