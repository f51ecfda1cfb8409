// Command-line parsing for chat-soak and the bounds every run stays within.
#include "soak_options.hpp"

#include "parse_number.hpp"

#include <string_view>

namespace soak {
namespace {

using loadgen::to_double;
using loadgen::to_int;
using loadgen::to_u64;

constexpr int max_connections = 15000;  // under the 20,000 open-file hard limit of this process
constexpr double max_seconds = 3600;

/** "MIN,MAX" seconds. */
bool to_range(std::string_view s, double& lo, double& hi) {
  const auto comma = s.find(',');
  return comma != std::string_view::npos && to_double(s.substr(0, comma), lo) && to_double(s.substr(comma + 1), hi);
}

std::string check(const options& o) {
  if (o.server_bin.empty()) return "--server-bin is required";
  if (o.senders < 1) return "--senders must be at least 1";
  if (o.v1_senders < 0 || o.v1_senders > o.senders) return "--v1-senders must be 0..senders";
  if (o.connections < o.senders + 2 || o.connections > max_connections)
    return "--connections must be senders + 2.." + std::to_string(max_connections);
  if (o.duration_s <= 0 || o.duration_s > max_seconds) return "--duration must be in (0, 3600] seconds";
  if (o.send_interval_s < 0.05) return "--send-interval must be at least 0.05 s";
  if (o.life_min_s < 0.1 || o.life_max_s < o.life_min_s) return "--lifetime must be MIN,MAX with 0.1 <= MIN <= MAX";
  if (o.v1_share < 0 || o.v1_share > 1 || o.reset_share < 0 || o.reset_share > 1) return "shares must be in [0, 1]";
  if (o.sources < 1 || o.sources > 250 * 250) return "--sources must be 1..62500";
  if (o.server_threads < 0) return "--server-threads must not be negative";
  if (o.rss_tolerance_mib < 0 || o.heap_tolerance_mib < 0 || o.drain_s <= 0 || o.settle_s <= 0) return "tolerances and deadlines must be positive";
  return {};
}

}  // namespace

std::string usage() {
  return R"(chat-soak: starts a chatroom-server on a temporary database and a free port of 127.0.0.1, keeps
N connections cycling (each lives a random short time, then closes cleanly or with a TCP reset, and is
replaced) while senders send and a watcher checks every message arrives once and in order; then closes
everything and checks that the server's connections, file descriptors and RSS return to the baseline.

  --server-bin PATH       the chatroom-server to start (required)
  --connections N         live connections: cyclers + senders + 1 watcher                  [10000]
  --duration S            seconds of cycling                                                 [600]
  --senders N             long-lived senders: guests on the seed's path, plus --v1-senders  [200]
  --v1-senders N          of those, logged-in v=1 clients that reconnect with since= and resend [20]
  --send-interval S       each sender sends one message every S seconds                      [100]
  --lifetime MIN,MAX      a cycler's life in seconds, uniform                                 [1,20]
  --v1-share F            share of cyclers joining with v=1                                   [0.01]
  --reset-share F         share of closes that are TCP resets                                 [0.5]
  --sources N             cyclers' source addresses, 127.1.x.y                                [100]
  --server-threads N      the server's --threads (0: its default)                            [0]
  --rss-tolerance-mib M   RSS after may exceed the baseline by M MiB (allocator retention)    [40]
  --heap-tolerance-mib M  heap in use after may exceed the baseline by M MiB (a leak)        [8]
  --drain S               after the last send, seconds for every message to arrive           [30]
  --settle S              after closing, seconds for connections and fds to drop             [60]
  --seed N                random seed (0: from the clock; the summary prints it)             [0]
Exit status: 0 passed, 1 a check failed, 2 the soak could not run.
)";
}

parse_result parse_options(int argc, const char* const* argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return {std::nullopt, "help"};
    if (i + 1 >= argc) return {std::nullopt, std::string(flag) + " needs a value"};
    const std::string_view v = argv[++i];
    bool ok = true;
    if (flag == "--server-bin") o.server_bin = v;
    else if (flag == "--connections") ok = to_int(v, o.connections);
    else if (flag == "--duration") ok = to_double(v, o.duration_s);
    else if (flag == "--senders") ok = to_int(v, o.senders);
    else if (flag == "--v1-senders") ok = to_int(v, o.v1_senders);
    else if (flag == "--send-interval") ok = to_double(v, o.send_interval_s);
    else if (flag == "--lifetime") ok = to_range(v, o.life_min_s, o.life_max_s);
    else if (flag == "--v1-share") ok = to_double(v, o.v1_share);
    else if (flag == "--reset-share") ok = to_double(v, o.reset_share);
    else if (flag == "--sources") ok = to_int(v, o.sources);
    else if (flag == "--server-threads") ok = to_int(v, o.server_threads);
    else if (flag == "--rss-tolerance-mib") ok = to_double(v, o.rss_tolerance_mib);
    else if (flag == "--heap-tolerance-mib") ok = to_double(v, o.heap_tolerance_mib);
    else if (flag == "--drain") ok = to_double(v, o.drain_s);
    else if (flag == "--settle") ok = to_double(v, o.settle_s);
    else if (flag == "--seed") ok = to_u64(v, o.seed);
    else return {std::nullopt, "unknown option " + std::string(flag) + " (see --help)"};
    if (!ok) return {std::nullopt, "bad value for " + std::string(flag) + ": " + std::string(v)};
  }
  if (auto why = check(o); !why.empty()) return {std::nullopt, why};
  return {o, {}};
}

}  // namespace soak
