// The memory peers may hold in unfinished frames: every byte a session's
// incoming side keeps for a frame (or a fragmented message) not complete yet
// is charged to its client address and to the server, each against a cap
// (--max-partial-bytes-per-address, --max-partial-bytes). A growth the caps
// do not allow is refused and the session closes with 1013 (docs/protocol.md).
// Thread-safe: sessions on every shard charge the same budget. No Beast here.
#pragma once

#include "http/address_list.hpp"

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace chat::server::ws {

/** Bytes held in unfinished frames, per client address and in all. */
class partial_budget {
 public:
  partial_budget(std::size_t max_total, std::size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  /** Charges `bytes` more to `address`; false (nothing charged) if either cap would be passed. */
  bool charge(const std::string& address, std::size_t bytes);
  /** Gives back `bytes` charged to `address` before. */
  void release(const std::string& address, std::size_t bytes);

  std::size_t total() const;
  std::size_t held_by(const std::string& address) const;
  std::size_t max_total() const { return max_total_; }
  std::size_t max_per_address() const { return max_per_address_; }

 private:
  const std::size_t max_total_;
  const std::size_t max_per_address_;
  mutable std::mutex mu_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> by_address_;  ///< only addresses holding bytes now
};

/** One session's account with a partial_budget: what it holds now. Not
 *  thread-safe (its session's thread only). Without a budget it is unlimited. */
class partial_lease {
 public:
  partial_lease() = default;
  /** Charges `budget` under address_group(address) (an IPv6 address by its /64). */
  partial_lease(partial_budget* budget, const std::string& address) : budget_(budget), address_(address_group(address)) {}
  ~partial_lease() { set(0); }
  partial_lease(const partial_lease&) = delete;
  partial_lease& operator=(const partial_lease&) = delete;

  /** Holds `bytes` from now on (charging or releasing the difference); false
   *  if the budget refuses the growth (then the charge stays as it was). */
  bool set(std::size_t bytes);
  std::size_t held() const { return held_; }

 private:
  partial_budget* budget_ = nullptr;
  std::string address_;
  std::size_t held_ = 0;
};

}  // namespace chat::server::ws
