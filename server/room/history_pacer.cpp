// History reads paced per connection and per user (see history_pacer.hpp).
#include "room/history_pacer.hpp"

#include <algorithm>

namespace chat::server {
namespace {

using clock = history_pacer::clock;

/** The time between two reads at the bucket's rate. */
clock::duration interval(const pace& p) {
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / p.per_second));
}

/** When a read under `p` with state `s` may run: a full bucket lets `burst` through at once. */
clock::time_point due(const pace& p, const pace_state& s, clock::time_point now) {
  if (p.per_second <= 0) return now;
  const auto tolerance = std::chrono::duration_cast<clock::duration>(interval(p) * (std::max(1.0, p.burst) - 1.0));
  return std::max(now, s.tat - tolerance);
}

/** Takes the read at `at` from the bucket. */
void take(const pace& p, pace_state& s, clock::time_point now) {
  if (p.per_second > 0) s.tat = std::max(s.tat, now) + interval(p);
}

}  // namespace

history_pacer::history_pacer(pace connection, pace user, clock::duration max_wait)
    : conn_(connection), user_(user), max_wait_(max_wait) {}

std::optional<clock::time_point> history_pacer::reserve(pace_state& conn, std::string_view user,
                                                         clock::time_point now) {
  std::lock_guard lock(mu_);
  if (users_.size() > 100000) {
    // Forget users whose bucket is full again: they lose nothing.
    for (auto it = users_.begin(); it != users_.end();) it = it->second.tat <= now ? users_.erase(it) : std::next(it);
  }
  auto& mine = users_[std::string(user)];
  const auto at = std::max(due(conn_, conn, now), due(user_, mine, now));
  if (at - now > max_wait_) {
    if (mine.tat == clock::time_point{}) users_.erase(std::string(user));
    return std::nullopt;
  }
  take(conn_, conn, now);
  take(user_, mine, now);
  return at;
}

}  // namespace chat::server
