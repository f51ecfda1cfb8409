// chat_client's rules, event by event: session and login, connecting and
// reconnecting with backoff and since=, history paging and gap filling, the
// outbox (pending → sent → failed → retried), unread counts and the title.
#include "client/chat_client.hpp"

#include <chat/protocol.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace chat;
using namespace chat::web;

namespace {

constexpr std::int64_t t0 = 1795860000000;  // 2026-11-28 10:00:00 UTC

user_profile person(const std::string& username) {
  user_profile u;
  u.id = static_cast<std::int64_t>(username.size());
  u.username = username;
  u.firstname = "First";
  u.lastname = username;
  u.name = "First " + username;
  u.picurl = "/avatars/" + username + ".png";
  return u;
}

chat_message msg(std::int64_t id, const std::string& user, const std::string& text, std::string cid = {}) {
  return chat_message{id, user, text, t0 + id * 1000, std::move(cid)};
}

template <class T>
std::vector<T> all(const std::vector<command>& cs) {
  std::vector<T> out;
  for (const auto& c : cs) {
    if (const T* x = std::get_if<T>(&c)) out.push_back(*x);
  }
  return out;
}

template <class T>
T one(const std::vector<command>& cs) {
  auto v = all<T>(cs);
  REQUIRE(v.size() == 1);
  return v.front();
}

/** The browser's localStorage as a map: one per browser, shared by its pages (and reloads). */
struct memory_store final : local_store {
  std::map<std::string, std::string> data;
  std::optional<std::string> get(const std::string& key) const override {
    const auto it = data.find(key);
    return it == data.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void set(const std::string& key, const std::string& value) override { data[key] = value; }
  void remove(const std::string& key) override { data.erase(key); }
  bool has(const std::string& key) const { return data.count(key) > 0; }
};

/** A client with a controllable clock and dice, and the commands it produced. */
struct harness {
  harness() = default;
  /** A page of a browser whose storage is `store` (a second harness on it is a reload). */
  explicit harness(memory_store& store, std::uint64_t seed = 0) : dice(seed) { client.set_store(&store); }

  std::uint64_t dice = 0;  // random01() == 0: every delay is the lower bound
  std::int64_t now = t0;
  chat_client client{[this] { return dice; }, [](std::int64_t) { return 0; }};
  std::vector<command> last;

  std::vector<command>& take() {
    last = client.take_commands();
    return last;
  }
  void frame(const std::string& text) { client.on_socket_message(text, now); }
  void http(const http_request& r, int status, std::string body = {}, int retry_after = -1) {
    client.on_http(http_response{r.id, status, std::move(body), retry_after}, now);
  }
  std::vector<std::string> sent() {
    std::vector<std::string> out;
    for (const auto& s : all<cmd::send>(take())) out.push_back(s.text);
    return out;
  }

  /** Page load with a good session cookie, then welcome and the on-connect history. */
  void go_live(const std::string& me = "eric", const std::vector<chat_message>& history = {}, bool limited = false) {
    client.start(now);
    const auto me_req = one<cmd::http>(take()).request;
    REQUIRE(me_req.path == "/api/me");
    http(me_req, 200, encode_user(person(me)));
    take();
    client.on_socket_open(now);
    welcome(me, history.empty() ? 0 : history.back().id);
    frame(encode(history_event{history, limited, std::nullopt}));
    take();
  }
  void welcome(const std::string& me, std::int64_t last_id) {
    frame(encode(welcome_event{person(me), {"amy", me}, last_id}));
  }
};

}  // namespace

// ------------------------------------------------------------------ session

TEST_CASE("page load checks the session; a good cookie goes straight to the chat room") {
  harness h;
  h.client.start(h.now);
  auto& cs = h.take();
  const auto me = one<cmd::http>(cs).request;
  CHECK(me.method == "GET");
  CHECK(me.path == "/api/me");
  CHECK(one<cmd::set_title>(cs).title == "Chat Room");
  CHECK(h.client.page() == page_kind::starting);

  h.http(me, 200, encode_user(person("eric")));
  auto& after = h.take();
  CHECK(h.client.page() == page_kind::chat);
  CHECK(h.client.me().username == "eric");
  CHECK(one<cmd::http>(after).request.path == "/api/employees");
  CHECK(one<cmd::open_socket>(after).path == "/websocket/chatroom?v=1");
  CHECK(h.client.connection() == connection_state::connecting);
  CHECK(h.client.connection_label(h.now) == "Connecting…");
}

TEST_CASE("page load without a session shows the login page") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 401, R"({"error":"unauthorized","message":"no session"})");
  CHECK(h.client.page() == page_kind::login);
  CHECK(h.client.login_error().empty());
  CHECK(all<cmd::open_socket>(h.take()).empty());
}

TEST_CASE("page load while the server is unreachable retries the session check") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 0);
  CHECK(h.client.page() == page_kind::starting);
  REQUIRE(h.client.starting_retry_at().has_value());
  const auto at = one<cmd::wake_at>(h.take()).at_ms;
  CHECK(at == h.now + 500);
  h.now = at;
  h.client.tick(h.now);
  CHECK(one<cmd::http>(h.take()).request.path == "/api/me");
}

TEST_CASE("login: the form's errors say what went wrong") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 401);
  h.take();

  h.client.submit_login("  ", "pw", h.now);
  CHECK(h.client.login_error() == "Enter your username.");
  h.client.submit_login("eric", "", h.now);
  CHECK(h.client.login_error() == "Enter your password.");
  CHECK(all<cmd::http>(h.take()).empty());

  h.client.submit_login(" eric ", "wrong", h.now);
  const auto req = one<cmd::http>(h.take()).request;
  CHECK(req.method == "POST");
  CHECK(req.path == "/api/login");
  CHECK(req.body == R"({"password":"wrong","username":"eric"})");
  CHECK(h.client.login_busy());
  h.client.submit_login("eric", "again", h.now);  // a second click while busy does nothing
  CHECK(all<cmd::http>(h.take()).empty());

  SECTION("wrong credentials") {
    h.http(req, 401, R"({"error":"unauthorized","message":"bad"})");
    CHECK(h.client.login_error() == "Wrong username or password.");
    CHECK_FALSE(h.client.login_busy());
    CHECK(h.client.page() == page_kind::login);
  }
  SECTION("throttled, with the wait from Retry-After") {
    h.http(req, 429, R"({"error":"throttled","message":"slow down"})", 42);
    CHECK(h.client.login_error() == "Too many failed attempts. Try again in 42 seconds.");
    CHECK(h.client.login_blocked_s(h.now) == 42);
    h.client.submit_login("eric", "pw", h.now + 1000);
    CHECK(all<cmd::http>(h.take()).empty());
    CHECK(h.client.login_error() == "Too many failed attempts. Try again in 41 s.");
    h.client.submit_login("eric", "pw", h.now + 42'000);
    CHECK(all<cmd::http>(h.take()).size() == 1);
  }
  SECTION("server unreachable") {
    h.http(req, 0);
    CHECK(h.client.login_error() == "The server cannot be reached. Check your connection and try again.");
  }
  SECTION("server error") {
    h.http(req, 503);
    CHECK(h.client.login_error() == "The server could not log you in (HTTP 503). Please try again.");
  }
  SECTION("success enters the chat room and connects") {
    h.http(req, 200, R"({"user":)" + encode_user(person("eric")) + R"(,"token":"t"})");
    CHECK(h.client.page() == page_kind::chat);
    CHECK(h.client.login_error().empty());
    CHECK(h.client.me().name == "First eric");
    CHECK(one<cmd::open_socket>(h.take()).path == "/websocket/chatroom?v=1");
  }
}

TEST_CASE("logout revokes the session, closes the socket and forgets the conversation") {
  harness h;
  h.client.start(h.now);
  h.take();
  h.client.on_http(http_response{1, 200, encode_user(person("eric")), -1}, h.now);
  const auto employees = one<cmd::http>(h.take()).request;
  h.client.on_socket_open(h.now);
  h.welcome("eric", 1);
  h.frame(encode(history_event{{msg(1, "amy", "hi")}, false, std::nullopt}));
  h.take();

  h.client.logout(h.now);
  auto& cs = h.take();
  const auto logout = one<cmd::http>(cs).request;
  CHECK(logout.path == "/api/logout");
  CHECK(logout.method == "POST");
  CHECK(logout.keepalive);  // a reload does not cancel it
  CHECK(one<cmd::close_socket>(cs).code == 1000);
  CHECK(h.client.page() == page_kind::logging_out);
  CHECK(h.client.log().confirmed().empty());
  CHECK(h.client.online().empty());
  CHECK(h.client.connection() == connection_state::offline);
  h.http(logout, 204);
  CHECK(h.client.page() == page_kind::login);
  CHECK(h.client.login_error().empty());

  // A late answer from before the logout changes nothing.
  h.http(employees, 200, encode_users({person("amy")}));
  CHECK_FALSE(h.client.employees_loaded());
  // And a late frame from the old socket neither.
  h.frame(encode(msg(2, "amy", "late")));
  CHECK(h.client.log().confirmed().empty());
}

TEST_CASE("employees give names and pictures by username") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person("eric")));
  const auto employees = one<cmd::http>(h.take()).request;
  CHECK(h.client.display_name("amy") == "amy");
  CHECK(h.client.picture_url("amy").empty());
  h.http(employees, 200, encode_users({person("amy"), person("eric")}));
  CHECK(h.client.employees_loaded());
  CHECK(h.client.display_name("amy") == "First amy");
  CHECK(h.client.picture_url("amy") == "/avatars/amy.png");
  CHECK(h.client.display_name("ghost") == "ghost");
}

// ------------------------------------------------------------------ connection

TEST_CASE("welcome makes the connection live with who is online") {
  harness h;
  h.go_live("eric");
  CHECK(h.client.connection() == connection_state::live);
  CHECK(h.client.connection_label(h.now) == "Live");
  CHECK(h.client.online() == std::vector<std::string>{"amy", "eric"});

  h.frame(encode(presence_event{presence_change::join, "zoe", {"zoe", "amy", "eric"}}));
  CHECK(h.client.online() == std::vector<std::string>{"amy", "eric", "zoe"});
  h.frame(encode(presence_event{presence_change::leave, "amy", {"eric", "zoe"}}));
  CHECK(h.client.online() == std::vector<std::string>{"eric", "zoe"});
}

TEST_CASE("a lost connection comes back with backoff, jitter and since=") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "a"), msg(2, "amy", "b")});
  h.client.on_socket_close(1006, "", h.now);
  CHECK(h.client.connection() == connection_state::waiting);
  auto wake = one<cmd::wake_at>(h.take()).at_ms;
  CHECK(wake == h.now + 500);  // the first cap is 1 s, the dice rolled 0
  CHECK(h.client.connection_label(h.now) == "Reconnecting in 1 s");

  h.client.tick(wake - 1);
  CHECK(all<cmd::open_socket>(h.take()).empty());
  h.now = wake;
  h.client.tick(h.now);
  CHECK(one<cmd::open_socket>(h.take()).path == "/websocket/chatroom?v=1&since=2");
  CHECK(h.client.connection_label(h.now) == "Reconnecting…");

  // It fails again before opening: the next wait is longer, and the session is probed.
  h.dice = ~0ull;  // random01() close to 1: the top of the range
  h.client.on_socket_close(1006, "", h.now);
  auto& cs = h.take();
  CHECK(one<cmd::http>(cs).request.path == "/api/me");
  const auto second = one<cmd::wake_at>(cs).at_ms - h.now;
  CHECK(second > 1900);
  CHECK(second <= 2000);
  CHECK(h.client.connection_label(h.now) == "Reconnecting in 2 s");

  // Back: the backoff starts small again.
  h.now += second;
  h.client.tick(h.now);
  h.take();
  h.client.on_socket_open(h.now);
  h.welcome("eric", 2);
  h.frame(encode(history_event{{}, false, std::nullopt}));
  h.dice = 0;
  h.client.on_socket_close(1001, "going away", h.now);
  CHECK(one<cmd::wake_at>(h.take()).at_ms == h.now + 500);
}

TEST_CASE("a wake-up that comes a little early is asked for again, so the reconnect still happens") {
  // setTimeout may fire up to 1 ms before Date.now() reaches its target (Node
  // and browsers round their clocks differently): the timer is spent then.
  harness h;
  h.go_live("eric", {msg(1, "amy", "a")});
  h.client.on_socket_close(1006, "", h.now);
  const auto wake = one<cmd::wake_at>(h.take()).at_ms;
  h.now = wake - 1;
  h.client.tick(h.now);
  auto& early = h.take();
  CHECK(all<cmd::open_socket>(early).empty());
  CHECK(one<cmd::wake_at>(early).at_ms == wake);
  h.now = wake;
  h.client.tick(h.now);
  CHECK(one<cmd::open_socket>(h.take()).path == "/websocket/chatroom?v=1&since=1");

  // The same for the connect deadline: an early tick does not lose it.
  const auto deadline = h.now + 10'000;
  h.now = deadline - 1;
  h.client.tick(h.now);
  CHECK(one<cmd::wake_at>(h.take()).at_ms == deadline);
  h.now = deadline;
  h.client.tick(h.now);
  CHECK(one<cmd::close_socket>(h.take()).reason == "connect timeout");
}

TEST_CASE("resuming after a drop loses nothing and doubles nothing") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "a"), msg(2, "amy", "b")});
  h.client.on_socket_close(1013, "slow consumer", h.now);
  h.now += 10'000;
  h.client.tick(h.now);
  CHECK(one<cmd::open_socket>(h.take()).path == "/websocket/chatroom?v=1&since=2");
  h.client.on_socket_open(h.now);
  h.welcome("eric", 4);
  // The server replays from since; a message seen live twice is stored once.
  h.frame(encode(history_event{{msg(3, "amy", "c"), msg(4, "amy", "d")}, false, std::nullopt}));
  h.frame(encode(msg(4, "amy", "d")));
  h.frame(encode(msg(5, "amy", "e")));
  std::vector<std::int64_t> ids;
  for (const auto& e : h.client.log().confirmed()) ids.push_back(e.id);
  CHECK(ids == std::vector<std::int64_t>{1, 2, 3, 4, 5});
}

TEST_CASE("a capped resume fills the gap back to since with history requests") {
  harness h;
  h.go_live("eric", {msg(10, "amy", "a")});
  h.client.on_socket_close(1006, "", h.now);
  h.now += 1000;
  h.client.tick(h.now);
  h.take();
  h.client.on_socket_open(h.now);
  h.welcome("eric", 1500);
  std::vector<chat_message> newest;
  for (std::int64_t id = 501; id <= 1500; ++id) newest.push_back(msg(id, "amy", "x"));
  h.frame(encode(history_event{newest, true, std::nullopt}));
  CHECK(h.client.filling_gap());
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":501,"limit":200})"});

  std::vector<chat_message> page;
  for (std::int64_t id = 301; id <= 500; ++id) page.push_back(msg(id, "amy", "x"));
  h.frame(encode(history_event{page, true, 501}));
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":301,"limit":200})"});

  page.clear();
  for (std::int64_t id = 101; id <= 300; ++id) page.push_back(msg(id, "amy", "x"));
  h.frame(encode(history_event{page, true, 301}));
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":101,"limit":200})"});

  page.clear();
  for (std::int64_t id = 1; id <= 100; ++id) page.push_back(msg(id, "amy", "x"));  // reaches below since=10
  h.frame(encode(history_event{page, true, 101}));
  CHECK_FALSE(h.client.filling_gap());
  CHECK(h.sent().empty());
  CHECK(h.client.log().confirmed().size() == 1500);
}

TEST_CASE("close codes: auth failures go to login, flooding waits longer") {
  harness h;
  h.go_live("eric");
  SECTION("4401") {
    h.client.on_socket_close(4401, "unauthorized", h.now);
    CHECK(h.client.page() == page_kind::login);
    CHECK(h.client.login_error() == "Your session has ended. Please log in again.");
  }
  SECTION("1008") {
    h.client.on_socket_close(1008, "policy", h.now);
    CHECK(h.client.page() == page_kind::login);
  }
  SECTION("4029") {
    h.client.on_socket_close(4029, "flooding", h.now);
    CHECK(h.client.connection() == connection_state::waiting);
    CHECK(h.client.retry_in_s(h.now) == 15);
    CHECK_FALSE(h.client.notice().empty());
  }
}

TEST_CASE("an upgrade refused for a lost session leads to the login page") {
  harness h;
  h.go_live("eric");
  h.client.on_socket_close(1006, "", h.now);
  h.now += 500;
  h.client.tick(h.now);
  h.take();
  h.client.on_socket_close(1006, "", h.now);  // never opened: the browser hides the 401
  const auto probe = one<cmd::http>(h.take()).request;
  CHECK(probe.path == "/api/me");
  h.http(probe, 401);
  CHECK(h.client.page() == page_kind::login);
  CHECK(h.client.login_error() == "Your session has ended. Please log in again.");
}

TEST_CASE("a connection that hangs is given up and retried") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person("eric")));
  const auto deadline = one<cmd::wake_at>(h.take()).at_ms;
  CHECK(deadline == h.now + 10'000);
  h.now = deadline;
  h.client.tick(h.now);
  auto& cs = h.take();
  CHECK(one<cmd::close_socket>(cs).code == 4000);
  CHECK(h.client.connection() == connection_state::waiting);
}

TEST_CASE("coming back online or to the tab reconnects at once") {
  harness h;
  h.go_live("eric");
  h.client.on_socket_close(1006, "", h.now);
  h.client.set_network_online(false, h.now);
  CHECK(h.client.connection_label(h.now) == "No network. Reconnecting in 1 s");
  h.take();
  h.client.set_network_online(true, h.now);
  CHECK(all<cmd::open_socket>(h.take()).size() == 1);

  h.client.on_socket_close(1006, "", h.now);
  h.client.set_visible(false, h.now);
  h.client.set_visible(true, h.now);
  CHECK(all<cmd::open_socket>(h.take()).size() == 1);

  h.client.on_socket_close(1006, "", h.now);
  h.client.reconnect_now(h.now);
  CHECK(all<cmd::open_socket>(h.take()).size() == 1);
}

// ------------------------------------------------------------------ history

TEST_CASE("history: the latest page on connect, older pages on request") {
  harness h;
  std::vector<chat_message> latest;
  for (std::int64_t id = 51; id <= 100; ++id) latest.push_back(msg(id, "amy", "m"));
  h.go_live("eric", latest, /*limited=*/true);
  CHECK(h.client.log().confirmed().size() == 50);
  CHECK(h.client.has_older());

  h.client.load_older(h.now);
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":51,"limit":50})"});
  CHECK(h.client.loading_older());
  h.client.load_older(h.now);  // one page at a time
  CHECK(h.sent().empty());

  std::vector<chat_message> older;
  for (std::int64_t id = 1; id <= 50; ++id) older.push_back(msg(id, "amy", "m"));
  h.frame(encode(history_event{older, false, 51}));
  CHECK_FALSE(h.client.loading_older());
  CHECK_FALSE(h.client.has_older());
  CHECK(h.client.log().confirmed().front().id == 1);
  CHECK(h.client.log().confirmed().size() == 100);
  h.client.load_older(h.now);
  CHECK(h.sent().empty());
}

TEST_CASE("a short room has nothing older to load") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "only")}, false);
  CHECK_FALSE(h.client.has_older());
}

TEST_CASE("a page request lost with the connection can be asked again") {
  harness h;
  std::vector<chat_message> latest;
  for (std::int64_t id = 51; id <= 100; ++id) latest.push_back(msg(id, "amy", "m"));
  h.go_live("eric", latest, true);
  h.client.load_older(h.now);
  h.take();
  h.client.on_socket_close(1006, "", h.now);
  CHECK_FALSE(h.client.loading_older());
  CHECK(h.client.has_older());
}

// ------------------------------------------------------------------ outbox

TEST_CASE("a message goes pending, then sent when its echo arrives") {
  harness h;
  h.go_live("eric");
  CHECK(h.client.send_message("  hello  ", h.now) == send_verdict::sent);
  const auto frames = h.sent();
  REQUIRE(frames.size() == 1);
  const auto decoded = decode_client(frames[0]);
  REQUIRE(decoded.ok());
  const auto send = std::get<send_request>(decoded.value());
  CHECK(send.message == "hello");
  CHECK(is_valid_client_id(send.client_id));
  REQUIRE(h.client.log().outbox().size() == 1);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::pending);

  h.frame(encode(chat_message{7, "eric", "hello", t0, send.client_id}));
  CHECK(h.client.log().outbox().empty());
  REQUIRE(h.client.log().confirmed().size() == 1);
  CHECK(h.client.log().confirmed()[0].delivery == delivery_state::sent);
}

TEST_CASE("every message gets its own client_id") {
  harness h;
  h.go_live("eric");
  h.client.send_message("one", h.now);
  h.client.send_message("two", h.now);
  const auto& out = h.client.log().outbox();
  REQUIRE(out.size() == 2);
  CHECK(out[0].client_id != out[1].client_id);
}

TEST_CASE("the composer's verdicts: blank and too long are not sent") {
  harness h;
  h.go_live("eric");
  CHECK(h.client.send_message(" \n\t ", h.now) == send_verdict::empty);
  CHECK(h.client.send_message(std::string(4001, 'x'), h.now) == send_verdict::too_long);
  CHECK(h.sent().empty());
  CHECK(h.client.send_message(std::string(4000, 'x'), h.now) == send_verdict::sent);
  CHECK(h.sent().size() == 1);
}

TEST_CASE("messages typed offline are queued and sent on reconnect with their client_id") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "hi")});
  h.client.on_socket_close(1006, "", h.now);
  h.take();
  CHECK(h.client.send_message("first", h.now) == send_verdict::sent);
  CHECK(h.client.send_message("second", h.now) == send_verdict::sent);
  CHECK(h.sent().empty());
  const auto cid1 = h.client.log().outbox()[0].client_id;
  const auto cid2 = h.client.log().outbox()[1].client_id;
  CHECK(h.client.log().outbox()[0].sent_at == -1);

  h.now += 1000;
  h.client.tick(h.now);
  h.take();
  h.client.on_socket_open(h.now);
  h.welcome("eric", 1);
  const auto frames = h.sent();
  REQUIRE(frames.size() == 2);
  CHECK(std::get<send_request>(decode_client(frames[0]).value()).client_id == cid1);
  CHECK(std::get<send_request>(decode_client(frames[1]).value()).client_id == cid2);

  h.frame(encode(history_event{{}, false, std::nullopt}));
  h.frame(encode(chat_message{2, "eric", "first", t0, cid1}));
  h.frame(encode(chat_message{3, "eric", "second", t0, cid2}));
  CHECK(h.client.log().outbox().empty());
  CHECK(h.client.log().confirmed().size() == 3);
}

TEST_CASE("a message sent just before a drop is resent, and the server's answer confirms it once") {
  harness h;
  h.go_live("eric");
  h.client.send_message("maybe stored", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.take();
  h.client.on_socket_close(1006, "", h.now);
  h.now += 1000;
  h.client.tick(h.now);
  h.client.on_socket_open(h.now);
  h.welcome("eric", 9);
  CHECK(h.sent().size() == 1);
  // The server had stored it: the replay holds it, and the resend is answered with the original.
  h.frame(encode(history_event{{chat_message{9, "eric", "maybe stored", t0, cid}}, false, std::nullopt}));
  h.frame(encode(chat_message{9, "eric", "maybe stored", t0, cid}));
  CHECK(h.client.log().outbox().empty());
  CHECK(h.client.log().confirmed().size() == 1);
}

TEST_CASE("a refused message is marked failed with its reason, and can be retried") {
  harness h;
  h.go_live("eric");
  h.client.send_message("spam", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.take();
  h.frame(encode(error_event{"rate_limited", "slow down", cid}));
  REQUIRE(h.client.log().outbox().size() == 1);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::failed);
  CHECK(h.client.log().outbox()[0].error == "Too many messages at once. Wait a moment, then retry.");

  h.client.retry(cid, h.now);
  const auto frames = h.sent();
  REQUIRE(frames.size() == 1);
  CHECK(std::get<send_request>(decode_client(frames[0]).value()).client_id == cid);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::pending);
  h.frame(encode(chat_message{3, "eric", "spam", t0, cid}));
  CHECK(h.client.log().outbox().empty());
}

TEST_CASE("a failed message can be discarded") {
  harness h;
  h.go_live("eric");
  h.client.send_message("oops", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.frame(encode(error_event{"too_long", "too long", cid}));
  CHECK(h.client.log().outbox()[0].error == "Too long: a message can have at most 4000 characters.");
  h.client.discard(cid);
  CHECK(h.client.log().outbox().empty());
}

TEST_CASE("a message the server never confirms fails after a while") {
  harness h;
  h.go_live("eric");
  h.client.send_message("lost", h.now);
  const auto wake = one<cmd::wake_at>(h.take()).at_ms;
  CHECK(wake == h.now + 15'000);
  h.client.tick(wake);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::failed);
  CHECK(h.client.log().outbox()[0].error == "The server did not confirm this message.");
}

TEST_CASE("an error about no message of ours becomes a notice that goes away") {
  harness h;
  h.go_live("eric");
  h.frame(encode(error_event{"bad_request", "malformed frame", ""}));
  CHECK(h.client.notice() == "malformed frame");
  h.client.tick(h.now + 6'000);
  CHECK(h.client.notice().empty());
}

// ------------------------------------------------------------------ unread

TEST_CASE("messages from others while the tab is hidden count as unread in the title") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "seen")});
  h.client.set_visible(false, h.now);
  h.frame(encode(msg(2, "amy", "new")));
  h.frame(encode(msg(3, "eric", "mine, from another tab")));
  h.frame(encode(msg(4, "zoe", "new too")));
  h.frame(encode(msg(4, "zoe", "new too")));  // a duplicate counts once
  CHECK(h.client.unread() == 2);
  CHECK(h.client.title() == "(2) Chat Room");
  CHECK(all<cmd::set_title>(h.take()).back().title == "(2) Chat Room");

  h.client.set_visible(true, h.now);
  CHECK(h.client.unread() == 0);
  CHECK(one<cmd::set_title>(h.take()).title == "Chat Room");
}

TEST_CASE("a page opened in a background tab does not count its history as unread") {
  harness h;
  h.client.set_visible(false, h.now);
  h.go_live("eric", {msg(1, "amy", "old"), msg(2, "amy", "old")});
  CHECK(h.client.unread() == 0);
  h.frame(encode(msg(3, "amy", "new")));
  CHECK(h.client.unread() == 1);
}

TEST_CASE("messages arriving while scrolled up are counted for the new-messages button") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "a")});
  h.client.set_at_bottom(false);
  h.frame(encode(msg(2, "amy", "b")));
  h.frame(encode(msg(3, "zoe", "c")));
  CHECK(h.client.new_below() == 2);
  // Older pages are not new.
  h.frame(encode(history_event{{msg(0, "amy", "x")}, false, 1}));
  CHECK(h.client.new_below() == 2);
  h.client.set_at_bottom(true);
  CHECK(h.client.new_below() == 0);
}

TEST_CASE("reconnecting is told apart from the first connection") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person("eric")));
  CHECK_FALSE(h.client.reconnecting());
  h.client.on_socket_open(h.now);
  h.welcome("eric", 0);
  h.client.on_socket_close(1006, "", h.now);
  CHECK(h.client.reconnecting());
  h.now += 1000;
  h.client.tick(h.now);
  CHECK(h.client.connection() == connection_state::connecting);
  CHECK(h.client.reconnecting());
}

TEST_CASE("someone the employee list does not know makes the client fetch it again, not too often") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person("eric")));
  const auto employees = one<cmd::http>(h.take()).request;
  h.http(employees, 200, encode_users({person("eric"), person("amy")}));
  h.client.on_socket_open(h.now);
  h.welcome("eric", 0);
  h.frame(encode(history_event{{}, false, std::nullopt}));
  h.take();

  h.frame(encode(msg(1, "amy", "known")));
  CHECK(all<cmd::http>(h.take()).empty());
  h.frame(encode(presence_event{presence_change::join, "newbie", {"amy", "eric", "newbie"}}));
  const auto again = one<cmd::http>(h.take()).request;
  CHECK(again.path == "/api/employees");
  h.frame(encode(msg(2, "other-new", "hi")));
  CHECK(all<cmd::http>(h.take()).empty());  // at most once a minute
  h.http(again, 200, encode_users({person("eric"), person("amy"), person("newbie")}));
  CHECK(h.client.display_name("newbie") == "First newbie");
}

// ------------------------------------------------------------------ logout, robustly

namespace {

/** A page of `store`'s browser, live as eric. */
void live_in(harness& h, const std::vector<chat_message>& history = {}) { h.go_live("eric", history); }

/** The server knows the session ended: the login page, no note, nothing left for the next load. */
void logged_out_and_told(harness& h, const memory_store& store) {
  CHECK(h.client.page() == page_kind::login);
  CHECK(h.client.login_error().empty());
  CHECK_FALSE(store.has(chat_client::logout_key));
}

http_request logout_request(harness& h) {
  h.client.logout(h.now);
  const auto r = one<cmd::http>(h.take()).request;
  REQUIRE(r.path == "/api/logout");
  return r;
}

}  // namespace

TEST_CASE("logging out waits on its own page until the server answered") {
  memory_store store;
  harness h(store);
  live_in(h);
  const auto r = logout_request(h);
  CHECK(h.client.page() == page_kind::logging_out);
  CHECK(store.has(chat_client::logout_key));
  // Nothing else on the way: frames, closes and ticks before the deadline leave the page as it is.
  h.frame(encode(msg(5, "amy", "late")));
  h.client.on_socket_close(1006, "", h.now);
  h.client.tick(h.now + 4'999);
  CHECK(h.client.page() == page_kind::logging_out);
  CHECK(all<cmd::open_socket>(h.take()).empty());

  SECTION("204: the login page, and nothing left to do on the next load") {
    h.http(r, 204);
    logged_out_and_told(h, store);
  }
  SECTION("401: there was no session any more, which is as good") {
    h.http(r, 401);
    logged_out_and_told(h, store);
  }
}

TEST_CASE("a logout the server could not be told of logs out here with a note; the next page load tells it") {
  memory_store store;
  harness h(store);
  live_in(h);
  const auto r = logout_request(h);
  h.http(r, GENERATE(0, 503));  // no answer, or a server error
  CHECK(h.client.page() == page_kind::login);
  CHECK(h.client.login_error() ==
        "You are logged out on this device, but the server could not be reached to end your session. "
        "It will be ended the next time the Chat Room opens.");
  SECTION("without a store (a headless client) the note promises nothing more") {
    harness bare;
    live_in(bare);
    bare.http(logout_request(bare), 0);
    CHECK(bare.client.login_error() ==
          "You are logged out on this device, but the server could not be reached to end your session.");
  }
  CHECK(h.client.log().confirmed().empty());
  CHECK(store.has(chat_client::logout_key));

  // The next page load (the session cookie is still there) posts the logout before anything else.
  harness reload(store);
  reload.client.start(reload.now);
  const auto again = one<cmd::http>(reload.take()).request;
  CHECK(again.path == "/api/logout");
  CHECK(again.keepalive);
  CHECK(reload.client.page() == page_kind::starting);
  SECTION("the server is still away: retried with backoff, the session is not asked for meanwhile") {
    reload.http(again, 0);
    const auto at = one<cmd::wake_at>(reload.take()).at_ms;
    reload.client.tick(at);
    CHECK(one<cmd::http>(reload.take()).request.path == "/api/logout");
    CHECK(reload.client.page() == page_kind::starting);
  }
  SECTION("answered: then the session check, which finds none") {
    reload.http(again, 204);
    CHECK_FALSE(store.has(chat_client::logout_key));
    const auto me = one<cmd::http>(reload.take()).request;
    CHECK(me.path == "/api/me");
    reload.http(me, 401);
    CHECK(reload.client.page() == page_kind::login);
    CHECK(reload.client.login_error().empty());
  }
}

TEST_CASE("a logout the server does not answer in time stops waiting; a late answer still counts") {
  memory_store store;
  harness h(store);
  live_in(h);
  const auto r = logout_request(h);
  const auto deadline = one<cmd::wake_at>(h.last).at_ms;
  CHECK(deadline == h.now + 5'000);
  h.client.tick(deadline);
  CHECK(h.client.page() == page_kind::login);
  CHECK_FALSE(h.client.login_error().empty());
  CHECK(store.has(chat_client::logout_key));

  h.http(r, 204);  // it got through after all
  logged_out_and_told(h, store);
}

TEST_CASE("a reload while logging out ends the session on the next load") {
  memory_store store;
  harness h(store);
  live_in(h);
  logout_request(h);  // the page goes away before the answer
  harness reload(store);
  reload.client.start(reload.now);
  CHECK(one<cmd::http>(reload.take()).request.path == "/api/logout");
}

TEST_CASE("logging in again replaces the session an unconfirmed logout was about") {
  memory_store store;
  harness h(store);
  live_in(h);
  h.http(logout_request(h), 0);
  REQUIRE(store.has(chat_client::logout_key));
  h.client.submit_login("eric", "secret", h.now);
  const auto login = one<cmd::http>(h.take()).request;
  h.http(login, 200, R"({"token":"t","user":)" + encode_user(person("eric")) + "}");
  CHECK(h.client.page() == page_kind::chat);
  CHECK_FALSE(store.has(chat_client::logout_key));
  harness reload(store);
  reload.client.start(reload.now);
  CHECK(one<cmd::http>(reload.take()).request.path == "/api/me");  // not logged out by a leftover
}

// ------------------------------------------------------------------ the saved outbox

namespace {

std::vector<std::string> outbox_texts(const chat_client& c) {
  std::vector<std::string> out;
  for (const auto& e : c.log().outbox()) out.push_back(e.text);
  return out;
}

std::string frame_client_id(const std::string& frame) {
  const auto f = decode_client(frame);
  REQUIRE(f.ok());
  return std::get<send_request>(f.value()).client_id;
}

/** Page load with a good cookie up to the open socket (no welcome yet). */
void load_until_open(harness& h, const std::string& me = "eric") {
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person(me)));
  h.take();
  h.client.on_socket_open(h.now);
}

}  // namespace

TEST_CASE("messages typed offline survive a reload and go after the welcome with their client_id") {
  memory_store store;
  harness h(store, 1);
  live_in(h, {msg(1, "amy", "hi")});
  h.client.on_socket_close(1006, "", h.now);
  h.now += 2'000;
  h.client.send_message("first", h.now);
  h.client.send_message("second", h.now);
  const auto cid1 = h.client.log().outbox()[0].client_id;
  const auto cid2 = h.client.log().outbox()[1].client_id;
  const auto typed_at = h.client.log().outbox()[0].time;
  REQUIRE(store.has(chat_client::outbox_key("eric")));

  harness reload(store, 2);  // another page: its own client_id prefix
  reload.now = h.now + 60'000;
  load_until_open(reload);
  // Before any welcome, the restored messages are there, pending, as they were typed.
  CHECK(outbox_texts(reload.client) == std::vector<std::string>{"first", "second"});
  for (const auto& e : reload.client.log().outbox()) {
    CHECK(e.delivery == delivery_state::pending);
    CHECK(e.sent_at == -1);
    CHECK(e.username == "eric");
  }
  CHECK(reload.client.log().outbox()[0].time == typed_at);
  CHECK(reload.sent().empty());

  reload.welcome("eric", 1);
  const auto frames = reload.sent();
  REQUIRE(frames.size() == 2);
  CHECK(frame_client_id(frames[0]) == cid1);
  CHECK(frame_client_id(frames[1]) == cid2);

  // A new message of the reloaded page does not take a restored client_id.
  reload.client.send_message("third", reload.now);
  const auto cid3 = reload.client.log().outbox()[2].client_id;
  CHECK(cid3 != cid1);
  CHECK(cid3 != cid2);

  reload.frame(encode(history_event{{msg(1, "amy", "hi")}, false, std::nullopt}));
  reload.frame(encode(chat_message{2, "eric", "first", t0, cid1}));
  CHECK(store.has(chat_client::outbox_key("eric")));
  reload.frame(encode(chat_message{3, "eric", "second", t0, cid2}));
  reload.frame(encode(chat_message{4, "eric", "third", t0, cid3}));
  CHECK(reload.client.log().outbox().empty());
  CHECK(reload.client.log().confirmed().size() == 4);
  CHECK_FALSE(store.has(chat_client::outbox_key("eric")));  // confirmed: nothing left to keep
}

TEST_CASE("a saved message the server had stored is confirmed by the history, shown once") {
  memory_store store;
  harness h(store, 1);
  live_in(h);
  h.client.send_message("maybe stored", h.now);  // sent, then the page went away before the echo
  const auto cid = h.client.log().outbox()[0].client_id;

  harness reload(store, 2);
  load_until_open(reload);
  reload.welcome("eric", 7);
  CHECK(reload.sent().size() == 1);  // resent: the server answers it with the original
  reload.frame(encode(history_event{{chat_message{7, "eric", "maybe stored", t0, cid}}, false, std::nullopt}));
  reload.frame(encode(chat_message{7, "eric", "maybe stored", t0, cid}));
  CHECK(reload.client.log().outbox().empty());
  CHECK(reload.client.log().confirmed().size() == 1);
  CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
}

TEST_CASE("a failed message is kept as failed, with its reason, and can be retried after a reload") {
  memory_store store;
  harness h(store, 1);
  live_in(h);
  h.client.send_message("spam", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.frame(encode(error_event{"rate_limited", "slow down", cid}));

  harness reload(store, 2);
  load_until_open(reload);
  REQUIRE(reload.client.log().outbox().size() == 1);
  CHECK(reload.client.log().outbox()[0].delivery == delivery_state::failed);
  CHECK(reload.client.log().outbox()[0].error == "Too many messages at once. Wait a moment, then retry.");
  reload.welcome("eric", 0);
  CHECK(reload.sent().empty());  // a failed one waits for the user
  reload.client.retry(cid, reload.now);
  CHECK(frame_client_id(reload.sent().at(0)) == cid);
  SECTION("discarded instead: gone from the store too") {
    reload.client.discard(cid);
    CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
  }
  SECTION("confirmed") {
    reload.frame(encode(chat_message{3, "eric", "spam", t0, cid}));
    CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
  }
}

TEST_CASE("the saved outbox belongs to its user and goes with their logout") {
  memory_store store;
  harness h(store, 1);
  live_in(h);
  h.client.on_socket_close(1006, "", h.now);
  h.client.send_message("eric's", h.now);

  SECTION("another user of this browser does not get it") {
    harness amy(store, 2);
    load_until_open(amy, "amy");
    CHECK(amy.client.log().outbox().empty());
    CHECK(store.has(chat_client::outbox_key("eric")));
  }
  SECTION("logging out forgets it") {
    h.client.logout(h.now);
    CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
    harness reload(store, 2);
    reload.client.start(reload.now);
    reload.http(one<cmd::http>(reload.take()).request, 204);  // the logout, answered on this load
    reload.http(one<cmd::http>(reload.take()).request, 200, encode_user(person("eric")));
    CHECK(reload.client.log().outbox().empty());
  }
  SECTION("a session that ended by itself keeps it for the next login") {
    h.client.tick(h.now + 1'000);
    h.take();
    h.client.on_socket_open(h.now);
    h.client.on_socket_close(4401, "unauthorized", h.now);
    REQUIRE(h.client.page() == page_kind::login);
    CHECK(h.client.log().outbox().empty());
    CHECK(store.has(chat_client::outbox_key("eric")));
    h.client.submit_login("eric", "secret", h.now);
    h.http(one<cmd::http>(h.take()).request, 200, R"({"token":"t","user":)" + encode_user(person("eric")) + "}");
    CHECK(outbox_texts(h.client) == std::vector<std::string>{"eric's"});
  }
}

TEST_CASE("two pages of one user keep each other's saved messages") {
  memory_store store;
  harness a(store, 1), b(store, 2);
  live_in(a);
  live_in(b);
  a.client.on_socket_close(1006, "", a.now);
  b.client.on_socket_close(1006, "", b.now);
  a.client.send_message("from a", a.now);
  b.client.send_message("from b", b.now);
  const auto cid_a = a.client.log().outbox()[0].client_id;

  harness reload(store, 3);
  load_until_open(reload);
  CHECK(outbox_texts(reload.client) == std::vector<std::string>{"from a", "from b"});

  // a's message is confirmed in a: b's stays saved.
  a.client.tick(a.now + 1'000);
  a.client.on_socket_open(a.now);
  a.welcome("eric", 0);
  a.frame(encode(chat_message{1, "eric", "from a", t0, cid_a}));
  harness later(store, 4);
  load_until_open(later);
  CHECK(outbox_texts(later.client) == std::vector<std::string>{"from b"});
}

TEST_CASE("saved data of the wrong shape is left out, not trusted") {
  memory_store store;
  const std::string key = chat_client::outbox_key("eric");
  SECTION("not JSON") { store.data[key] = "{not json"; }
  SECTION("not an object") { store.data[key] = "[1,2,3]"; }
  SECTION("messages of the wrong types") {
    store.data[key] = R"({"v":1,"messages":[7,{"client_id":5,"text":"x"},{"client_id":"ok-1","text":["x"]},)"
                      R"({"client_id":"bad id with spaces","text":"x"},{"client_id":"ok-2","text":"   "},)"
                      R"({"client_id":"ok-3","text":"fine","time":"noon"}]})";
  }
  harness h(store);
  load_until_open(h);
  const auto texts = outbox_texts(h.client);
  CHECK((texts.empty() || texts == std::vector<std::string>{"fine"}));
  if (!texts.empty()) CHECK(h.client.log().outbox()[0].time == h.now);  // no usable time: now
}
