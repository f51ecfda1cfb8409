// The opening handshake: its decisions without sockets (the 404 before the
// session check; 426, 400, the timeout's 503 and the 101 after it; the early
// bytes kept), and the handshake timeout over real sockets: an upgrade that
// takes longer than it is refused, and the clock starts again after each
// response on a kept-alive connection.
#include "ws/handshake.hpp"

#include "raw_socket.hpp"
#include "room/room.hpp"
#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

using namespace chat::server;
using namespace chat::test;
using namespace std::chrono_literals;

namespace {

const auto t0 = ws::handshake_clock::now();
constexpr auto rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3's example

ws::handshake_reply answer(std::string_view version, std::string_view key, std::chrono::milliseconds took = 0ms,
                           std::string_view early = {}) {
  return ws::answer_upgrade(version, key, early, t0, t0 + took, std::chrono::seconds(30));
}

}  // namespace

TEST_CASE("only the chat socket's path is upgraded, another gets 404 before any session check", "[handshake]") {
  CHECK_FALSE(ws::refuse_upgrade_target("/websocket/chatroom"));
  for (const char* path : {"/websocket/other", "/websocket/chatroom/", "/websocket", "/"}) {
    INFO(path);
    const auto refusal = ws::refuse_upgrade_target(path);
    REQUIRE(refusal);
    CHECK(refusal->status == 404);
    CHECK(refusal->body.find("not_found") != std::string::npos);
  }
}

TEST_CASE("a version 13 request with a valid key gets the 101 with the RFC's accept key", "[handshake]") {
  const auto reply = answer("13", rfc_key);
  REQUIRE_FALSE(reply.refusal);
  CHECK(reply.response.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
  CHECK(reply.response.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
  CHECK(reply.response.find("\r\nUpgrade: websocket\r\n") != std::string::npos);
  CHECK(reply.response.size() >= 4);
  CHECK(reply.response.substr(reply.response.size() - 4) == "\r\n\r\n");
}

TEST_CASE("client bytes that came with the upgrade request are kept for the WebSocket", "[handshake]") {
  const std::string early("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);  // a masked "Hello"
  CHECK(answer("13", rfc_key, 0ms, early).early == early);
  CHECK(answer("13", "not a key", 0ms, early).early.empty());  // refused: nothing goes on
}

TEST_CASE("another WebSocket version gets 426 naming version 13, a bad key 400", "[handshake]") {
  for (const char* version : {"8", "", "13 ", "130"}) {
    INFO("version: '" << version << "'");
    const auto reply = answer(version, rfc_key);
    REQUIRE(reply.refusal);
    CHECK(reply.refusal->status == 426);
    REQUIRE(reply.refusal->get("Sec-WebSocket-Version"));
    CHECK(*reply.refusal->get("Sec-WebSocket-Version") == "13");
    CHECK(reply.response.empty());
  }
  for (const char* key : {"", "short", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ==="}) {
    INFO("key: '" << key << "'");
    const auto reply = answer("13", key);
    REQUIRE(reply.refusal);
    CHECK(reply.refusal->status == 400);
    CHECK(reply.refusal->body.find("bad_request") != std::string::npos);
  }
}

TEST_CASE("a handshake longer than its timeout is refused with 503 handshake_timeout, the timeout itself is not",
          "[handshake]") {
  CHECK_FALSE(answer("13", rfc_key, 30s).refusal);
  const auto late = answer("13", rfc_key, 30001ms);
  REQUIRE(late.refusal);
  CHECK(late.refusal->status == 503);
  CHECK(late.refusal->body.find("handshake_timeout") != std::string::npos);
  CHECK(late.response.empty());
}

TEST_CASE("over a socket, an upgrade that takes longer than the handshake timeout gets 503 and no WebSocket",
          "[handshake][ws]") {
  test_server s([](config& c) {
    c.guest_mode = true;
    c.ws_handshake_timeout_s = 1;
  });
  const auto port = s.port();
  const auto request = upgrade_request(port, "/websocket/chatroom?username=slowpoke");

  // The same request at once is accepted.
  raw_socket quick(port);
  REQUIRE(quick.send(request));
  REQUIRE(quick.read_until("\r\n\r\n"));
  CHECK(first_status(quick.received()) == 101);

  // Sent in two halves 1.5 s apart (within the 15 s a request may take): refused. (Another guest name:
  // slowpoke's is held by the quick one.)
  const auto slow_request = upgrade_request(port, "/websocket/chatroom?username=slowpoke2");
  raw_socket slow(port);
  REQUIRE(slow.send(slow_request.substr(0, slow_request.size() / 2)));
  std::this_thread::sleep_for(1500ms);
  REQUIRE(slow.send(slow_request.substr(slow_request.size() / 2)));
  REQUIRE(slow.wait_closed());
  CHECK(first_status(slow.received()) == 503);
  CHECK(slow.received().find("handshake_timeout") != std::string::npos);
  CHECK(slow.received().find("101 Switching") == std::string::npos);
  CHECK(s.get().chat_room().size() == 1);  // the quick one alone
}

TEST_CASE("on a kept-alive connection the handshake timeout runs from the end of the previous response",
          "[handshake][ws]") {
  test_server s([](config& c) {
    c.guest_mode = true;
    c.ws_handshake_timeout_s = 1;
  });
  const auto port = s.port();
  const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  // 1.5 s after the connection opened, but right after a response: accepted.
  raw_socket c(port);
  std::this_thread::sleep_for(1500ms);
  REQUIRE(c.send(healthz));
  REQUIRE(c.read_until("\r\n\r\n"));
  REQUIRE(first_status(c.received()) == 200);
  REQUIRE(c.read_until("}"));
  REQUIRE(c.send(upgrade_request(port, "/websocket/chatroom?username=keeper")));
  CHECK(c.read_until("HTTP/1.1 101 Switching Protocols\r\n"));

  // Idle for 1.5 s after a response, then the upgrade: refused.
  raw_socket idle(port);
  REQUIRE(idle.send(healthz));
  REQUIRE(idle.read_until("}"));
  std::this_thread::sleep_for(1500ms);
  REQUIRE(idle.send(upgrade_request(port, "/websocket/chatroom?username=idler")));
  REQUIRE(idle.wait_closed());
  CHECK(idle.received().find("}HTTP/1.1 503 ") != std::string::npos);  // right after the first body
  CHECK(idle.received().find("handshake_timeout") != std::string::npos);
}
