// The caps on WebSocket connections (docs/security.md, finding 2): open
// sockets per user, per client address, and upgrade attempts per address,
// each proven on its own key by connecting from other loopback addresses
// (127.0.0.x), so that only the key under test is shared. Real sockets.
#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using namespace chat::test;

namespace {

/** An upgrade attempt from `from`: the socket (open after a 101) and the whole answer of a refusal. */
struct attempt {
  std::unique_ptr<raw_socket> socket;
  unsigned status = 0;
  std::string answer;
};

attempt connect_from(const char* from, std::uint16_t port, const std::string& token, const std::string& extra = {}) {
  attempt a;
  a.socket = std::make_unique<raw_socket>(port, 0, from);
  REQUIRE(a.socket->send(upgrade_request(port, "/websocket/chatroom", token, extra)));
  REQUIRE(a.socket->read_until("\r\n\r\n"));
  a.status = first_status(a.socket->received());
  if (a.status != 101) a.socket->wait_closed();  // a refusal closes after its JSON body
  a.answer = a.socket->received();
  return a;
}

/** No cap but the ones a test sets. */
void no_caps(chat::server::config& c) {
  c.max_connections_per_user = 0;
  c.max_connections_per_address = 0;
  c.connect_rate = 0;
}

}  // namespace

TEST_CASE("connections per user are capped, whatever address they come from", "[ws][caps]") {
  test_server s([](chat::server::config& c) {
    no_caps(c);
    c.max_connections_per_user = 2;
  });
  const auto port = s.port();
  const auto user1 = login(port, "user1", "user1");
  auto first = connect_from("127.0.0.2", port, user1);
  auto second = connect_from("127.0.0.3", port, user1);
  REQUIRE(first.status == 101);
  REQUIRE(second.status == 101);
  const auto third = connect_from("127.0.0.4", port, user1);  // a fresh address: only the user is full
  CHECK(third.status == 429);
  CHECK(third.answer.find(R"("error":"too_many_user_connections")") != std::string::npos);
  CHECK(third.answer.find("Retry-After:") != std::string::npos);
  // Another user from the first one's address is not refused: the address is not the key.
  CHECK(connect_from("127.0.0.2", port, login(port, "user2", "user2")).status == 101);
  // A closed tab gives its place back.
  first.socket->close();
  CHECK(wait_for([&] { return connect_from("127.0.0.4", port, user1).status == 101; }));
}

TEST_CASE("connections per client address are capped, whoever opens them", "[ws][caps]") {
  test_server s([](chat::server::config& c) {
    no_caps(c);
    c.max_connections_per_address = 2;
  });
  const auto port = s.port();
  auto a = connect_from("127.0.0.5", port, login(port, "user1", "user1"));
  auto b = connect_from("127.0.0.5", port, login(port, "user2", "user2"));
  REQUIRE(a.status == 101);
  REQUIRE(b.status == 101);
  const auto user3 = login(port, "user3", "user3");
  const auto c = connect_from("127.0.0.5", port, user3);  // a fresh user: only the address is full
  CHECK(c.status == 429);
  CHECK(c.answer.find(R"("error":"too_many_address_connections")") != std::string::npos);
  CHECK(connect_from("127.0.0.6", port, user3).status == 101);  // the same user from another address
}

TEST_CASE("upgrade attempts per address are rate limited, before the session is looked up", "[ws][caps]") {
  test_server s([](chat::server::config& c) {
    no_caps(c);
    c.connect_rate = 0.1;  // one more every 10 s: nothing refills during the test
    c.connect_burst = 3;
  });
  const auto port = s.port();
  const auto token = login(port, "user1", "user1");
  std::vector<attempt> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(connect_from("127.0.0.7", port, token));
    REQUIRE(open.back().status == 101);
  }
  const auto refused = connect_from("127.0.0.7", port, token);
  CHECK(refused.status == 429);
  CHECK(refused.answer.find(R"("error":"connecting_too_fast")") != std::string::npos);
  CHECK(refused.answer.find("Retry-After: 10") != std::string::npos);
  // A bad token counts too: the attempt is refused before any session lookup.
  CHECK(connect_from("127.0.0.7", port, "forged").status == 429);
  CHECK(connect_from("127.0.0.8", port, token).status == 101);  // the same user from another address
}

TEST_CASE("behind a trusted proxy, the caps count the forwarded client address", "[ws][caps]") {
  test_server s([](chat::server::config& c) {
    no_caps(c);
    c.max_connections_per_address = 1;
    c.trusted_proxies = {"127.0.0.9"};
  });
  const auto port = s.port();
  const auto token = login(port, "user1", "user1");
  auto a = connect_from("127.0.0.9", port, token, "X-Forwarded-For: 203.0.113.5\r\n");
  auto b = connect_from("127.0.0.9", port, token, "X-Forwarded-For: 203.0.113.6\r\n");
  CHECK(a.status == 101);
  CHECK(b.status == 101);  // one proxy, two clients
  const auto c = connect_from("127.0.0.9", port, token, "X-Forwarded-For: 203.0.113.5\r\n");
  CHECK(c.status == 429);
  CHECK(c.answer.find(R"("error":"too_many_address_connections")") != std::string::npos);
}
