// The server object: wiring, the listener and shutdown (see server.hpp).
#include "server.hpp"

#include "auth/auth.hpp"
#include "auth/crypto.hpp"
#include "auth/session_check.hpp"
#include "memory_trim.hpp"
#include "http/client_address.hpp"
#include "http/connection_caps.hpp"
#include "http/http_api.hpp"
#include "ws/io_shard.hpp"
#include "log.hpp"
#include "log_format.hpp"
#include "room/room.hpp"
#include "store/seed_data.hpp"
#include "server_context.hpp"
#include "http/session_start.hpp"
#include "http/static_files.hpp"
#include "http/tls_context.hpp"
#include "metrics/process_metrics.hpp"
#include "stats.hpp"
#include "store/metered_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store_worker.hpp"
#include "ws/partial_budget.hpp"
#include "worker_pool.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace chat::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

/** Store jobs (session checks, history pages) that may wait at once; more are answered `busy`. */
constexpr std::size_t max_pending_store_jobs = 4096;

struct chat_server::impl {
  explicit impl(config c) : cfg(std::move(c)), files(cfg.web_root), proxies(cfg.trusted_proxies) {}

  config cfg;
  static_files files;
  trusted_proxies proxies;
  server_stats stats;  // before the store, which records into it
  std::unique_ptr<store> db;
  std::unique_ptr<auth> users;
  std::unique_ptr<room> chat;
  // Destroyed (joined) before the room and the store its jobs use.
  std::unique_ptr<store_worker> reader;
  worker_pool logins{2, limits::max_pending_logins};
  std::atomic<bool> shutting_down{false};
  std::unique_ptr<http_api> api;
  std::unique_ptr<ws::partial_budget> partial;
  std::unique_ptr<connection_caps> caps;
  std::unique_ptr<server_context> ctx;
  std::unique_ptr<tls_certificates> tls;  ///< the certificate new connections get (SIGHUP reloads it)

  // Destroyed first (declared last): pending handlers release the sessions,
  // whose destructors still use the room above. One shard (io_context and
  // thread) per I/O thread; the acceptor lives on the first and deals the
  // connections out in turn.
  std::vector<std::unique_ptr<io_shard>> shards;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::size_t next_shard = 0;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;

  void do_accept() {
    auto& shard = *shards[next_shard];
    next_shard = (next_shard + 1) % shards.size();
    acceptor->async_accept(shard.context(), [this, &shard](boost::system::error_code ec, shard_socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (ec) {
        // Out of descriptors and the like: try again shortly instead of spinning.
        log::error("accept", "error=" + log::clean(ec.message()));
        accept_retry->expires_after(std::chrono::milliseconds(100));
        accept_retry->async_wait([this](boost::system::error_code e) {
          if (!e) do_accept();
        });
        return;
      }
      stats.http_accepted.inc();
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      const auto peer = socket.remote_endpoint(ignored);
      std::string address = ignored ? std::string("?") : peer.address().to_string();
      // Start the session on its own shard's thread.
      net::post(shard.context(), [this, &shard, socket = std::move(socket), address = std::move(address)]() mutable {
        if (tls) {
          start_tls_session(std::move(socket), shard, *ctx, std::move(address), *tls->current());
        } else {
          start_plain_session(std::move(socket), shard, *ctx, std::move(address));
        }
      });
      do_accept();
    });
  }
};

chat_server::chat_server(config cfg) : chat_server(std::move(cfg), nullptr) {}

chat_server::chat_server(config cfg, std::unique_ptr<store> db) : impl_(std::make_unique<impl>(std::move(cfg))) {
  auto& m = *impl_;
  if (!crypto::init()) throw startup_error("libsodium cannot be initialised");
  if (!m.files.available()) {
    if (m.cfg.web_root_given) throw startup_error("--web-root " + m.cfg.web_root + " is not a readable directory");
    log::warn("web_root", "the web client is not built at " + m.cfg.web_root +
                              "; only the API, avatars and the socket are served");
  }
  if (m.cfg.tls()) {
    try {
      m.tls = std::make_unique<tls_certificates>(m.cfg.tls_cert, m.cfg.tls_key);
    } catch (const std::exception& e) {
      throw startup_error("--tls-cert/--tls-key: " + std::string(e.what()));
    }
  }
  m.db = std::move(db);
  if (!m.db) {
    try {
      sqlite_options so;
      so.sync = m.cfg.fsync_full ? sync_mode::full : sync_mode::normal;
      m.db = open_sqlite_store(m.cfg.db_path, so);
      if (m.db->created() && (m.cfg.demo_users || m.cfg.listens_on_loopback())) {
        seed_sample_data(*m.db);
        log::info("database", "created " + m.cfg.db_path + " with the sample employees");
      } else if (m.db->created()) {
        // Sample logins (password = username) must never face a network.
        log::warn("database", "created " + m.cfg.db_path + " with no users (--host " + m.cfg.host +
                                  " is not loopback; --demo-users seeds the samples). Add the first admin: "
                                  "chatroom-server --db " + m.cfg.db_path + " user add NAME, then user grant-admin NAME");
      }
    } catch (const std::exception& e) {
      throw startup_error("--db " + m.cfg.db_path + ": " + e.what());
    }
  }
  m.db = make_metered_store(std::move(m.db), m.stats);
  login_policy policy;
  policy.account_address.first_lock = policy.address.first_lock = std::chrono::milliseconds(m.cfg.login_lock_first_ms);
  policy.max_keys = m.cfg.login_throttle_keys;
  m.users = std::make_unique<auth>(*m.db, *m.db, policy);
  m.reader = std::make_unique<store_worker>(max_pending_store_jobs);
  room_options ro;
  ro.rate_per_second = m.cfg.rate_per_second;
  ro.rate_burst = m.cfg.rate_burst;
  ro.rate_strikes = m.cfg.rate_strikes;
  ro.max_pending_writes = limits::max_pending_writes;
  ro.max_write_batch = limits::max_write_batch;
  ro.max_history_bytes = std::min(limits::max_history_frame_bytes, m.cfg.max_queue_bytes / 2);
  ro.history_connection = pace{m.cfg.history_per_second, m.cfg.history_burst};
  ro.history_user = pace{2 * m.cfg.history_per_second, 2 * m.cfg.history_burst};
  ro.history_max_wait = std::chrono::seconds(limits::history_max_wait_s);
  ro.commit_interval = std::chrono::milliseconds(m.cfg.commit_interval_ms);
  ro.user_quota_bytes = m.cfg.user_quota_bytes;
  ro.retention_days = m.cfg.retention_days;
  ro.retention_messages = m.cfg.retention_messages;
  ro.retention_every = std::chrono::milliseconds(m.cfg.retention_check_ms);
  m.chat = std::make_unique<room>(*m.db, *m.reader, ro, make_local_fanout());
  const unsigned n = m.cfg.threads ? m.cfg.threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) {
    m.shards.push_back(std::make_unique<io_shard>(*m.chat));
    m.chat->add_shard(*m.shards.back());
  }
  m.acceptor.emplace(m.shards.front()->context());
  m.accept_retry.emplace(m.shards.front()->context());
  m.api = std::make_unique<http_api>(*m.users, m.files, m.logins, *m.reader, m.cfg, m.shutting_down, m.stats);
  m.stats.registry.add_gauge_fn("chatroom_store_queue_jobs",
                                "Store calls waiting for the store worker or running on it (session checks, "
                                "history pages, logouts, lists); at " +
                                    std::to_string(max_pending_store_jobs) + " more are answered busy.",
                                [&reader = *m.reader] { return static_cast<double>(reader.pending()); });
  m.stats.registry.add_gauge_fn("chatroom_login_queue_jobs",
                                "Logins waiting for a hashing thread or being checked; at " +
                                    std::to_string(limits::max_pending_logins) + " more are answered busy.",
                                [&logins = m.logins] { return static_cast<double>(logins.pending()); });
  m.partial = std::make_unique<ws::partial_budget>(m.cfg.max_partial_bytes, m.cfg.max_partial_bytes_per_address);
  m.stats.registry.add_gauge_fn("chatroom_ws_partial_bytes",
                                "Bytes held for clients' unfinished frames (and fragmented messages), all addresses; "
                                "at --max-partial-bytes a socket whose frame needs more closes with 1013.",
                                [&partial = *m.partial] { return static_cast<double>(partial.total()); });
  metrics::add_process_metrics(m.stats.registry);
  m.api->on_session_ended = [&chat = *m.chat](const std::string& session) {
    const auto closed = chat.end_session(session);
    if (closed > 0) log::info("logout", "closing " + std::to_string(closed) + " websocket(s) of the session");
  };
  // Sockets must not outlive their sessions, whoever ended them (another
  // process, the clock): checked on the store worker, one query per period.
  const auto check_every = std::chrono::milliseconds(std::max(m.cfg.session_check_interval_ms, 10));
  m.reader->every(check_every, [&chat = *m.chat, &db = *m.db, &stats = m.stats,
                                trim = std::make_shared<trim_policy>(trim_min_drop)] {  // shared: the pool copies the job each run
    try {
      const auto r = check_sessions(chat, db, db, now_ms());
      if (r.closed > 0) {
        log::info("session_check", "sessions=" + std::to_string(r.sessions) + " ended=" + std::to_string(r.ended) +
                                       (r.guests_named_as_users > 0
                                            ? " guests_now_users=" + std::to_string(r.guests_named_as_users)
                                            : std::string()) +
                                       " closing=" + std::to_string(r.closed));
      }
    } catch (const std::exception& e) {
      log::error("session_check", "error=" + log::clean(e.what()));  // the sockets stay; checked again next time
    }
    // After many connections closed, what their sessions held goes back to the system (memory_trim.hpp).
    const auto open = stats.http_open.value() + stats.ws_open[0]->value() + stats.ws_open[1]->value();
    if (trim->should_trim(open)) {
      const auto before = resident_bytes();
      release_free_memory();
      log::info("memory_trim", "connections=" + std::to_string(open) + " rss_before_kib=" + std::to_string(before / 1024) +
                                   " rss_after_kib=" + std::to_string(resident_bytes() / 1024));
    }
  });
  m.caps = std::make_unique<connection_caps>(connection_limits{m.cfg.max_connections_per_user,
                                                                m.cfg.max_connections_per_address,
                                                                m.cfg.connect_rate, m.cfg.connect_burst});
  m.ctx.reset(new server_context{m.cfg, *m.api, *m.chat, m.stats, m.shutting_down, m.proxies, *m.partial, *m.caps});
}

chat_server::~chat_server() { stop(); }

void chat_server::start() {
  auto& m = *impl_;
  if (m.started) return;
  boost::system::error_code ec;
  tcp::resolver resolver(m.shards.front()->context());
  const auto results = resolver.resolve(m.cfg.host, std::to_string(m.cfg.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) throw startup_error("--host " + m.cfg.host + ": " + ec.message());
  const tcp::endpoint endpoint = results.begin()->endpoint();
  m.acceptor->open(endpoint.protocol(), ec);
  if (!ec) m.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) m.acceptor->bind(endpoint, ec);
  if (!ec) m.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw startup_error("cannot listen on " + m.cfg.host + ":" + std::to_string(m.cfg.port) + ": " + ec.message());
  }
  m.port = m.acceptor->local_endpoint().port();
  net::post(m.acceptor->get_executor(), [&m] { m.do_accept(); });
  for (auto& shard : m.shards) shard->prepare();
  for (auto& shard : m.shards) m.threads.emplace_back([s = shard.get()] { s->run(); });
  m.started = true;
  std::string metrics_allow;
  for (const auto& range : m.cfg.metrics_allow) metrics_allow += (metrics_allow.empty() ? "" : ",") + range;
  std::string trusted;
  for (const auto& range : m.cfg.trusted_proxies) trusted += (trusted.empty() ? " trusted_proxies=" : ",") + range;
  log::info("start", "url=" + url() + " " + log::field("db", m.cfg.db_path) + " " +
                         log::field("web_root", m.cfg.web_root) + " threads=" + std::to_string(m.shards.size()) +
                         " fsync=" + (m.cfg.fsync_full ? "full" : "normal") + (m.cfg.guest_mode ? " guest_mode" : "") +
                         " metrics_allow=" + metrics_allow + trusted);
}

std::uint16_t chat_server::port() const { return impl_->port; }

std::string chat_server::url() const {
  const auto& host = impl_->cfg.host;
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(impl_->cfg.tls() ? "https" : "http") + "://" + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(impl_->port);
}

void chat_server::begin_shutdown() {
  auto& m = *impl_;
  if (m.shutting_down.exchange(true)) return;
  log::info("shutdown", "closing " + std::to_string(m.chat->size()) + " websockets");
  if (m.started) {
    net::post(m.acceptor->get_executor(), [&m] {
      boost::system::error_code ignored;
      m.acceptor->close(ignored);
      m.accept_retry->cancel();
    });
  }
  m.chat->close_all(close_code::going_away, "server shutting down");
}

void chat_server::stop() {
  auto& m = *impl_;
  if (m.stopped) return;
  m.stopped = true;
  begin_shutdown();
  if (m.started) {
    m.chat->wait_empty(std::chrono::steady_clock::now() + std::chrono::seconds(limits::shutdown_grace_s));
    // Members that outlived the grace still get presence ticks from the
    // ticker's thread, each a call into its member's shard: end them before
    // the shards go (a tick during their destruction was a use after free).
    m.chat->stop_presence();
    for (auto& shard : m.shards) shard->stop();
    for (auto& t : m.threads) t.join();
    m.threads.clear();
  }
  m.logins.stop();
  m.reader->stop();       // its last answers go to the stopped shards, freed with them
  m.chat->stop_writer();  // commits what was accepted
  try {
    m.db->close();
  } catch (const std::exception& e) {
    log::error("shutdown", "close error=" + log::clean(e.what()));
  }
  log::info("stopped", "last_id=" + std::to_string(m.chat->last_id()));
}

bool chat_server::reload_tls() {
  auto& m = *impl_;
  if (!m.tls) {
    log::info("tls_reload", "no --tls-cert: nothing to reload");
    return false;
  }
  std::string error;
  if (!m.tls->reload(error)) {
    log::error("tls_reload", log::field("cert", m.cfg.tls_cert) + " error=" + log::clean(error) +
                                 " kept=the previous certificate");
    return false;
  }
  log::info("tls_reload", log::field("cert", m.cfg.tls_cert) + " new connections get it");
  return true;
}

server_stats& chat_server::stats() { return impl_->stats; }
const ws::partial_budget& chat_server::partial_frames() const { return *impl_->partial; }

room& chat_server::chat_room() { return *impl_->chat; }
store& chat_server::database() { return *impl_->db; }

}  // namespace chat::server
