// The soak's command line: how many connections cycle, for how long, who sends,
// and what "back to baseline" tolerates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace soak {

/** Every knob of one soak. The defaults are issue 14's run: 10,000 connections for 10 minutes. */
struct options {
  std::string server_bin;       ///< the chatroom-server to start (required)
  int connections = 10000;      ///< live connections kept: cyclers + senders + the watcher
  double duration_s = 600;      ///< how long the connections cycle
  int senders = 200;            ///< long-lived senders (the rest of the connections cycle)
  int v1_senders = 20;          ///< of the senders, logged-in v1 clients that reconnect with since=
  double send_interval_s = 100;  ///< each sender sends one message this often (random phase): 2 msg/s room-wide
  double life_min_s = 1, life_max_s = 20;  ///< a cycler lives a uniform random time in [min, max]
  double v1_share = 0.01;       ///< share of the cyclers that join with v=1 (the rest on the seed's path)
  double reset_share = 0.5;     ///< share of closes that are TCP resets rather than clean closes
  int sources = 100;            ///< cyclers' source addresses, 127.1.x.y (the server's caps count per address)
  int server_threads = 0;       ///< the server's --threads; 0: its default (one per core)
  double rss_tolerance_mib = 40;  ///< RSS after may exceed the baseline by this much (docs/security.md)
  double heap_tolerance_mib = 8;  ///< heap in use after may exceed the baseline by this much (docs/security.md)
  double drain_s = 30;          ///< after the last send: time for every message to arrive
  double settle_s = 60;         ///< after closing: time for the server's connections and fds to drop
  std::uint64_t seed = 0;       ///< random seed; 0: from the clock (printed, so a run can be repeated)
};

/** The parsed options, or why the command line was refused. */
struct parse_result {
  std::optional<options> opts;
  std::string error;  ///< empty on success; "help" when --help was asked
};

/** Parses argv (argv[0] is skipped) and checks the bounds. */
parse_result parse_options(int argc, const char* const* argv);

/** The --help text. */
std::string usage();

}  // namespace soak
