// Caps on WebSocket connections, checked before the upgrade: how fast one
// client address may open them (a token bucket per address, IPv6 per /64),
// and how many one user and one address may hold open at once. The address is
// the client's (http/client_address: behind a --trusted-proxy, the forwarded
// one). Refusals are HTTP 429 answers (docs/protocol.md). No sockets, no Beast.
#pragma once

#include "http/http_types.hpp"
#include "room/rate_limiter.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chat::server {

/** The caps; 0 turns one off. */
struct connection_limits {
  std::size_t per_user = 0;         ///< open sockets of one user (all tabs and devices)
  std::size_t per_address = 0;      ///< open sockets from one client address (IPv6: /64)
  double attempts_per_second = 0;   ///< upgrade attempts per address, refilled
  double attempt_burst = 1;         ///< ... and at once
};

/** Counts open connections per user and per address group; thread-safe. Outlives the holds it gives. */
class connection_caps {
 public:
  using clock = rate_limiter::clock;
  explicit connection_caps(connection_limits limits);
  connection_caps(const connection_caps&) = delete;
  connection_caps& operator=(const connection_caps&) = delete;

  /** Takes an upgrade attempt from `address`'s bucket: nullopt if allowed,
   *  else 429 `connecting_too_fast` with Retry-After. Called before any other
   *  work on the upgrade (the session lookup), so a flood costs the server little. */
  std::optional<http_response> refuse_attempt(std::string_view address, clock::time_point now);

  /** A connection counted against its user and address while the holder keeps it. */
  using hold = std::shared_ptr<const void>;
  /** Counts a connection of `user` from `address`: the hold, or the 429
   *  refusal (`too_many_address_connections`, `too_many_user_connections`). */
  struct verdict {
    hold held;
    std::optional<http_response> refusal;
  };
  verdict take(const std::string& user, std::string_view address);

  /** Open connections counted for `user`, and for `address`'s group. */
  std::size_t of_user(const std::string& user) const;
  std::size_t of_address(std::string_view address) const;

 private:
  struct slot;
  void release(const std::string& user, const std::string& group);

  const connection_limits limits_;
  rate_limiter attempts_;  ///< keyed by address group
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::size_t> users_;
  std::unordered_map<std::string, std::size_t> addresses_;
};

}  // namespace chat::server
