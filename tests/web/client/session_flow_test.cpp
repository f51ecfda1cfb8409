// session_flow through the client: the page load's session check, the login
// form's errors, logging out (answered, unanswered, reloaded meanwhile).
#include "client_harness.hpp"

using namespace chat;
using namespace chat::web;
using namespace client_test;

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
  SECTION("a disabled account, told apart from other refusals") {
    h.http(req, 403, R"({"error":"account_disabled","message":"This account is disabled; ask an administrator."})");
    CHECK(h.client.login_error() == "This account is disabled. Ask an administrator to enable it.");
    CHECK(h.client.page() == page_kind::login);
    CHECK_FALSE(h.client.login_busy());
  }
  SECTION("another 403") {
    h.http(req, 403, R"({"error":"forbidden_origin","message":"no"})");
    CHECK(h.client.login_error() == "The server could not log you in (HTTP 403). Please try again.");
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
  h.receive(encode(history_event{{msg(1, "amy", "hi")}, false, std::nullopt}));
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
  // And a late event from the old socket neither.
  h.receive(encode(msg(2, "amy", "late")));
  CHECK(h.client.log().confirmed().empty());
}

// ------------------------------------------------------------------ logout, robustly

TEST_CASE("logging out waits on its own page until the server answered") {
  memory_store store;
  harness h(store);
  live_in(h);
  const auto r = logout_request(h);
  CHECK(h.client.page() == page_kind::logging_out);
  CHECK(store.has(chat_client::logout_key));
  // Nothing else on the way: requests, closes and ticks before the deadline leave the page as it is.
  h.receive(encode(msg(5, "amy", "late")));
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

// ------------------------------------------------------------------ the part on its own

TEST_CASE("session_flow: a page load asks /api/me, or first ends the session of a noted logout") {
  auto ctx = fixed_context();
  memory_store store;
  session_flow s(ctx);
  s.set_store(&store);
  s.start();
  CHECK(one<cmd::http>(ctx.take_commands()).request.path == "/api/me");
  s.note_logout();
  CHECK(store.has(session_flow::logout_key));
  s.start();
  const auto r = one<cmd::http>(ctx.take_commands()).request;
  CHECK(r.path == "/api/logout");
  CHECK(r.keepalive);
  s.on_logout(http_response{r.id, 204, "", -1}, r.id, t0);
  CHECK_FALSE(store.has(session_flow::logout_key));
  CHECK(one<cmd::http>(ctx.take_commands()).request.path == "/api/me");
}

TEST_CASE("session_flow: /api/me decides the page; an unreachable server is asked again with backoff") {
  auto ctx = fixed_context();
  session_flow s(ctx);
  s.start();
  ctx.take_commands();
  CHECK_FALSE(s.on_me(http_response{1, 503, "", -1}, t0).has_value());
  CHECK(s.page() == page_kind::starting);
  CHECK(s.next_wake() == t0 + 500);
  s.tick(t0 + 499);
  CHECK(ctx.take_commands().empty());
  s.tick(t0 + 500);
  CHECK(one<cmd::http>(ctx.take_commands()).request.path == "/api/me");
  const auto user = s.on_me(http_response{2, 200, encode_user(person("eric")), -1}, t0 + 600);
  REQUIRE(user.has_value());
  CHECK(user->username == "eric");
  s.entered(*user);
  CHECK(s.page() == page_kind::chat);
  CHECK_FALSE(s.next_wake().has_value());
  s.ended("why");
  CHECK(s.page() == page_kind::login);
  CHECK(s.login_error() == "why");
  CHECK(s.me().username.empty());
}

TEST_CASE("session_flow: a 200 that is not a user shows the login page") {
  auto ctx = fixed_context();
  session_flow s(ctx);
  s.start();
  CHECK_FALSE(s.on_me(http_response{1, 200, "{}", -1}, t0).has_value());
  CHECK(s.page() == page_kind::login);
}
