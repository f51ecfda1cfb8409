// socket_link through the client: live after the welcome, reconnects with
// backoff, jitter and since=, close codes, the hung attempt, the probe.
#include "client_harness.hpp"

using namespace chat;
using namespace chat::web;
using namespace client_test;

// ------------------------------------------------------------------ connection

TEST_CASE("welcome makes the connection live with who is online") {
  harness h;
  h.go_live("eric");
  CHECK(h.client.connection() == connection_state::live);
  CHECK(h.client.connection_label(h.now) == "Live");
  CHECK(h.client.online() == std::vector<std::string>{"amy", "eric"});

  h.receive(encode(presence_event{presence_change::join, "zoe", {"zoe", "amy", "eric"}}));
  CHECK(h.client.online() == std::vector<std::string>{"amy", "eric", "zoe"});
  h.receive(encode(presence_event{presence_change::leave, "amy", {"eric", "zoe"}}));
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
  h.receive(encode(history_event{{}, false, std::nullopt}));
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
  h.receive(encode(history_event{{msg(3, "amy", "c"), msg(4, "amy", "d")}, false, std::nullopt}));
  h.receive(encode(msg(4, "amy", "d")));
  h.receive(encode(msg(5, "amy", "e")));
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
  h.receive(encode(history_event{newest, true, std::nullopt}));
  CHECK(h.client.filling_gap());
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":501,"limit":200})"});

  std::vector<chat_message> page;
  for (std::int64_t id = 301; id <= 500; ++id) page.push_back(msg(id, "amy", "x"));
  h.receive(encode(history_event{page, true, 501}));
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":301,"limit":200})"});

  page.clear();
  for (std::int64_t id = 101; id <= 300; ++id) page.push_back(msg(id, "amy", "x"));
  h.receive(encode(history_event{page, true, 301}));
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":101,"limit":200})"});

  page.clear();
  for (std::int64_t id = 1; id <= 100; ++id) page.push_back(msg(id, "amy", "x"));  // reaches below since=10
  h.receive(encode(history_event{page, true, 101}));
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

// ------------------------------------------------------------------ the part on its own

TEST_CASE("socket_link: the path resumes after the newest id held") {
  CHECK(socket_link::path(0) == "/websocket/chatroom?v=1");
  CHECK(socket_link::path(42) == "/websocket/chatroom?v=1&since=42");
}

TEST_CASE("socket_link: which close codes end the session") {
  for (int code : {1008, 4400, 4401, 4499}) CHECK(socket_link::is_auth_close(code));
  for (int code : {1000, 1006, 4000, 4029, 4500}) CHECK_FALSE(socket_link::is_auth_close(code));
}

TEST_CASE("socket_link: an attempt has a deadline, a loss schedules the next, a welcome starts the backoff over") {
  auto ctx = fixed_context();
  socket_link link(ctx);
  link.open(7, t0);
  CHECK(one<cmd::open_socket>(ctx.take_commands()).path == "/websocket/chatroom?v=1&since=7");
  CHECK(link.since_used() == 7);
  CHECK(link.next_wake() == t0 + 10'000);
  CHECK_FALSE(link.attempt_overdue(t0 + 9'999));
  CHECK(link.attempt_overdue(t0 + 10'000));
  CHECK(link.label(t0) == "Connecting…");

  link.abandon();
  CHECK(one<cmd::close_socket>(ctx.take_commands()).code == 4000);
  link.lost(t0, 0);
  CHECK(link.waiting());
  CHECK(link.next_wake() == t0 + 500);
  CHECK_FALSE(link.retry_due(t0 + 499));
  CHECK(link.retry_due(t0 + 500));
  CHECK(link.label(t0) == "Reconnecting in 1 s");
  link.set_network_online(false);
  CHECK(link.label(t0) == "No network. Reconnecting in 1 s");

  link.open(7, t0 + 500);
  link.lost(t0 + 500, 0);
  CHECK(link.next_wake() == t0 + 500 + 1000);  // the cap doubled
  link.open(7, t0 + 1500);
  link.on_open();
  CHECK(link.opened());
  link.on_welcome();
  CHECK(link.live());
  link.lost(t0 + 2000, 15'000);
  CHECK(link.next_wake() == t0 + 2000 + 15'000);  // the least wait wins over a small delay
  link.open(7, t0 + 17'000);
  link.on_welcome();
  link.lost(t0 + 18'000, 0);
  CHECK(link.next_wake() == t0 + 18'000 + 500);  // back to the first step after a welcome
}

TEST_CASE("socket_link: one probe at a time, and a logout closes only an open socket") {
  auto ctx = fixed_context();
  socket_link link(ctx);
  CHECK(link.start_probe());
  CHECK_FALSE(link.start_probe());
  link.probe_answered();
  CHECK(link.start_probe());

  link.close_for_logout();
  CHECK(ctx.take_commands().empty());  // nothing open
  link.open(0, t0);
  ctx.take_commands();
  link.close_for_logout();
  CHECK(one<cmd::close_socket>(ctx.take_commands()) == cmd::close_socket{1000, "logged out"});
  link.reset();
  CHECK(link.state() == connection_state::offline);
  CHECK(link.since_used() == 0);
  CHECK(link.start_probe());  // a reset forgets the probe in flight
}
