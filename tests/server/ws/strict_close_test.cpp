// Strict WebSocket behaviour (issue 14; Autobahn 3.2, 4.1.3, 5.15, 7.1.1 and
// 6.4.3/6.4.4) over real sockets: a message that arrives before the client's
// close, a protocol error or a binary frame reaches its sender as the room's
// broadcast before the server's close frame; invalid UTF-8 fails the
// connection at its first invalid byte, before the frame is whole.
#include "raw_socket.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace chat::test;
using namespace std::chrono_literals;

namespace {

/** A guest's WebSocket (seed path: the server sends it messages only), after its 101. */
std::unique_ptr<raw_socket> open_guest(std::uint16_t port, const std::string& name) {
  auto s = std::make_unique<raw_socket>(port);
  REQUIRE(s->send(upgrade_request(port, "/websocket/chatroom?username=" + name)));
  REQUIRE(s->read_until("\r\n\r\n"));
  return s;
}

/** Where the server's close frame with `code` starts in `in` (npos if none). */
std::size_t close_at(const std::string& in, std::uint16_t code) {
  const char want[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  for (auto at = in.find('\x88'); at != std::string::npos; at = in.find('\x88', at + 1)) {
    if (at + 3 < in.size() && in[at + 2] == want[0] && in[at + 3] == want[1]) return at;
  }
  return std::string::npos;
}

}  // namespace

TEST_CASE("a message sent right before the client's close, a protocol error or a binary frame reaches its sender first",
          "[ws][strict]") {
  test_server server([](chat::server::config& c) { c.guest_mode = true; });
  const auto port = server.port();
  struct ending {
    const char* name;
    std::string frame;
    std::uint16_t code;
  };
  const ending endings[] = {
      {"close", client_frame(8, std::string("\x03\xe8", 2)), 1000},
      {"reserved opcode", client_frame(3, ""), 1002},
      {"binary", client_frame(2, "\x01\x02"), 1003},
  };
  int n = 0;
  for (const auto& e : endings) {
    INFO(e.name);
    auto s = open_guest(port, "strict" + std::to_string(++n));
    const std::string text = std::string("said before the ") + e.name;
    // Both in one write: the server reads the message and the ending together.
    REQUIRE(s->send(client_frame(1, text) + e.frame));
    REQUIRE(s->read_until(std::string("\x88"), 10s));
    REQUIRE(s->send(client_frame(8, std::string("\x03\xe8", 2))));  // answer the server's close
    REQUIRE(s->wait_closed(10s));
    const auto& in = s->received();
    const auto message = in.find("\"message\":\"" + text + "\"");
    const auto close = close_at(in, e.code);
    REQUIRE(close != std::string::npos);
    CHECK(message != std::string::npos);
    CHECK(message < close);
  }
}

TEST_CASE("invalid UTF-8 in a text frame whose rest never arrives closes 1007 at once", "[ws][strict]") {
  test_server server([](chat::server::config& c) { c.guest_mode = true; });
  auto s = open_guest(server.port(), "failfast");
  // A 100-byte text frame: 20 valid bytes, a byte that is never UTF-8 (0xff),
  // and nothing more. The frame timeout (15 s) would close it 1013; the check
  // as the bytes arrive closes it 1007 now.
  const std::string payload = std::string(20, 'a') + "\xff" + std::string(79, 'b');
  const auto frame = client_frame(1, payload);
  const auto header = frame.size() - payload.size();
  REQUIRE(s->send(std::string_view(frame).substr(0, header + 21)));
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(s->read_until(std::string("\x88"), 5s));
  REQUIRE(s->send(client_frame(8, std::string("\x03\xef", 2))));
  REQUIRE(s->wait_closed(5s));
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  CHECK(close_at(s->received(), 1007) != std::string::npos);
}
