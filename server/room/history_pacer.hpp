// The pace of history reads (a history request, or the history of a join: the
// latest page, or a since= resume): per connection and per user, each a token
// bucket in its GCRA form (one "theoretical arrival time" per key). A read
// within the buckets runs at once; one beyond them is given the time its
// tokens will be there and waits aside on the store worker until then; one
// that would wait longer than max_wait is refused (the request is answered
// `rate_limited`, a join closed with 1013). A polite client, one request at a
// time, is only slowed; a loop of requests or reconnects is held to the rate.
// Thread-safe for the per-user part; a connection's own state is its own.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chat::server {

/** Pacing settings: a bucket of `burst` reads refilled at `per_second`. */
struct pace {
  double per_second = 0;  ///< 0 turns pacing off
  double burst = 1;
};

/** One key's pacing state (a connection keeps its own). */
struct pace_state {
  std::chrono::steady_clock::time_point tat{};  ///< when the bucket is full again
};

/** History reads paced per connection and per user. */
class history_pacer {
 public:
  using clock = std::chrono::steady_clock;

  history_pacer(pace connection, pace user, clock::duration max_wait);

  /** The time a read may run for a connection (`conn`, guarded by its caller)
   *  of `user`: `now` or later. nullopt if later than now + max_wait; then
   *  nothing is taken from either bucket. */
  std::optional<clock::time_point> reserve(pace_state& conn, std::string_view user, clock::time_point now);

 private:
  const pace conn_;
  const pace user_;
  const clock::duration max_wait_;
  std::mutex mu_;
  std::unordered_map<std::string, pace_state> users_;
};

}  // namespace chat::server
