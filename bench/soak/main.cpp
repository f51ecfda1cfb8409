// chat-soak: starts a real chatroom-server, measures its baseline, runs the soak
// (soak_run.hpp), checks that it comes back to the baseline, prints one summary
// line and exits 0 (passed), 1 (a check failed) or 2 (it could not run).
#include "ledger.hpp"
#include "proc_probe.hpp"
#include "server_process.hpp"
#include "soak_options.hpp"
#include "soak_run.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

/** Calls `done` every 100 ms until it returns true or `deadline_s` passed; returns whether it did. */
bool poll(double deadline_s, const std::function<bool()>& done) {
  const auto until = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(deadline_s));
  while (!done()) {
    if (clock_type::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

std::string metrics(unsigned short port) { return soak::http_call(port, "GET", "/metrics", "", 10).body; }

/** WebSockets and HTTP connections open on the server, not counting the scrape asking. */
std::optional<double> open_connections(unsigned short port) {
  const auto v = soak::metric_sum(metrics(port), "chatroom_connections_open");
  if (!v) return std::nullopt;
  return *v - 1;
}

/** The server's fd count once it holds still for 3 samples in a row (connections it closes a moment late). */
std::optional<int> settled_fds(int pid, double deadline_s) {
  std::optional<int> last;
  int same = 0;
  poll(deadline_s, [&] {
    const auto now = loadgen::open_fds(pid);
    same = now && last && *now == *last ? same + 1 : 0;
    last = now;
    return !now || same >= 2;
  });
  return last;
}

/** TcpExt ListenOverflows from /proc/net/netstat (this network namespace): connections the kernel dropped
 *  because a listener's accept queue was full; -1 if unreadable. */
long long listen_overflows() {
  std::ifstream in("/proc/net/netstat");
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    if (names.rfind("TcpExt:", 0) != 0) continue;
    std::istringstream n(names), v(values);
    std::string name, value;
    while (n >> name && v >> value)
      if (name == "ListenOverflows") return std::stoll(value);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = soak::parse_options(argc, argv);
  if (!parsed.opts) {
    if (parsed.error == "help") return std::fputs(soak::usage().c_str(), stdout), 0;
    std::fprintf(stderr, "chat-soak: %s\n", parsed.error.c_str());
    return 2;
  }
  const auto& o = *parsed.opts;
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;  // the server inherits it too
  setrlimit(RLIMIT_NOFILE, &lim);
  if (static_cast<long>(lim.rlim_cur) < o.connections + 256) {
    std::fprintf(stderr, "chat-soak: %d connections need an open-file limit above %ld\n", o.connections, static_cast<long>(lim.rlim_cur));
    return 2;
  }
  const std::uint64_t seed = o.seed ? o.seed : static_cast<std::uint64_t>(clock_type::now().time_since_epoch().count());

  soak::server_process server;
  std::vector<std::string> args{"--guest-mode"};
  if (o.server_threads > 0) args.insert(args.end(), {"--threads", std::to_string(o.server_threads)});
  if (auto why = server.start(o.server_bin, args, 60); !why.empty()) {
    std::fprintf(stderr, "chat-soak: %s\n", why.c_str());
    return 2;
  }
  const int pid = server.pid();
  const auto port = server.port();

  // Tokens (the sample logins): user1 watches; the other seven are shared by the v1 senders.
  std::string error;
  const auto watcher_token = soak::login_token(port, "user1", error);
  std::vector<std::string> tokens;
  for (const char* user : {"user2", "user3", "sofia", "kenji", "lena", "priya", "omar"}) {
    if (!watcher_token || static_cast<int>(tokens.size()) >= std::max(1, o.v1_senders)) break;
    if (auto t = soak::login_token(port, user, error)) tokens.push_back(*t);
  }
  if (!watcher_token || !error.empty()) {
    std::fprintf(stderr, "chat-soak: %s\n", error.c_str());
    return 2;
  }

  // The baseline: no connection open but the scrape's own, fds holding still.
  if (!poll(30, [&] { return open_connections(port).value_or(1) <= 0; })) {
    std::fprintf(stderr, "chat-soak: the server's connections did not drop to 0 before the soak\n");
    return 2;
  }
  const auto fds_base = settled_fds(pid, 10);
  const auto mem_base = loadgen::process_memory(pid);
  const auto heap_base = soak::metric_sum(metrics(port), "chatroom_heap_in_use_bytes");
  if (!fds_base || !mem_base) return std::fputs("chat-soak: cannot read the server's /proc\n", stderr), 2;
  if (!heap_base) return std::fputs("chat-soak: the server's /metrics has no chatroom_heap_in_use_bytes\n", stderr), 2;
  std::fprintf(stderr, "chat-soak: server pid %d port %u; baseline rss %lld KiB fds %d; seed %llu\n", pid, port,
               static_cast<long long>(mem_base->rss_kib), *fds_base, static_cast<unsigned long long>(seed));

  const long long overflows_before = listen_overflows();
  const auto r = soak::run_soak(o, port, pid, tokens, *watcher_token, seed);

  // After: the server's connections drop to 0, its fds to the baseline, its RSS within the tolerance.
  const auto closed_from = clock_type::now();
  const bool zero = poll(o.settle_s, [&] { return open_connections(port).value_or(1) <= 0; });
  const double zero_s = std::chrono::duration<double>(clock_type::now() - closed_from).count();
  int fds_after = -1;
  poll(o.settle_s, [&] {
    fds_after = loadgen::open_fds(pid).value_or(-1);
    return fds_after == *fds_base || fds_after < 0;
  });
  const std::int64_t tolerance_kib = static_cast<std::int64_t>(o.rss_tolerance_mib * 1024);
  std::int64_t rss_after = -1, hwm = 0;
  poll(o.settle_s, [&] {  // the server trims at its next periodic check (every 5 s) after the drop
    const auto m = loadgen::process_memory(pid);
    rss_after = m ? m->rss_kib : -1;
    hwm = m ? m->hwm_kib : 0;
    return rss_after <= mem_base->rss_kib + tolerance_kib;
  });
  const double heap_tolerance = o.heap_tolerance_mib * 1024 * 1024;
  double heap_after = -1;
  poll(o.settle_s, [&] {
    heap_after = soak::metric_sum(metrics(port), "chatroom_heap_in_use_bytes").value_or(-1);
    return heap_after >= 0 && heap_after <= *heap_base + heap_tolerance;
  });
  const auto text = metrics(port);
  const auto closes = [&](const char* code) { return soak::metric_sum(text, "chatroom_ws_server_closes_total", code).value_or(0); };
  const double bad_closes = closes("code=\"1011\"") + closes("code=\"1013\"") + closes("code=\"4029\"") +
                            closes("code=\"1002\"") + closes("code=\"1003\"") + closes("code=\"1007\"") + closes("code=\"1009\"") +
                            closes("code=\"4401\"") + closes("code=\"other\"");
  const int exit_status = server.stop(15);

  std::vector<std::string> failures;
  const auto expect = [&](bool ok, std::string what) {
    if (!ok) failures.push_back(std::move(what));
  };
  expect(r.error.empty(), r.error);
  expect(r.drained, "not every message arrived within --drain");
  expect(r.unacknowledged == 0, std::to_string(r.unacknowledged) + " messages never acknowledged to their sender");
  expect(r.missing_at_watcher == 0, std::to_string(r.missing_at_watcher) + " acknowledged messages the watcher never got");
  expect(r.watcher_repeats + r.watcher_gaps + r.watcher_reorders == 0, "the watcher saw repeats, gaps or reorders");
  expect(r.senders.view_repeats + r.senders.view_gaps + r.senders.view_reorders == 0, "a v1 sender's resume repeated or skipped messages");
  expect(r.senders.own_out_of_order == 0, "a sender's own echoes came out of order");
  expect(!r.senders.watcher_dropped, "the watcher was dropped");
  expect(r.live_mean >= 0.8 * o.connections, "the live count averaged under 80 % of --connections");
  expect(r.cyclers.dropped + r.cyclers.refused + r.senders.dropped + r.senders.refused == 0, "honest clients were dropped or refused");
  expect(r.senders.error_events == 0, "senders got error events");
  expect(bad_closes == 0, "the server closed sockets with 1011/1013/4029/1002/1003/1007/1009/4401 (" + std::to_string(bad_closes) + ")");
  expect(zero, "the server's connections did not drop to 0 within --settle");
  expect(fds_after == *fds_base, "fds after " + std::to_string(fds_after) + " != baseline " + std::to_string(*fds_base));
  expect(rss_after >= 0 && rss_after <= mem_base->rss_kib + tolerance_kib, "RSS after is over baseline + the tolerance");
  expect(heap_after >= 0 && heap_after <= *heap_base + heap_tolerance, "heap in use after is over baseline + the tolerance");
  expect(exit_status == 0, "the server did not exit 0 on SIGTERM (" + std::to_string(exit_status) + ")");

  std::printf("soak: %s connections=%d duration=%gs opened=%llu (cyclers: clean %llu reset %llu v1 %llu) live mean/min/peak=%.0f/%d/%d "
              "ramp=%.1fs messages sent=%llu acked=%llu watcher=%llu resent=%llu v1-reconnects=%llu skipped=%llu frames=%llu "
              "rss_kib baseline/peak/after=%lld/%lld/%lld (hwm %lld, tolerance %lld) heap_kib baseline/after=%.0f/%.0f "
              "(tolerance %.0f) fds baseline/peak/after=%d/%d/%d "
              "connections-to-zero=%.1fs refused=%llu dropped=%llu listen-overflows=%lld seed=%llu\n",
              failures.empty() ? "PASS" : "FAIL", o.connections, o.duration_s, static_cast<unsigned long long>(r.opened),
              static_cast<unsigned long long>(r.cyclers.closes_clean), static_cast<unsigned long long>(r.cyclers.closes_reset),
              static_cast<unsigned long long>(r.cyclers.v1_joins), r.live_mean, r.live_min, r.live_peak, r.ramp_s,
              static_cast<unsigned long long>(r.senders.sent), static_cast<unsigned long long>(r.senders.acked),
              static_cast<unsigned long long>(r.watcher_messages), static_cast<unsigned long long>(r.senders.resent),
              static_cast<unsigned long long>(r.senders.reconnects), static_cast<unsigned long long>(r.senders.skipped),
              static_cast<unsigned long long>(r.frames), static_cast<long long>(mem_base->rss_kib),
              static_cast<long long>(r.rss_peak_kib), static_cast<long long>(rss_after), static_cast<long long>(hwm),
              static_cast<long long>(tolerance_kib), *heap_base / 1024, heap_after / 1024, heap_tolerance / 1024, *fds_base, r.fds_peak, fds_after, zero_s,
              static_cast<unsigned long long>(r.cyclers.refused + r.senders.refused),
              static_cast<unsigned long long>(r.cyclers.dropped + r.senders.dropped), listen_overflows() - overflows_before,
              static_cast<unsigned long long>(seed));
  for (const auto& f : failures) std::printf("soak: FAILED: %s\n", f.c_str());
  if (!failures.empty()) std::fputs(server.log_tail(10).c_str(), stdout);
  std::fflush(stdout);
  return failures.empty() ? 0 : 1;
}
