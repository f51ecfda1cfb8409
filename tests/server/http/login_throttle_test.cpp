// The login throttle over real sockets, each key on its own: clients connect
// from other loopback addresses (127.0.0.2, …), so the server sees different
// peers. An attacker slows only themselves: (account, address) and address
// keys, doubling locks, a table that keeps recording when full.
#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace chat::test;
using json = nlohmann::json;

namespace {

http_reply login_from(const std::string& from, std::uint16_t port, const std::string& user,
                      const std::string& password) {
  return http_from(from, port, "POST", "/api/login", {}, json{{"username", user}, {"password", password}}.dump());
}

}  // namespace

TEST_CASE("wrong passwords for an account from one address lock that account there only", "[http][throttle]") {
  test_server s;
  const auto port = s.port();
  for (int i = 0; i < 5; ++i) REQUIRE(login_from("127.0.0.2", port, "user2", "bad" + std::to_string(i)).status == 401);
  const auto r = login_from("127.0.0.2", port, "user2", "user2");  // even the right password waits there
  CHECK(r.status == 429);
  CHECK(json::parse(r.body).at("error") == "throttled");
  const int retry = std::stoi(r.header("retry-after"));
  CHECK(retry >= 1);
  CHECK(retry <= 30);
  CHECK_FALSE(r.has("set-cookie"));
  // The owner, from another address, still logs in (the lockout is no weapon)...
  CHECK(login_from("127.0.0.3", port, "user2", "user2").status == 200);
  // ...and the attacker's address is not locked for other accounts (5 < the address limit).
  CHECK(login_from("127.0.0.2", port, "user3", "user3").status == 200);
}

TEST_CASE("failures from one address across many accounts lock that address", "[http][throttle]") {
  test_server s;
  const auto port = s.port();
  // One failure per account: no (account, address) key comes near its limit of 5.
  for (int i = 0; i < 20; ++i) {
    INFO(i);
    REQUIRE(login_from("127.0.0.4", port, "ghost" + std::to_string(i), "x").status == 401);
  }
  const auto r = login_from("127.0.0.4", port, "user3", "user3");
  CHECK(r.status == 429);
  CHECK(std::stoi(r.header("retry-after")) >= 1);
  CHECK(login_from("127.0.0.5", port, "user3", "user3").status == 200);  // other addresses are not
}

TEST_CASE("each further lock of a throttle key lasts twice as long", "[http][throttle]") {
  // A first lock of 4 s (not 30): long enough for the next request to find it
  // on a loaded machine, short enough to wait out.
  test_server s([](chat::server::config& c) { c.login_lock_first_ms = 4000; });
  const auto port = s.port();
  for (int i = 0; i < 5; ++i) REQUIRE(login_from("127.0.0.6", port, "user2", "bad").status == 401);
  auto r = login_from("127.0.0.6", port, "user2", "bad");
  REQUIRE(r.status == 429);
  const int first = std::stoi(r.header("retry-after"));
  CHECK(first >= 1);
  CHECK(first <= 4);
  // Tried while locked: refused unchecked and not counted. The first 401 is
  // the first failure after the lock.
  REQUIRE(wait_for([&] { return login_from("127.0.0.6", port, "user2", "bad").status == 401; }, 20s));
  for (int i = 0; i < 4; ++i) REQUIRE(login_from("127.0.0.6", port, "user2", "bad").status == 401);
  r = login_from("127.0.0.6", port, "user2", "user2");
  REQUIRE(r.status == 429);
  const int second = std::stoi(r.header("retry-after"));
  CHECK(second <= 8);              // 8 s, less the time the request took
  CHECK(second >= first + 2);      // and not another 4 s (what a fixed lock would say)
  // A correct password after the lock clears the key: five more failures for the next lock.
  REQUIRE(wait_for([&] { return login_from("127.0.0.6", port, "user2", "user2").status == 200; }, 20s));
  for (int i = 0; i < 4; ++i) REQUIRE(login_from("127.0.0.6", port, "user2", "bad").status == 401);
  CHECK(login_from("127.0.0.6", port, "user2", "user2").status == 200);
}

TEST_CASE("a full throttle table evicts its oldest key and still locks a new attacker", "[http][throttle]") {
  test_server s([](chat::server::config& c) { c.login_throttle_keys = 8; });
  const auto port = s.port();
  // Four addresses, one failure each for its own name: their keys fill the table.
  for (int i = 10; i < 14; ++i) {
    REQUIRE(login_from("127.0.0." + std::to_string(i), port, "ghost" + std::to_string(i), "x").status == 401);
  }
  for (int i = 0; i < 5; ++i) REQUIRE(login_from("127.0.0.20", port, "user2", "bad").status == 401);
  CHECK(login_from("127.0.0.20", port, "user2", "user2").status == 429);
  CHECK(login_from("127.0.0.21", port, "user2", "user2").status == 200);
}
