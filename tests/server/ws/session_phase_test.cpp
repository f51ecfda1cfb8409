// The session's phases without a socket: every transition of the close
// handshake (the server first, the peer first, a protocol error, each crossing
// the other), what the session is told to do, and how each end is logged.
#include "ws/session_phase.hpp"

#include <catch2/catch.hpp>

using namespace chat::server;
using ws::phase;
using step = ws::session_phase::step;

namespace {

ws::session_phase opened() {
  ws::session_phase p;
  p.start();
  return p;
}

}  // namespace

TEST_CASE("a session is in the room from start to finish, and finishes once", "[session_phase]") {
  ws::session_phase p;
  CHECK(p.is(phase::created));
  CHECK_FALSE(p.joined());
  p.start();
  CHECK(p.is(phase::open));
  CHECK(p.joined());
  CHECK(p.parses_input());
  CHECK(p.finish());
  CHECK_FALSE(p.joined());
  CHECK_FALSE(p.finish());
  CHECK(p.how_closed() == "error=closed");  // cut without a close handshake
}

TEST_CASE("the server closes first: closing, close_sent once ours left, shut down at the peer's answer",
          "[session_phase]") {
  auto p = opened();
  REQUIRE(p.server_closes(1013));
  CHECK(p.is(phase::closing));
  CHECK(p.parses_input());  // still reading, for the peer's close
  CHECK_FALSE(p.server_closes(1000));  // the first decision stands
  CHECK(p.close_written() == step::none);
  CHECK(p.is(phase::close_sent));
  std::uint16_t answer = 0;
  CHECK(p.peer_closes(1000, answer) == step::shut_down);
  CHECK(answer == 0);  // nothing to answer: ours went first
  REQUIRE(p.shutting_down());
  CHECK(p.is(phase::shutting_down));
  CHECK_FALSE(p.parses_input());
  CHECK_FALSE(p.shutting_down());
  CHECK(p.how_closed() == "close=1013");
}

TEST_CASE("the peer's close arriving before ours has left: flushing, then shut down once ours is written",
          "[session_phase]") {
  auto p = opened();
  REQUIRE(p.server_closes(1001));
  std::uint16_t answer = 0;
  CHECK(p.peer_closes(1000, answer) == step::none);
  CHECK(p.is(phase::flushing));
  CHECK_FALSE(p.parses_input());
  CHECK(p.close_written() == step::shut_down);
  CHECK(p.how_closed() == "close=1001");
}

TEST_CASE("the peer closes first: answered with its code (1000 for none), logged as the peer's", "[session_phase]") {
  auto p = opened();
  std::uint16_t answer = 0;
  CHECK(p.peer_closes(4000, answer) == step::send_close);
  CHECK(answer == 4000);
  CHECK(p.is(phase::flushing));
  CHECK_FALSE(p.server_closes(1001));  // too late: the answer is on its way
  CHECK(p.close_written() == step::shut_down);
  CHECK(p.how_closed() == "peer_close=4000");

  auto q = opened();
  CHECK(q.peer_closes(1005, answer) == step::send_close);
  CHECK(answer == 1000);
  CHECK(q.how_closed() == "peer_close=1005");
}

TEST_CASE("a protocol error closes with its code, also while our close is on its way or sent", "[session_phase]") {
  auto p = opened();
  CHECK(p.peer_failed(1002) == step::send_close);
  CHECK(p.is(phase::flushing));
  CHECK(p.close_written() == step::shut_down);
  CHECK(p.how_closed() == "close=1002");

  auto q = opened();
  REQUIRE(q.server_closes(1003));
  CHECK(q.peer_failed(1007) == step::none);  // ours (1003) is queued already
  CHECK(q.is(phase::flushing));
  CHECK(q.how_closed() == "close=1003");

  auto r = opened();
  REQUIRE(r.server_closes(1000));
  r.close_written();
  CHECK(r.peer_failed(1009) == step::shut_down);
}

TEST_CASE("events after the end change nothing", "[session_phase]") {
  auto p = opened();
  REQUIRE(p.server_closes(1000));
  REQUIRE(p.finish());  // a write error
  std::uint16_t answer = 0;
  CHECK(p.peer_closes(1000, answer) == step::none);
  CHECK(p.peer_failed(1002) == step::none);
  CHECK(p.close_written() == step::none);
  CHECK_FALSE(p.shutting_down());
  CHECK(p.is(phase::finished));
}
