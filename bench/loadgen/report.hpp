// The outcome of one run and how it is printed (text for people, one JSON
// line for bench/run).
#pragma once

#include "stats.hpp"

#include <cstdint>
#include <string>

namespace loadgen {

/** Everything one run measured. Times in seconds unless named otherwise. */
struct result {
  std::string label, target, mode;
  int clients = 0, senders = 0, messages = 0, window = 0;
  double rate = 0;
  std::size_t payload = 0;

  int connections = 0;          ///< handshakes (and, for chat, welcomes) completed
  int connect_failures = 0;
  int disconnects = 0;          ///< connections the server closed during the run
  double connect_s = 0;         ///< time to open all connections
  double server_cpu_connect_s = 0;          ///< server CPU from the start until every connection was open
  double server_cpu_us_per_connection = 0;  ///< ... per connection opened

  std::uint64_t sent = 0, expected = 0, delivered = 0, lost = 0, duplicated = 0, out_of_order = 0;
  std::uint64_t foreign = 0;        ///< message frames that were not this run's
  std::uint64_t server_errors = 0;  ///< error frames (chat)
  std::uint64_t id_regressions = 0; ///< chat: a client saw a server id not above the previous one
  double duration_s = 0;            ///< first send to last delivery
  double delivered_per_s = 0;

  bool have_server = false;         ///< the /proc figures below are valid
  double server_cpu_s = 0;          ///< during the send phase
  double server_cpu_us_per_delivery = 0;
  double deliveries_per_server_cpu_s = 0;
  std::int64_t server_rss_before_kib = 0, server_rss_connected_kib = 0, server_peak_rss_kib = 0;
  double rss_per_connection_bytes = 0;

  percentiles latency, steady;      ///< nanoseconds
  double gen_cpu_s = 0;             ///< the generator's own CPU during the whole run
  double gen_cpu_send_s = 0;        ///< the generator's own CPU from the first send to the end of the send phase

  int logins = 0, login_failures = 0;
  double logins_per_s = 0;
  percentiles login_latency;        ///< nanoseconds

  std::string error;                ///< why the run stopped early, if it did
  bool fatal = false;               ///< the workload could not run at all (no server, login refused, no connection)
  bool timed_out = false;

  /** True when every connection opened and every expected delivery arrived exactly once, in order. */
  bool clean() const;
};

/** Human-readable report. */
std::string to_text(const result& r);
/** One JSON object on one line. */
std::string to_json_line(const result& r);

}  // namespace loadgen
