// Counts failed logins per key (a username or an address) in a sliding window;
// a key with too many recent failures is refused until the oldest expires.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chat::server {

/** Failed-login bookkeeping; thread-safe, memory bounded by `max_keys`. */
class login_throttle {
 public:
  using clock = std::chrono::steady_clock;

  login_throttle(int max_failures, std::chrono::seconds window, std::size_t max_keys);

  /** Seconds until `key` may try again (0: it may try now). */
  std::int64_t retry_after(std::string_view key, clock::time_point now);
  void record_failure(std::string_view key, clock::time_point now);
  void clear(std::string_view key);

 private:
  void prune(clock::time_point now);

  const int max_failures_;
  const std::chrono::seconds window_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<clock::time_point>> failures_;
};

}  // namespace chat::server
