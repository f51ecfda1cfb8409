// The proof that the I/O threads keep serving while the store is slow: every
// store call sleeps 200 ms (a wrapper around the real SQLite store), the
// server has ONE I/O thread, and while client A keeps it busy with
// store-bound work (GET /api/me, history requests, reconnects), client B on
// the same shard gets every keep-alive ping and a pong for its own ping
// within 100 ms.
#include "auth/crypto.hpp"
#include "server.hpp"
#include "auth/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace chat::server;
using namespace chat::test;
using namespace std::chrono_literals;

namespace {

/** The real store, 200 ms slower in every call. */
class slow_store final : public store {
 public:
  explicit slow_store(std::unique_ptr<store> real) : real_(std::move(real)) {}

  bool created() const override { return false; }  // seeded before it was wrapped
  void close() override { real_->close(); }

  void add_department(const department& d) override { return nap(), real_->add_department(d); }
  add_result add_employee(const new_employee& e) override { return nap(), real_->add_employee(e); }
  std::unordered_set<std::string> registered_among(const std::vector<std::string>& u) override {
    return nap(), real_->registered_among(u);
  }
  bool set_password(std::string_view u, const std::string& h) override { return nap(), real_->set_password(u, h); }
  bool set_disabled(std::string_view u, bool d) override { return nap(), real_->set_disabled(u, d); }
  bool set_role(std::string_view u, user_role r) override { return nap(), real_->set_role(u, r); }
  std::optional<user_record> find_user(std::string_view u) override { return nap(), real_->find_user(u); }
  std::vector<user_account> list_users() override { return nap(), real_->list_users(); }

  void create_session(const std::string& d, std::int64_t e, std::int64_t c, std::int64_t x) override {
    nap();
    real_->create_session(d, e, c, x);
  }
  std::optional<chat::user_profile> session_user(std::string_view d, std::int64_t now) override {
    return nap(), real_->session_user(d, now);
  }
  std::unordered_set<std::string> live_sessions(const std::vector<std::string>& d, std::int64_t now) override {
    return nap(), real_->live_sessions(d, now);
  }
  bool delete_session(std::string_view d) override { return nap(), real_->delete_session(d); }
  int purge_expired_sessions(std::int64_t now) override { return nap(), real_->purge_expired_sessions(now); }

  std::vector<append_outcome> append_messages(const std::vector<message_draft>& d) override {
    return nap(), real_->append_messages(d);
  }
  std::int64_t last_message_id() override { return nap(), real_->last_message_id(); }
  message_page messages_page(std::int64_t a, std::int64_t u, std::size_t m) override {
    return nap(), real_->messages_page(a, u, m);
  }
  prune_result prune_messages(const retention_policy& p, std::size_t n) override { return real_->prune_messages(p, n); }
  std::int64_t history_horizon() override { return real_->history_horizon(); }

 private:
  static void nap() { std::this_thread::sleep_for(200ms); }
  std::unique_ptr<store> real_;
};

/** The real store whose session lookups fail, as when the database is unreachable. */
class broken_sessions final : public store {
 public:
  explicit broken_sessions(std::unique_ptr<store> real) : real_(std::move(real)) {}
  bool created() const override { return false; }
  void close() override { real_->close(); }
  void add_department(const department& d) override { real_->add_department(d); }
  add_result add_employee(const new_employee& e) override { return real_->add_employee(e); }
  std::unordered_set<std::string> registered_among(const std::vector<std::string>& u) override {
    return real_->registered_among(u);
  }
  bool set_password(std::string_view u, const std::string& h) override { return real_->set_password(u, h); }
  bool set_disabled(std::string_view u, bool d) override { return real_->set_disabled(u, d); }
  bool set_role(std::string_view u, user_role r) override { return real_->set_role(u, r); }
  std::optional<user_record> find_user(std::string_view u) override { return real_->find_user(u); }
  std::vector<user_account> list_users() override { return real_->list_users(); }
  void create_session(const std::string& d, std::int64_t e, std::int64_t c, std::int64_t x) override {
    real_->create_session(d, e, c, x);
  }
  std::optional<chat::user_profile> session_user(std::string_view, std::int64_t) override {
    throw store_error("unable to open database file");
  }
  std::unordered_set<std::string> live_sessions(const std::vector<std::string>&, std::int64_t) override {
    throw store_error("unable to open database file");
  }
  bool delete_session(std::string_view d) override { return real_->delete_session(d); }
  int purge_expired_sessions(std::int64_t now) override { return real_->purge_expired_sessions(now); }
  std::vector<append_outcome> append_messages(const std::vector<message_draft>& d) override {
    return real_->append_messages(d);
  }
  std::int64_t last_message_id() override { return real_->last_message_id(); }
  message_page messages_page(std::int64_t a, std::int64_t u, std::size_t m) override {
    return real_->messages_page(a, u, m);
  }
  prune_result prune_messages(const retention_policy& p, std::size_t n) override { return real_->prune_messages(p, n); }
  std::int64_t history_horizon() override { return real_->history_horizon(); }

 private:
  std::unique_ptr<store> real_;
};

using clock_type = std::chrono::steady_clock;

/** One server frame parsed from the bytes B received (server frames are unmasked). */
struct server_frame {
  std::uint8_t opcode = 0;
  std::string payload;
};

/** The next whole frame of `in` at `pos` (advanced past it), if one is there. */
std::optional<server_frame> next_server_frame(const std::string& in, std::size_t& pos) {
  if (in.size() < pos + 2) return std::nullopt;
  const auto b0 = static_cast<std::uint8_t>(in[pos]);
  std::uint64_t len = static_cast<std::uint8_t>(in[pos + 1]) & 0x7f;
  std::size_t head = 2;
  if (len == 126 || len == 127) {
    const std::size_t n = len == 126 ? 2 : 8;
    if (in.size() < pos + 2 + n) return std::nullopt;
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<std::uint8_t>(in[pos + 2 + i]);
    head += n;
  }
  if (in.size() < pos + head + len) return std::nullopt;
  server_frame f{static_cast<std::uint8_t>(b0 & 0x0f), in.substr(pos + head, static_cast<std::size_t>(len))};
  pos += head + static_cast<std::size_t>(len);
  return f;
}

}  // namespace

TEST_CASE("a slow store delays the requests that wait for it, never the pings and pongs of others on the shard",
          "[store][slow]") {
  temp_dir d;
  REQUIRE(crypto::init());
  std::unique_ptr<store> real = open_sqlite_store((d / "chat.db").string());
  // Two users with live sessions (no password hashing: the test is about the store).
  auto session_of = [&](const char* name) {
    const auto added = real->add_employee({name, name, "", "Tester", "", 0, "no password"});
    REQUIRE(added.outcome == add_outcome::added);
    const auto token = crypto::new_token();
    real->create_session(crypto::token_digest(token), added.id, now_ms(), now_ms() + 3600 * 1000);
    return token;
  };
  const auto token_a = session_of("user1");
  const auto token_b = session_of("user2");
  real->append_messages({{"user3", "before", "", 1}});

  config cfg = default_config();
  cfg.port = 0;
  cfg.db_path = (d / "unused.db").string();
  cfg.web_root = (d / "web").string();
  cfg.threads = 1;         // one I/O thread: A and B share the shard
  cfg.idle_timeout_s = 2;  // the server pings a quiet socket every second
  chat_server server(cfg, std::make_unique<slow_store>(std::move(real)));
  server.start();
  const auto port = server.port();

  // B: joined, then quiet but for answering pings.
  raw_socket b(port);
  REQUIRE(b.send(upgrade_request(port, "/websocket/chatroom?v=1", token_b)));
  REQUIRE(b.read_until("\r\n\r\n"));
  REQUIRE(first_status(b.received()) == 101);
  std::size_t pos = b.received().find("\r\n\r\n") + 4;

  // A: three store-bound loops at once, until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> me_ok{0}, pages_ok{0}, joins_ok{0}, failures{0};
  std::vector<std::thread> a;
  a.emplace_back([&] {
    try {
      http_connection c(port);
      while (!stop) {
        const auto r = c.request("GET", "/api/me", {{"Cookie", "session=" + token_a}});
        r.status == 200 && r.body.find("user1") != std::string::npos ? ++me_ok : ++failures;
      }
    } catch (...) {
      ++failures;
    }
  });
  a.emplace_back([&] {
    try {
      ws_client ws(port, "/websocket/chatroom?v=1", token_a);
      for (int k = 0; !stop; ++k) {
        ws.send_text(R"({"type":"history","before":2,"limit":5})");
        for (;;) {
          const auto f = ws.read(10s);
          if (!f) throw std::runtime_error("no history answer");
          const auto j = nlohmann::json::parse(*f);
          if (j.value("type", "") == "history" && j.contains("before")) break;
        }
        ++pages_ok;
      }
    } catch (...) {
      ++failures;
    }
  });
  a.emplace_back([&] {
    try {
      while (!stop) {
        ws_client ws(port, "/websocket/chatroom?v=1&since=0", token_a);
        const auto welcome = ws.read(10s);
        const auto history = ws.read(10s);
        welcome && welcome->find("\"welcome\"") != std::string::npos && history &&
                history->find("\"before\"") != std::string::npos  // the message stored before the start
            ? ++joins_ok
            : ++failures;
        ws.close();
      }
    } catch (...) {
      ++failures;
    }
  });

  // B measures for several ping intervals.
  int pings = 0;
  int pongs = 0;
  std::chrono::milliseconds worst_pong{0};
  std::chrono::milliseconds worst_gap{0};
  std::optional<clock_type::time_point> last_ping;
  clock_type::time_point ping_sent{};
  bool awaiting_pong = false;
  const auto start = clock_type::now();
  const auto end = start + 6s;
  while (clock_type::now() < end && !b.closed()) {
    b.read_until("\xff\xff\xff never", 5ms);  // pump what arrived into received()
    const auto now = clock_type::now();
    while (auto f = next_server_frame(b.received(), pos)) {
      if (f->opcode == 0x9) {  // the server's keep-alive ping: answer it, then ping back
        ++pings;
        if (last_ping) {
          worst_gap = std::max(worst_gap, std::chrono::duration_cast<std::chrono::milliseconds>(now - *last_ping));
        }
        last_ping = now;
        REQUIRE(b.send(client_frame(0xA, f->payload)));
        REQUIRE(b.send(client_frame(0x9, "b")));
        ping_sent = clock_type::now();
        awaiting_pong = true;
      } else if (f->opcode == 0xA && awaiting_pong) {
        ++pongs;
        worst_pong = std::max(worst_pong, std::chrono::duration_cast<std::chrono::milliseconds>(now - ping_sent));
        awaiting_pong = false;
      }
    }
  }
  stop = true;
  for (auto& t : a) t.join();
  if (last_ping) {  // the time since the last ping counts as a gap too
    worst_gap = std::max(worst_gap, std::chrono::duration_cast<std::chrono::milliseconds>(end - *last_ping));
  }

  INFO("pings=" << pings << " pongs=" << pongs << " worst_pong_ms=" << worst_pong.count()
                << " worst_ping_gap_ms=" << worst_gap.count() << " me=" << me_ok << " pages=" << pages_ok
                << " joins=" << joins_ok << " failures=" << failures);
  CHECK_FALSE(b.closed());
  CHECK(pings >= 3);                 // every second or two for six seconds
  CHECK(worst_gap <= 2500ms);        // none went missing
  CHECK(pongs >= pings - 1);         // the last may still be on its way
  CHECK(worst_pong <= 100ms);        // the shard answered at once
  // A's work was really done, slowly: 200 ms per store call, one call at a time.
  CHECK(me_ok >= 3);
  CHECK(pages_ok >= 3);
  CHECK(joins_ok >= 2);
  CHECK(failures == 0);
  b.close();
  server.stop();
}

TEST_CASE("a failing session lookup answers 503 unavailable, on the API and on the upgrade", "[store]") {
  temp_dir d;
  std::unique_ptr<store> real = open_sqlite_store((d / "chat.db").string());
  config cfg = default_config();
  cfg.port = 0;
  cfg.db_path = (d / "unused.db").string();
  cfg.web_root = (d / "web").string();
  cfg.threads = 1;
  chat_server server(cfg, std::make_unique<broken_sessions>(std::move(real)));
  server.start();
  const headers session = {{"Cookie", "session=some-token"}};
  for (const char* path : {"/api/me", "/api/employees"}) {
    const auto r = http(server.port(), "GET", path, session);
    CHECK(r.status == 503);
    CHECK(nlohmann::json::parse(r.body).at("error") == "unavailable");
  }
  CHECK(http(server.port(), "GET", "/api/me").status == 401);  // no session: no store call, as before
  CHECK(upgrade_status(server.port(), "/websocket/chatroom?v=1", session) == 503);
  CHECK(http(server.port(), "GET", "/healthz").status == 200);  // the server itself is fine
  server.stop();
}
