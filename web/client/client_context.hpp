// What the parts of chat_client share: the rules' numbers, the commands they
// emit (in order), the HTTP requests in flight with the epoch they belong to,
// and the injected dice. Plain C++, no I/O.
#pragma once

#include "client/client_commands.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chat::web {

/** The rules' numbers, in one place. */
struct client_options {
  std::int64_t backoff_base_ms = 1000;
  std::int64_t backoff_max_ms = 30000;
  std::int64_t flood_backoff_ms = 15000;    ///< least wait after close 4029
  std::int64_t connect_timeout_ms = 10000;  ///< open + welcome must arrive within this
  std::int64_t ack_timeout_ms = 15000;      ///< a sent message must be echoed within this
  std::int64_t notice_ms = 6000;            ///< how long a notice stays up
  std::int64_t logout_timeout_ms = 5000;    ///< the logging-out page waits this long for the server
  std::int64_t history_page = 50;
  std::int64_t gap_page = 200;
  std::string title = "Chat Room";
};

/** Uniform 64-bit random numbers (injected: tests pass fixed dice). */
using random_source = std::function<std::uint64_t()>;

/** The browser's and Node's dice: a 64-bit Mersenne Twister seeded from std::random_device. */
random_source entropy_source();

/** Maps a uniform 64-bit number onto [0, 1) (its top 53 bits, so 1 is never reached). */
constexpr double unit_interval(std::uint64_t r) { return static_cast<double>(r >> 11) * 0x1.0p-53; }

/** The command list, the HTTP requests in flight and the dice, shared by the client's parts. */
class client_context {
 public:
  client_context(random_source random, client_options options);

  const client_options& options() const { return opt_; }

  /** Appends a command for the shell; take_commands() hands them over in order. */
  void emit(command c);
  std::vector<command> take_commands();

  /** Starts an HTTP request, remembered with the current epoch; returns its id. */
  std::uint64_t http(http_kind kind, std::string method, std::string path, std::string body = {},
                     bool keepalive = false);

  /** What an answered request was. */
  struct answered {
    http_kind kind = http_kind::me;
    bool current = true;  ///< sent in this epoch (no login or logout since)
  };
  /** Forgets request `id` and says what it was; nullopt for an id not in flight. */
  std::optional<answered> settle(std::uint64_t id);

  /** A login or logout: answers to requests sent before it are stale. */
  void new_epoch() { ++epoch_; }

  /** One draw of the dice, raw or in [0, 1). */
  std::uint64_t random() { return random_(); }
  double random01() { return unit_interval(random_()); }

 private:
  struct in_flight_request {
    http_kind kind = http_kind::me;
    std::uint64_t epoch = 0;
  };

  random_source random_;
  client_options opt_;
  std::vector<command> commands_;
  std::uint64_t next_http_id_ = 1;
  std::uint64_t epoch_ = 1;
  std::map<std::uint64_t, in_flight_request> in_flight_;
};

}  // namespace chat::web
