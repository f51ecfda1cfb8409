// The phases of one soak, on one io_context thread (see soak_run.hpp).
#include "soak_run.hpp"

#include "proc_probe.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

namespace soak {
namespace {

namespace asio = boost::asio;
using std::chrono::duration;

double since(steady::time_point t) { return duration<double>(steady::now() - t).count(); }

class soak_state {
 public:
  soak_state(const options& o, unsigned short port, int server_pid, std::vector<std::string> tokens,
             std::string watcher_token, std::uint64_t seed)
      : o_(o), pid_(server_pid), rng_(seed), fleet_(io_), cyclers_(io_, fleet_, o, port, rng_),
        senders_(io_, fleet_, o, port, rng_, std::move(tokens), std::move(watcher_token)) {}

  run_result go() {
    begin_ = steady::now();
    senders_.start();
    // The watcher and the senders join first (60 s at most), then the cyclers ramp up.
    poll_until([this] { return senders_.all_joined(); }, 60,
               [this] {
                 cycling_from_ = steady::now();
                 cyclers_.start(256);
                 tick();
               },
               [this] {
                 r_.error = "the watcher and senders did not all join within 60 s";
                 finish();
               });
    io_.run();
    r_.opened = fleet_.opened();
    r_.frames = fleet_.frames();
    r_.live_peak = fleet_.peak_live();
    r_.cyclers = cyclers_.counts();
    r_.senders = senders_.counts();
    const auto& w = senders_.watcher();
    r_.watcher_messages = w.messages();
    r_.watcher_repeats = w.repeats();
    r_.watcher_gaps = w.gaps();
    r_.watcher_reorders = w.reorders();
    r_.missing_at_watcher = senders_.missing_at_watcher();
    r_.unacknowledged = senders_.unacknowledged();
    return r_;
  }

 private:
  /** Checks `ready` every 100 ms; runs `then` once it holds, or `timeout` after `deadline_s`. */
  void poll_until(std::function<bool()> ready, double deadline_s, std::function<void()> then, std::function<void()> timeout) {
    const auto until = steady::now() + std::chrono::duration_cast<steady::duration>(duration<double>(deadline_s));
    poll_step(std::move(ready), until, std::move(then), std::move(timeout));
  }

  void poll_step(std::function<bool()> ready, steady::time_point until, std::function<void()> then,
                 std::function<void()> timeout) {
    if (ready()) return then();
    if (steady::now() >= until) return timeout();
    auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
    t->async_wait([this, t, ready = std::move(ready), until, then = std::move(then), timeout = std::move(timeout)](
                      boost::system::error_code ec) mutable {
      if (!ec) poll_step(std::move(ready), until, std::move(then), std::move(timeout));
    });
  }

  /** Once a second: the server's RSS and fds, the live count; the end of cycling when it is time. */
  void tick() {
    if (ended_) return;
    const auto mem = loadgen::process_memory(pid_);
    const auto fds = loadgen::open_fds(pid_);
    if (!mem || !fds) {
      r_.error = "the server process went away during the soak";
      return finish();
    }
    r_.rss_peak_kib = std::max(r_.rss_peak_kib, mem->rss_kib);
    r_.fds_peak = std::max(r_.fds_peak, *fds);
    const int live = fleet_.live();
    if (r_.ramp_s == 0 && live >= o_.connections) r_.ramp_s = since(cycling_from_);
    if (r_.ramp_s > 0) {
      r_.live_min = samples_ == 0 ? live : std::min(r_.live_min, live);
      live_sum_ += live;
      r_.live_mean = static_cast<double>(live_sum_) / static_cast<double>(++samples_);
    }
    const double elapsed = since(cycling_from_);
    if (static_cast<long>(elapsed) / 10 != last_report_) {
      last_report_ = static_cast<long>(elapsed) / 10;
      std::fprintf(stderr, "chat-soak: %4.0f s live %d connecting %d opened %llu server cpu %.1f s sent %llu watcher %llu rss %lld KiB fds %d\n",
                   elapsed, live, fleet_.pending(), static_cast<unsigned long long>(fleet_.opened()),
                   loadgen::process_cpu_seconds(pid_).value_or(0), static_cast<unsigned long long>(senders_.counts().sent),
                   static_cast<unsigned long long>(senders_.watcher().messages()), static_cast<long long>(mem->rss_kib), *fds);
    }
    if (elapsed >= o_.duration_s) return end_cycling();
    auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::seconds(1));
    t->async_wait([this, t](boost::system::error_code ec) {
      if (!ec) tick();
    });
  }

  void end_cycling() {
    ended_ = true;
    if (r_.ramp_s == 0) r_.error = "the live count never reached " + std::to_string(o_.connections);
    cyclers_.stop();
    senders_.stop_sending();
    // Closes everything either way: the server must come back to its baseline after a failed drain too.
    poll_until([this] { return senders_.drained(); }, o_.drain_s,
               [this] {
                 r_.drained = true;
                 close_everything();
               },
               [this] { close_everything(); });
  }

  void close_everything() {
    senders_.close_all();
    poll_until([this] { return fleet_.unclosed() == 0; }, 15, [this] { finish(); }, [this] { finish(); });
  }

  void finish() {
    ended_ = true;
    fleet_.abort_all();
    io_.stop();
  }

  const options& o_;
  int pid_;
  asio::io_context io_{1};
  std::mt19937_64 rng_;
  fleet fleet_;
  cyclers cyclers_;
  senders senders_;
  run_result r_;
  steady::time_point begin_, cycling_from_;
  long long live_sum_ = 0;
  long samples_ = 0, last_report_ = -1;
  bool ended_ = false;
};

}  // namespace

run_result run_soak(const options& o, unsigned short port, int server_pid, std::vector<std::string> tokens,
                    std::string watcher_token, std::uint64_t seed) {
  soak_state s(o, port, server_pid, std::move(tokens), std::move(watcher_token), seed);
  return s.go();
}

}  // namespace soak
