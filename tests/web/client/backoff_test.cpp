// Reconnect delays: doubling caps, jitter inside [cap/2, cap), a ceiling, a
// reset, and the real dice (entropy_source) that draw the jitter.
#include "client/client_context.hpp"
#include "client/reconnect_backoff.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>

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

TEST_CASE("the real dice land in [0, 1), spread out, and keep every delay inside [cap/2, cap)") {
  using chat::web::entropy_source;
  using chat::web::unit_interval;
  CHECK(unit_interval(0) == 0.0);
  CHECK(unit_interval(~0ull) < 1.0);  // the largest draw stays below 1
  auto dice = entropy_source();
  int outside = 0, delay_outside = 0, low_half = 0;
  std::set<std::uint64_t> distinct;
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t raw = dice();
    distinct.insert(raw);
    const double r = unit_interval(raw);
    if (r < 0.0 || r >= 1.0) ++outside;
    if (r < 0.5) ++low_half;
    reconnect_backoff b(1000, 30000);
    const auto d = b.next_delay(r);
    if (d < 500 || d >= 1000) ++delay_outside;
  }
  CHECK(outside == 0);
  CHECK(delay_outside == 0);
  CHECK(distinct.size() == 2000);              // 64-bit draws do not repeat
  CHECK((low_half > 800 && low_half < 1200));  // both halves are drawn (p of failing < 1e-18)
  auto other = entropy_source();
  CHECK(dice() != other());  // each source is seeded apart
}
