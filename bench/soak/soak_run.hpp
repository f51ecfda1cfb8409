// One soak against a running server: the watcher and senders join, the cyclers
// ramp up to the connection count and cycle for the duration while the server's
// RSS and fds are sampled each second, then sending stops, every message drains
// and every connection closes.
#pragma once

#include "cyclers.hpp"
#include "senders.hpp"
#include "soak_options.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace soak {

/** What the run saw, for the summary and the verdict. */
struct run_result {
  double ramp_s = 0;                  ///< until the live count first reached the target
  int live_peak = 0, live_min = 0;    ///< after the ramp, until the end of cycling
  double live_mean = 0;
  std::int64_t rss_peak_kib = 0;      ///< highest VmRSS sampled
  int fds_peak = 0;
  std::uint64_t opened = 0, frames = 0;
  cycler_counts cyclers;
  sender_counts senders;
  std::uint64_t watcher_messages = 0, watcher_repeats = 0, watcher_gaps = 0, watcher_reorders = 0;
  std::uint64_t missing_at_watcher = 0, unacknowledged = 0;
  bool drained = false;
  std::string error;  ///< why the run could not go on (the server died, the watcher never joined, …)
};

/** Runs the soak against 127.0.0.1:`port` (process `server_pid`). `tokens` are for the v1 senders. */
run_result run_soak(const options& o, unsigned short port, int server_pid, std::vector<std::string> tokens,
                    std::string watcher_token, std::uint64_t seed);

}  // namespace soak
