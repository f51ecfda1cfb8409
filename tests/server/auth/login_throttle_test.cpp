// The login throttle without sockets, on a clock the test moves: locks that
// double up to their cap, the quiet reset, the bounded table that evicts its
// oldest key, and auth's two keys ((account, address) and address, IPv6 by /64).
#include "auth/auth.hpp"
#include "auth/crypto.hpp"
#include "auth/login_throttle.hpp"
#include "http/address_list.hpp"
#include "store/seed_data.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace chat::server;
using namespace std::chrono_literals;

namespace {

throttle_rule rule_of(int failures) {
  throttle_rule r;
  r.max_failures = failures;
  r.first_lock = 30s;
  r.max_lock = 120s;
  r.quiet_reset = 600s;
  return r;
}

/** Fails `key` `n` times at `at`; the lock the last failure started. */
std::int64_t fail(login_throttle& t, const std::string& key, const throttle_rule& r, int n,
                  login_throttle::clock::time_point at) {
  std::int64_t lock = 0;
  for (int i = 0; i < n; ++i) lock = t.record_failure(key, r, at);
  return lock;
}

}  // namespace

TEST_CASE("a throttle key locks at its limit for a period that doubles with each further lock, up to the cap",
          "[auth]") {
  login_throttle t(100);
  const auto r = rule_of(3);
  const auto t0 = login_throttle::clock::now();
  CHECK(fail(t, "k", r, 2, t0) == 0);
  CHECK(t.retry_after("k", t0) == 0);
  CHECK(t.record_failure("k", r, t0) == 30);
  CHECK(t.retry_after("k", t0) == 30);
  CHECK(t.retry_after("k", t0 + 29s) == 1);
  CHECK(t.retry_after("k", t0 + 30s) == 0);
  CHECK(t.retry_after("other", t0) == 0);
  auto at = t0 + 30s;
  CHECK(fail(t, "k", r, 3, at) == 60);
  at += 60s;
  CHECK(fail(t, "k", r, 3, at) == 120);
  at += 120s;
  CHECK(fail(t, "k", r, 3, at) == 120);  // the cap
  CHECK(t.retry_after("k", at + 119s) == 1);
  // Quiet for quiet_reset after the lock ended: a fresh start at 30 s.
  at += 120s + 600s;
  CHECK(fail(t, "k", r, 3, at) == 30);
  t.clear("k");
  CHECK(t.retry_after("k", at) == 0);
}

TEST_CASE("a full throttle table evicts the key that failed least recently and keeps recording", "[auth]") {
  login_throttle t(3);
  const auto r = rule_of(3);
  const auto t0 = login_throttle::clock::now();
  t.record_failure("a", r, t0);
  t.record_failure("b", r, t0 + 1s);
  t.record_failure("c", r, t0 + 2s);
  t.record_failure("a", r, t0 + 3s);  // a is now the most recent; b the oldest
  REQUIRE(t.size() == 3);
  // A fourth key is still counted (it used to be ignored while the table was full)...
  CHECK(fail(t, "d", r, 3, t0 + 4s) == 30);
  CHECK(t.retry_after("d", t0 + 4s) == 30);
  CHECK(t.size() == 3);
  // ...and b, the oldest, made room: its one failure is forgotten, a's two are not.
  CHECK(fail(t, "b", r, 2, t0 + 5s) == 0);  // evicts c
  CHECK(t.record_failure("a", r, t0 + 6s) == 30);
}

TEST_CASE("auth throttles per (account, address) and per address, and a correct password clears only its own key",
          "[auth]") {
  chat::test::temp_dir d;
  REQUIRE(crypto::init());
  auto s = open_sqlite_store((d / "t.db").string());
  seed_sample_data(*s);
  login_policy p;  // the defaults: 5 per (account, address), 20 per address
  auth a(*s, *s, p);
  using st = login_outcome::status;

  for (int i = 0; i < 4; ++i) REQUIRE(a.login("user2", "bad", "10.0.0.1").result == st::bad_credentials);
  REQUIRE(a.login("user2", "user2", "10.0.0.1").result == st::ok);  // clears user2@10.0.0.1
  for (int i = 0; i < 4; ++i) REQUIRE(a.login("User2", "bad", "10.0.0.1").result == st::bad_credentials);
  CHECK(a.login("user2", "user2", "10.0.0.1").result == st::ok);  // 4 + 4 failures, yet not locked
  for (int i = 0; i < 5; ++i) REQUIRE(a.login("user2", "bad", "10.0.0.1").result == st::bad_credentials);
  const auto locked = a.login("user2", "user2", "10.0.0.1");
  CHECK(locked.result == st::throttled);
  // The first lock's length, less the time since the fifth failure (seconds on a loaded machine).
  CHECK(locked.retry_after_s <= chat::limits::login_lock_first_s);
  CHECK(locked.retry_after_s > chat::limits::login_lock_first_s - 10);
  CHECK(a.login("user2", "user2", "10.0.0.2").result == st::ok);  // the account is not locked elsewhere
  CHECK(a.login("user3", "user3", "10.0.0.1").result == st::ok);  // nor the address for other accounts

  // The address key: 13 failures so far from 10.0.0.1; 7 more, each for another name.
  for (int i = 0; i < 7; ++i) REQUIRE(a.login("ghost" + std::to_string(i), "x", "10.0.0.1").result == st::bad_credentials);
  CHECK(a.login("user3", "user3", "10.0.0.1").result == st::throttled);
  CHECK(a.login("user3", "user3", "10.0.0.3").result == st::ok);

  // IPv6 hosts count by their /64.
  CHECK(address_group("2001:db8:1:2:aaaa::7") == "2001:db8:1:2::/64");
  CHECK(address_group("::ffff:192.0.2.7") == "192.0.2.7");
  for (int i = 1; i <= 20; ++i) {
    const auto n = std::to_string(i);
    REQUIRE(a.login("ghost" + n, "x", "2001:db8:1:2::" + n).result == st::bad_credentials);
  }
  CHECK(a.login("user1", "user1", "2001:db8:1:2:ffff::1").result == st::throttled);
  CHECK(a.login("user1", "user1", "2001:db8:1:3::1").result == st::ok);
}
