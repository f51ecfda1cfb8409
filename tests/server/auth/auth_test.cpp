// Logins, tokens and the per-user rate limit, without sockets (the login
// throttle: login_throttle_test.cpp).
#include "auth/auth.hpp"
#include "auth/crypto.hpp"
#include "room/rate_limiter.hpp"
#include "store/seed_data.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "test_support.hpp"

#include <chat/limits.hpp>

#include <catch2/catch.hpp>

using namespace chat::server;
using namespace std::chrono_literals;

TEST_CASE("tokens are 256 random bits, stored only as a digest", "[auth]") {
  REQUIRE(crypto::init());
  const auto a = crypto::new_token();
  const auto b = crypto::new_token();
  CHECK(a.size() == 43);
  CHECK(a != b);
  CHECK(crypto::token_digest(a).size() == 64);
  CHECK(crypto::token_digest(a) != crypto::token_digest(b));
  CHECK(crypto::token_digest(a) == crypto::token_digest(a));
}

TEST_CASE("login, session lookup and logout", "[auth]") {
  chat::test::temp_dir d;
  REQUIRE(crypto::init());
  auto s = open_sqlite_store((d / "t.db").string());
  seed_sample_data(*s);
  auth a(*s, *s);

  auto ok = a.login("user1", "user1", "10.0.0.1");
  REQUIRE(ok.result == login_outcome::status::ok);
  CHECK(ok.user.username == "user1");
  CHECK(a.user_for_token(ok.token)->username == "user1");
  CHECK_FALSE(a.user_for_token(ok.token + "x"));
  CHECK(a.login("user1", "wrong", "10.0.0.1").result == login_outcome::status::bad_credentials);
  CHECK(a.login("ghost", "user1", "10.0.0.1").result == login_outcome::status::bad_credentials);
  CHECK(a.logout(ok.token));
  CHECK_FALSE(a.user_for_token(ok.token));
  CHECK_FALSE(a.logout(ok.token));
  CHECK(a.is_registered("User3"));
  CHECK_FALSE(a.is_registered("ghost"));
}

TEST_CASE("token buckets refill at the rate, strikes close within a window", "[auth]") {
  rate_limiter r(5.0, 3.0);
  const auto t0 = rate_limiter::clock::now();
  CHECK(r.allow("amy", t0));
  CHECK(r.allow("amy", t0));
  CHECK(r.allow("amy", t0));
  CHECK_FALSE(r.allow("amy", t0));
  CHECK(r.allow("eric", t0));  // buckets are per user
  CHECK(r.allow("amy", t0 + 200ms));
  CHECK_FALSE(r.allow("amy", t0 + 200ms));
  CHECK(r.burst_window() == std::chrono::duration_cast<rate_limiter::clock::duration>(600ms));

  rate_limiter off(0, 1);
  for (int i = 0; i < 1000; ++i) REQUIRE(off.allow("amy", t0));

  strike_counter s;
  CHECK_FALSE(s.strike(3, 1s, t0));
  CHECK_FALSE(s.strike(3, 1s, t0 + 100ms));
  CHECK_FALSE(s.strike(3, 1s, t0 + 2s));  // the window restarted
  CHECK_FALSE(s.strike(3, 1s, t0 + 2100ms));
  CHECK(s.strike(3, 1s, t0 + 2200ms));
}
