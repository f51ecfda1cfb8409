// Failed-login bookkeeping per key (an (account, address) pair or an address):
// a key that reaches its rule's failure limit is locked for a period that
// doubles with each further lock, up to a cap. The table is bounded: when it
// is full, a new key evicts the one that failed least recently.
#pragma once

#include <chat/limits.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chat::server {

/** How one kind of key is throttled. */
struct throttle_rule {
  int max_failures = limits::login_max_failures;  ///< failures that lock the key
  std::chrono::milliseconds first_lock{limits::login_lock_first_s * 1000};  ///< the first lock; each next one doubles
  std::chrono::milliseconds max_lock{limits::login_lock_max_s * 1000};      ///< the longest lock
  /** A key with no failure and no lock for this long starts afresh (count and doubling). */
  std::chrono::milliseconds quiet_reset{limits::login_quiet_reset_s * 1000};
};

/** The rules of the login throttle and the size of its table. */
struct login_policy {
  throttle_rule account_address;  ///< per (username, client address)
  throttle_rule address{limits::login_address_max_failures};  ///< per client address (IPv6: its /64)
  std::size_t max_keys = limits::max_throttle_keys;
};

/** Failure counts and locks by key; thread-safe, at most `max_keys` keys. */
class login_throttle {
 public:
  using clock = std::chrono::steady_clock;

  explicit login_throttle(std::size_t max_keys);

  /** Seconds until `key` may try again (0: it may try now). */
  std::int64_t retry_after(std::string_view key, clock::time_point now) const;
  /** Counts a failure of `key` under `rule`; the seconds of the lock it started, or 0. */
  std::int64_t record_failure(std::string_view key, const throttle_rule& rule, clock::time_point now);
  /** Forgets `key` (a correct password). */
  void clear(std::string_view key);
  /** Keys remembered now. */
  std::size_t size() const;

 private:
  struct entry {
    std::string key;
    int failures = 0;               ///< since the last lock
    int locks = 0;                  ///< locks so far: the next lasts first_lock * 2^locks
    clock::time_point lock_until{};
    clock::time_point last{};       ///< the last failure
  };

  const std::size_t max_keys_;
  mutable std::mutex mu_;
  std::list<entry> recent_;  ///< most recently failed first
  std::unordered_map<std::string_view, std::list<entry>::iterator> index_;  ///< views into recent_'s keys
};

}  // namespace chat::server
