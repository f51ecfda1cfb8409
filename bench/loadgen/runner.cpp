// The phases of a run, driven by one io_context on one thread (see runner.hpp).
#include "runner.hpp"

#include "login.hpp"
#include "payload.hpp"
#include "proc_probe.hpp"
#include "stats.hpp"
#include "ws_client.hpp"

#include <chat/protocol.hpp>

#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace loadgen {
namespace {

namespace asio = boost::asio;
using std::chrono::duration;
using std::chrono::duration_cast;
using std::chrono::nanoseconds;

std::int64_t to_ns(steady::time_point t) { return duration_cast<nanoseconds>(t.time_since_epoch()).count(); }
double seconds(steady::duration d) { return duration<double>(d).count(); }
steady::duration from_seconds(double s) { return duration_cast<steady::duration>(duration<double>(s)); }

/** Per connection: how far it got. */
struct client_state {
  bool opened = false;  ///< handshake done
  bool ready = false;   ///< may receive: handshake (plain) or welcome (chat) seen
  bool resolved = false;  ///< ready or failed: it no longer counts as a pending connect
  bool closed = false;
};

/** Per sender: messages queued, written and acknowledged (seen echoed back). */
struct sender_state {
  int queued = 0, written = 0, acked = 0;
  std::unique_ptr<asio::steady_timer> timer;  ///< fixed-rate mode
};

class run_state final : public client_events {
 public:
  explicit run_state(const options& o) : o_(o), deadline_(io_), phase_timer_(io_), progress_timer_(io_) {
    r_.label = o.label;
    r_.target = o.target == target_kind::chat ? "chat" : "plain";
    r_.mode = o.mode == run_mode::fanout ? "fanout" : o.mode == run_mode::idle ? "idle" : "login";
    r_.clients = o.clients;
    r_.senders = o.mode == run_mode::fanout ? o.senders : 0;
    r_.messages = o.mode == run_mode::fanout ? o.messages : 0;
    r_.window = o.window;
    r_.rate = o.rate;
    r_.payload = o.payload;
    speaks_v1_ = websocket_path(o).find("v=1") != std::string::npos;
    run_id_ = std::to_string(getpid()) + "x" + std::to_string(to_ns(steady::now()) % 1000000007);
  }

  result go() {
    const double gen_cpu_start = own_cpu_seconds();
    if (o_.server_pid > 0) {
      if (const auto s = sample_process(o_.server_pid)) {
        r_.have_server = true;
        r_.server_rss_before_kib = s->rss_kib;
        cpu_start_ = s->cpu_s;
      } else {
        r_.error = "no process " + std::to_string(o_.server_pid) + " to measure";
        r_.fatal = true;
        return r_;
      }
    }
    deadline_.expires_after(from_seconds(o_.timeout_s));
    deadline_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      r_.timed_out = true;
      if (r_.error.empty()) r_.error = "timed out after " + std::to_string(o_.timeout_s) + " s (" + phase_ + ")";
      if (phase_ == "send") end_send_phase();
      else shutdown();
    });
    if (o_.mode == run_mode::login) start_login_bench();
    else if (o_.target == target_kind::chat && !o_.guests) start_token_logins();
    else start_connecting();
    io_.run();
    r_.gen_cpu_s = own_cpu_seconds() - gen_cpu_start;
    return r_;
  }

  // ------------------------------------------------------------ logins
 private:
  std::string password_of(const std::string& user) const { return o_.password.empty() ? user : o_.password; }

  /** Splits `all` over at most `workers` login workers and runs them; `done` runs after the last. */
  void run_logins(std::vector<credentials> all, int workers, std::function<void(const login_outcome&)> each,
                  std::function<void()> done) {
    workers = std::max(1, std::min<int>(workers, static_cast<int>(all.size())));
    std::vector<std::vector<credentials>> parts(static_cast<std::size_t>(workers));
    for (std::size_t i = 0; i < all.size(); ++i) parts[i % parts.size()].push_back(std::move(all[i]));
    logins_pending_ = workers;
    for (auto& part : parts) {
      login_worker::make(io_, o_.host, o_.port, std::move(part), each, [this, done] {
        if (--logins_pending_ == 0) done();
      })->start();
    }
  }

  void start_token_logins() {
    phase_ = "login";
    const auto distinct = std::min<std::size_t>(o_.users.size(), static_cast<std::size_t>(o_.clients));
    std::vector<credentials> creds;
    for (std::size_t i = 0; i < distinct; ++i) creds.push_back({o_.users[i], password_of(o_.users[i])});
    run_logins(std::move(creds), 8,
               [this](const login_outcome& out) {
                 if (out.ok) tokens_[out.username] = out.token;
                 else if (r_.error.empty()) r_.error = "login as " + out.username + " failed: " + out.error;
               },
               [this] {
                 if (!r_.error.empty()) {
                   r_.fatal = true;
                   return shutdown();
                 }
                 start_connecting();
               });
  }

  void start_login_bench() {
    phase_ = "login";
    std::vector<credentials> creds;
    for (int i = 0; i < o_.logins; ++i) {
      const auto& u = o_.users[static_cast<std::size_t>(i) % o_.users.size()];
      creds.push_back({u, password_of(u)});
    }
    const auto begin = steady::now();
    login_latency_.reserve(static_cast<std::size_t>(o_.logins));
    run_logins(std::move(creds), o_.login_concurrency,
               [this](const login_outcome& out) {
                 ++r_.logins;
                 if (!out.ok) {
                   if (r_.login_failures++ < 3) std::fprintf(stderr, "login as %s failed: %s\n", out.username.c_str(), out.error.c_str());
                   return;
                 }
                 login_latency_.add(out.latency_ns);
               },
               [this, begin] {
                 const double wall = seconds(steady::now() - begin);
                 r_.logins_per_s = wall > 0 ? static_cast<double>(r_.logins - r_.login_failures) / wall : 0;
                 r_.duration_s = wall;
                 r_.login_latency = login_latency_.summarize();
                 sample_server_end();
                 shutdown();
               });
  }

  // ------------------------------------------------------------ connecting
  void start_connecting() {
    phase_ = "connect";
    // The baseline for RSS per connection: after the logins (their hashing memory is freed by now).
    if (r_.have_server)
      if (const auto m = process_memory(o_.server_pid)) r_.server_rss_before_kib = m->rss_kib;
    connect_begin_ = steady::now();
    states_.resize(static_cast<std::size_t>(o_.clients));
    clients_.resize(static_cast<std::size_t>(o_.clients));
    for (int i = 0; i < o_.clients && i < o_.connect_concurrency; ++i) start_client();
  }

  void start_client() {
    const int i = next_client_++;
    client_target t;
    t.host = o_.host;
    t.port = o_.port;
    t.path = websocket_path(o_);
    if (o_.guests) {
      t.path += (t.path.find('?') == std::string::npos ? "?username=g" : "&username=g") + std::to_string(i);
    } else if (o_.target == target_kind::chat) {
      t.bearer = tokens_[o_.users[static_cast<std::size_t>(i) % o_.users.size()]];
    }
    if (o_.sources > 1) {
      const int a = i % o_.sources;
      t.source = "127.1." + std::to_string(a / 250) + "." + std::to_string(1 + a % 250);
    }
    clients_[static_cast<std::size_t>(i)] = ws_client::make(io_, t, i, *this);
    clients_[static_cast<std::size_t>(i)]->start();
  }

  void mark_ready(int i) {
    auto& s = states_[static_cast<std::size_t>(i)];
    if (s.ready || s.closed) return;
    s.ready = true;
    ++r_.connections;
    resolve(i);
  }

  /** A connection stopped being pending (ready or failed): start the next one, or move on. */
  void resolve(int i) {
    auto& s = states_[static_cast<std::size_t>(i)];
    if (s.resolved) return;
    s.resolved = true;
    ++resolved_;
    if (phase_ != "connect") return;
    if (next_client_ < o_.clients) return start_client();
    if (resolved_ == o_.clients) connected();
  }

  void connected() {
    r_.connect_s = seconds(steady::now() - connect_begin_);
    if (r_.have_server && r_.connections > 0) {
      if (const auto s = sample_process(o_.server_pid)) {
        r_.server_cpu_connect_s = s->cpu_s - cpu_start_;
        r_.server_cpu_us_per_connection = r_.server_cpu_connect_s * 1e6 / r_.connections;
      }
    }
    if (r_.connections == 0) {
      r_.error = "no connection opened";
      r_.fatal = true;
      return shutdown();
    }
    phase_ = "hold";
    // Let the server settle (and, in idle mode, hold the connections) before sampling its memory.
    const double settle = o_.mode == run_mode::idle ? std::max(0.2, o_.hold_s) : 0.2;
    phase_timer_.expires_after(from_seconds(settle));
    phase_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      sample_server_connected();
      if (o_.mode == run_mode::idle) {
        sample_server_end();
        return shutdown();
      }
      start_sending();
    });
  }

  // ------------------------------------------------------------ sending
  void start_sending() {
    phase_ = "send";
    receivers_ = r_.connections;
    tracker_.emplace(o_.clients, o_.senders, o_.messages);
    latency_.reserve(static_cast<std::size_t>(o_.senders) * static_cast<std::size_t>(o_.messages) * static_cast<std::size_t>(receivers_));
    senders_.resize(static_cast<std::size_t>(o_.senders));
    if (const auto s = o_.server_pid > 0 ? sample_process(o_.server_pid) : std::nullopt) cpu_start_ = s->cpu_s;
    gen_cpu_t0_ = own_cpu_seconds();
    t0_ = steady::now();
    last_delivery_ = t0_;
    for (int s = 0; s < o_.senders; ++s) {
      if (!states_[static_cast<std::size_t>(s)].ready) continue;  // a sender that never connected sends nothing
      if (o_.rate > 0) {
        auto& st = senders_[static_cast<std::size_t>(s)];
        st.timer = std::make_unique<asio::steady_timer>(io_);
        schedule(s);
      } else {
        pump(s);
      }
    }
    watch_progress();
  }

  /** Fixed rate: message k of sender s is due at t0 + (s / senders + k) / rate. */
  void schedule(int s) {
    auto& st = senders_[static_cast<std::size_t>(s)];
    if (st.queued >= o_.messages || phase_ != "send") return;
    const double at = (static_cast<double>(s) / o_.senders + st.queued) / o_.rate;
    const auto due = t0_ + from_seconds(at);
    st.timer->expires_at(due);
    st.timer->async_wait([this, s, due](boost::system::error_code ec) {
      if (ec) return;
      send_one(s, due);  // stamped with the due time: a late timer shows as latency
      schedule(s);
    });
  }

  /** Windowed: keep `window` messages unacknowledged. */
  void pump(int s) {
    auto& st = senders_[static_cast<std::size_t>(s)];
    while (phase_ == "send" && st.queued < o_.messages && st.queued - st.acked < o_.window) send_one(s, steady::now());
  }

  void send_one(int s, steady::time_point stamp_time) {
    auto& st = senders_[static_cast<std::size_t>(s)];
    const stamp sp{s, st.queued, to_ns(stamp_time)};
    std::string body = make_body(sp, o_.payload);
    if (o_.target == target_kind::chat) {
      chat::send_request f;
      f.message = std::move(body);
      f.client_id = make_client_id(run_id_, s, sp.seq);
      clients_[static_cast<std::size_t>(s)]->send(chat::encode(f));
    } else {
      clients_[static_cast<std::size_t>(s)]->send(std::move(body));
    }
    ++st.queued;
    ++activity_;
    ++total_queued_;
  }

  bool all_queued() const {
    for (int s = 0; s < o_.senders; ++s)
      if (states_[static_cast<std::size_t>(s)].ready && senders_[static_cast<std::size_t>(s)].queued < o_.messages) return false;
    return true;
  }

  /** Ends the send phase when nothing moved for `drain` seconds (lost or stalled deliveries). */
  void watch_progress() {
    progress_timer_.expires_after(from_seconds(std::max(0.5, o_.drain_s)));
    progress_timer_.async_wait([this, seen = activity_](boost::system::error_code ec) {
      if (ec || phase_ != "send") return;
      // At a fixed rate the timers keep sending whatever arrives, so only the drain after the last send counts.
      if (activity_ == seen && (o_.rate == 0 || all_queued())) {
        if (!all_queued() && r_.error.empty()) {
          char why[96];
          std::snprintf(why, sizeof why, "stalled: nothing arrived for %g s with messages left to send", std::max(0.5, o_.drain_s));
          r_.error = why;
        }
        return end_send_phase();
      }
      watch_progress();
    });
  }

  void check_complete() {
    if (phase_ != "send" || !all_queued()) return;
    if (tracker_->delivered() >= static_cast<std::uint64_t>(total_queued_) * static_cast<std::uint64_t>(receivers_))
      end_send_phase();
  }

  void end_send_phase() {
    if (phase_ != "send") return;
    phase_ = "closing";
    sample_server_end();
    r_.gen_cpu_send_s = own_cpu_seconds() - gen_cpu_t0_;
    for (auto& st : senders_)
      if (st.timer) st.timer->cancel();
    progress_timer_.cancel();
    for (const auto& st : senders_) r_.sent += static_cast<std::uint64_t>(st.written);
    r_.expected = r_.sent * static_cast<std::uint64_t>(receivers_);
    r_.delivered = tracker_->delivered();
    r_.lost = r_.expected > r_.delivered ? r_.expected - r_.delivered : 0;
    r_.duplicated = tracker_->duplicated();
    r_.out_of_order = tracker_->out_of_order();
    r_.id_regressions = tracker_->id_regressions();
    r_.foreign += tracker_->unknown();
    r_.duration_s = seconds(last_delivery_ - t0_);
    r_.delivered_per_s = r_.duration_s > 0 ? static_cast<double>(r_.delivered) / r_.duration_s : 0;
    if (r_.have_server && r_.server_cpu_s > 0) {
      r_.server_cpu_us_per_delivery = r_.delivered ? r_.server_cpu_s * 1e6 / static_cast<double>(r_.delivered) : 0;
      r_.deliveries_per_server_cpu_s = static_cast<double>(r_.delivered) / r_.server_cpu_s;
    }
    r_.latency = latency_.summarize();
    r_.steady = steady_latency_.summarize();
    shutdown();
  }

  // ------------------------------------------------------------ events
 public:
  void on_open(int i) override {
    states_[static_cast<std::size_t>(i)].opened = true;
    // The seed's path (no v=1) has no welcome: the 101 is the join.
    if (o_.target == target_kind::plain || !speaks_v1_) mark_ready(i);
  }

  void on_text(int i, std::string_view frame, steady::time_point at) override {
    if (o_.target == target_kind::plain) {
      if (const auto sp = read_body(frame)) return on_message(i, *sp, at);
      ++r_.foreign;
      return;
    }
    auto decoded = chat::decode_server(frame);
    if (!decoded) {
      ++r_.foreign;
      return;
    }
    auto& f = decoded.value();
    if (const auto* m = std::get_if<chat::chat_message>(&f)) {
      const auto sp = read_body(m->message);
      if (!sp) {
        ++r_.foreign;
        return;
      }
      if (tracker_) tracker_->record_server_id(i, m->id);
      return on_message(i, *sp, at);
    }
    if (std::holds_alternative<chat::welcome_event>(f)) return mark_ready(i);
    if (const auto* e = std::get_if<chat::error_event>(&f)) {
      if (r_.server_errors++ < 3) std::fprintf(stderr, "client %d got error %s: %s\n", i, e->code.c_str(), e->message.c_str());
      // A refused send will never echo: free its window slot so the run goes on (it counts as lost).
      if (phase_ == "send" && i < o_.senders && !e->client_id.empty()) {
        ++senders_[static_cast<std::size_t>(i)].acked;
        ++activity_;
        if (o_.rate == 0) pump(i);
      }
    }
  }

  void on_written(int i) override {
    if (i < o_.senders && i < static_cast<int>(senders_.size())) ++senders_[static_cast<std::size_t>(i)].written;
  }

  void on_closed(int i, bool, const std::string& why) override {
    auto& s = states_[static_cast<std::size_t>(i)];
    if (s.closed) return;
    s.closed = true;
    if (phase_ == "closing" || phase_ == "done") {
      if (--open_at_close_ == 0) finish();
      return;
    }
    if (s.ready) {
      if (r_.disconnects++ < 3) std::fprintf(stderr, "client %d dropped: %s\n", i, why.c_str());
    } else {
      if (r_.connect_failures++ < 3) std::fprintf(stderr, "client %d failed to connect: %s\n", i, why.c_str());
      resolve(i);
    }
  }

 private:
  void on_message(int i, const stamp& sp, steady::time_point at) {
    if (!tracker_ || phase_ != "send") {
      ++r_.foreign;
      return;
    }
    const auto kind = tracker_->record(i, sp.sender, sp.seq);
    if (kind == arrival::unknown || kind == arrival::duplicate) return;
    ++activity_;
    last_delivery_ = at;
    const auto latency = to_ns(at) - sp.sent_ns;
    latency_.add(latency);
    if (sp.sent_ns - to_ns(t0_) >= static_cast<std::int64_t>(o_.steady_after_s * 1e9)) steady_latency_.add(latency);
    if (i == sp.sender && i < o_.senders) {
      ++senders_[static_cast<std::size_t>(i)].acked;
      if (o_.rate == 0) pump(i);
    }
    check_complete();
  }

  // ------------------------------------------------------------ server samples and shutdown
  void sample_server_connected() {
    if (!r_.have_server) return;
    if (const auto s = sample_process(o_.server_pid)) {
      r_.server_rss_connected_kib = s->rss_kib;
      if (r_.connections > 0)
        r_.rss_per_connection_bytes = static_cast<double>(s->rss_kib - r_.server_rss_before_kib) * 1024.0 / r_.connections;
    }
  }

  void sample_server_end() {
    if (!r_.have_server) return;
    if (const auto s = sample_process(o_.server_pid)) {
      r_.server_cpu_s = s->cpu_s - cpu_start_;
      r_.server_peak_rss_kib = s->hwm_kib;
    } else if (r_.error.empty()) {
      r_.error = "the server process " + std::to_string(o_.server_pid) + " went away";
    }
  }

  /** Closes every connection politely; whatever is still open after 2 s is dropped. */
  void shutdown() {
    if (phase_ == "done") return;
    phase_ = "done";
    deadline_.cancel();
    phase_timer_.cancel();
    progress_timer_.cancel();
    for (auto& st : senders_)
      if (st.timer) st.timer->cancel();
    open_at_close_ = 0;
    for (std::size_t i = 0; i < clients_.size(); ++i)
      if (clients_[i] && !states_[i].closed) ++open_at_close_;
    if (open_at_close_ == 0) return finish();
    for (std::size_t i = 0; i < clients_.size(); ++i)
      if (clients_[i] && !states_[i].closed) clients_[i]->close();
    phase_timer_.expires_after(std::chrono::seconds(2));
    phase_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) finish();
    });
  }

  void finish() {
    for (auto& c : clients_)
      if (c) c->abort();
    io_.stop();
  }

  const options& o_;
  asio::io_context io_{1};
  asio::steady_timer deadline_, phase_timer_, progress_timer_;
  result r_;
  std::string run_id_;
  bool speaks_v1_ = true;  ///< chat: the path asks for v=1 (a welcome marks a connection ready)
  std::string phase_ = "start";

  std::map<std::string, std::string> tokens_;
  int logins_pending_ = 0;
  latency_recorder login_latency_;

  std::vector<std::shared_ptr<ws_client>> clients_;
  std::vector<client_state> states_;
  int next_client_ = 0, resolved_ = 0, receivers_ = 0, open_at_close_ = 0;
  steady::time_point connect_begin_;

  std::optional<delivery_tracker> tracker_;
  std::vector<sender_state> senders_;
  latency_recorder latency_, steady_latency_;
  steady::time_point t0_, last_delivery_;
  double cpu_start_ = 0, gen_cpu_t0_ = 0;
  std::uint64_t activity_ = 0;
  long long total_queued_ = 0;
};

}  // namespace

long raise_open_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return static_cast<long>(lim.rlim_cur);
}

result run(const options& opts) {
  run_state state(opts);
  return state.go();
}

}  // namespace loadgen
