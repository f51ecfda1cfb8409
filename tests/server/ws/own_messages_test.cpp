// The close held for a session's own messages (ws/own_messages.hpp).
#include "ws/own_messages.hpp"

#include <catch2/catch.hpp>

using chat::server::ws::own_messages;

TEST_CASE("a held close goes once every own message is answered and its broadcast queued", "[own_messages]") {
  own_messages own;
  CHECK(own.settled());
  own.submitted();
  own.submitted();
  CHECK_FALSE(own.settled());
  own.hold(1000, "bye");
  CHECK(own.holding());
  CHECK_FALSE(own.release());
  own.written(7);   // stored as 7: its broadcast is on its way
  own.written(0);   // the other refused or a resend: its answer was delivered
  CHECK_FALSE(own.release());  // 7 not queued yet
  own.seen(6);
  CHECK_FALSE(own.release());
  own.seen(9);  // a batch up to 9, ours included
  const auto held = own.release();
  REQUIRE(held);
  CHECK(held->code == 1000);
  CHECK(held->reason == "bye");
  CHECK_FALSE(own.holding());
  CHECK_FALSE(own.release());
}

TEST_CASE("a broadcast that overtakes the writer's answer still counts, and release(now) forces the close",
          "[own_messages]") {
  own_messages own;
  own.submitted();
  own.seen(12);  // the batch came first
  own.hold(1002, "reserved bits set");
  CHECK_FALSE(own.release());
  own.written(12);
  CHECK(own.release());

  own_messages stuck;
  stuck.submitted();
  stuck.hold(1007, "text is not UTF-8");
  const auto forced = stuck.release(true);
  REQUIRE(forced);
  CHECK(forced->code == 1007);
}
