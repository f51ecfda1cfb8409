// The pace of history reads without sockets: a burst passes at once, then one
// read per interval, each connection and each user on its own bucket; a read
// that would wait past the bound is refused and takes nothing.
#include "room/history_pacer.hpp"

#include <catch2/catch.hpp>

using namespace chat::server;
using namespace std::chrono_literals;

TEST_CASE("history reads: a burst at once, then paced, and past the wait bound refused without taking", "[history]") {
  history_pacer p(pace{4, 2}, pace{8, 4}, 1s);  // a socket: 2 at once, 4/s; a user: 4 at once, 8/s
  const auto t0 = history_pacer::clock::now();
  pace_state a;
  CHECK(p.reserve(a, "user1", t0) == t0);
  CHECK(p.reserve(a, "user1", t0) == t0);
  CHECK(p.reserve(a, "user1", t0) == t0 + 250ms);  // the socket's bucket is empty: one per 250 ms
  CHECK(p.reserve(a, "user1", t0) == t0 + 500ms);
  CHECK(p.reserve(a, "user1", t0) == t0 + 750ms);
  CHECK(p.reserve(a, "user1", t0) == t0 + 1000ms);
  CHECK_FALSE(p.reserve(a, "user1", t0));           // 1.25 s away: past the bound
  CHECK_FALSE(p.reserve(a, "user1", t0 + 100ms));   // refused ones took nothing: still 1.25 s
  CHECK(p.reserve(a, "user1", t0 + 250ms) == t0 + 1250ms);
  // Another socket of the same user has its own bucket but shares the user's
  // (8/s after 4 at once; 6 taken so far).
  pace_state b;
  const auto at = p.reserve(b, "user1", t0 + 250ms);
  REQUIRE(at);
  CHECK(*at > t0 + 250ms);
  // Another user is not slowed at all.
  pace_state c;
  CHECK(p.reserve(c, "user3", t0 + 250ms) == t0 + 250ms);
  // A quiet socket gets its burst back.
  pace_state d;
  CHECK(p.reserve(d, "user4", t0) == t0);
  CHECK(p.reserve(d, "user4", t0) == t0);
  CHECK(p.reserve(d, "user4", t0 + 10s) == t0 + 10s);
  CHECK(p.reserve(d, "user4", t0 + 10s) == t0 + 10s);
}

TEST_CASE("history pacing off (rate 0) lets every read run at once", "[history]") {
  history_pacer p(pace{0, 1}, pace{0, 1}, 1s);
  pace_state a;
  const auto t0 = history_pacer::clock::now();
  for (int i = 0; i < 1000; ++i) CHECK(p.reserve(a, "user1", t0) == t0);
}
