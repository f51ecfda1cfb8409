// The per-user message rate: a token bucket per username shared by all of the
// user's connections, and the per-connection count of refusals ("strikes").
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chat::server {

/** Token buckets per user; thread-safe. A rate of 0 turns limiting off. */
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  rate_limiter(double per_second, double burst);

  /** Takes one token from `user`'s bucket; false if it is empty. */
  bool allow(std::string_view user, clock::time_point now);
  bool enabled() const { return per_second_ > 0; }
  /** The window strikes are counted in: the time a full bucket takes to refill. */
  clock::duration burst_window() const;

 private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };
  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, bucket> buckets_;
};

/** Refusals of one connection within a window; not thread-safe (its connection's I/O thread only). */
class strike_counter {
 public:
  /** Records a refusal; true once `max` refusals fell within one window. */
  bool strike(int max, rate_limiter::clock::duration window, rate_limiter::clock::time_point now);

 private:
  int count_ = 0;
  rate_limiter::clock::time_point first_{};
};

}  // namespace chat::server
