// Reconnect delays: doubling caps, jitter inside [cap/2, cap), a ceiling, a reset.
#include "client/reconnect_backoff.hpp"

#include <catch2/catch.hpp>

using chat::web::reconnect_backoff;

TEST_CASE("backoff doubles its cap and jitters inside the upper half") {
  reconnect_backoff b(1000, 30000);
  CHECK(b.next_delay(0.0) == 500);     // cap 1 s
  CHECK(b.next_delay(0.0) == 1000);    // cap 2 s
  CHECK(b.next_delay(0.999) == 3998);  // cap 4 s, near its top
  CHECK(b.next_delay(0.5) == 6000);    // cap 8 s
  CHECK(b.attempts() == 4);
}

TEST_CASE("backoff stops growing at its ceiling") {
  reconnect_backoff b(1000, 30000);
  for (int i = 0; i < 40; ++i) b.next_delay(0.0);
  CHECK(b.next_delay(0.0) == 15000);
  CHECK(b.next_delay(1.0) == 30000);
}

TEST_CASE("backoff starts small again after a reset") {
  reconnect_backoff b(1000, 30000);
  b.next_delay(0.0);
  b.next_delay(0.0);
  b.reset();
  CHECK(b.attempts() == 0);
  CHECK(b.next_delay(0.0) == 500);
}

TEST_CASE("two clients with different luck wait different times") {
  reconnect_backoff a(1000, 30000), b(1000, 30000);
  CHECK(a.next_delay(0.1) != b.next_delay(0.9));
}
