// The soak's bookkeeping (bench/soak): a receiver's ledger catches every lost,
// repeated or reordered message; the /metrics reader finds the samples; the
// command line keeps its bounds.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "ledger.hpp"
#include "soak_options.hpp"

#include <vector>

using namespace soak;

TEST_CASE("a watcher there from the start sees each sender's messages from 0, in order, once") {
  sequence_ledger w(2, true);
  CHECK(w.record(1, 0, 0) == seen::next);
  CHECK(w.record(2, 1, 0) == seen::next);
  CHECK(w.record(3, 0, 1) == seen::next);
  CHECK(w.messages() == 3);
  CHECK(w.missing(0, 2) == 0);
  CHECK(w.missing(1, 3) == 2);  // sender 1 had 3 acknowledged; the watcher has 1
  CHECK(w.gaps() + w.repeats() + w.reorders() == 0);
}

TEST_CASE("a ledger counts a skipped message, a repeated id and a step back") {
  sequence_ledger w(1, true);
  CHECK(w.record(1, 0, 0) == seen::next);
  CHECK(w.record(2, 0, 2) == seen::gap);  // seq 1 never came
  CHECK(w.gaps() == 1);
  CHECK(w.record(2, 0, 3) == seen::repeat);  // the same id again
  CHECK(w.record(1, 0, 1) == seen::repeat);  // an older id
  CHECK(w.repeats() == 2);
  CHECK(w.record(5, 0, 1) == seen::reorder);  // a new id carrying an old seq
  CHECK(w.reorders() == 1);
  CHECK(w.record(6, 3, 0) == seen::foreign);
  // A first message at seq 3 is a gap of 3 for a receiver that was there from the start.
  sequence_ledger late(1, true);
  CHECK(late.record(10, 0, 3) == seen::gap);
  CHECK(late.gaps() == 3);
}

TEST_CASE("a receiver that joined later starts each sender where it first sees it") {
  sequence_ledger v(1, false);
  CHECK(v.record(40, 0, 17) == seen::next);
  CHECK(v.record(41, 0, 18) == seen::next);
  CHECK(v.next_seq(0) == 19);
  CHECK(v.gaps() == 0);
}

TEST_CASE("metric_sum adds the samples of one family, filtered by a label") {
  const char* text =
      "# HELP chatroom_connections_open Connections open now.\n"
      "# TYPE chatroom_connections_open gauge\n"
      "chatroom_connections_open{protocol=\"http\"} 1\n"
      "chatroom_connections_open{protocol=\"legacy\"} 9800\n"
      "chatroom_connections_open{protocol=\"v1\"} 199\n"
      "chatroom_connections_open_extra 7\n"
      "chatroom_ws_server_closes_total{code=\"1013\"} 0\n"
      "chatroom_ws_server_closes_total{code=\"1011\"} 2\n"
      "process_open_fds 10017\n";
  CHECK(metric_sum(text, "chatroom_connections_open") == 10000);
  CHECK(metric_sum(text, "chatroom_connections_open", "protocol=\"v1\"") == 199);
  CHECK(metric_sum(text, "chatroom_ws_server_closes_total", "code=\"1011\"") == 2);
  CHECK(metric_sum(text, "process_open_fds") == 10017);
  CHECK_FALSE(metric_sum(text, "chatroom_missing").has_value());
}

TEST_CASE("the soak's command line: defaults are issue 14's run, bounds are checked") {
  const char* none[] = {"chat-soak", "--server-bin", "/bin/true"};
  const auto d = parse_options(3, none);
  REQUIRE(d.opts);
  CHECK(d.opts->connections == 10000);
  CHECK(d.opts->duration_s == 600);
  const char* too_many[] = {"chat-soak", "--server-bin", "x", "--connections", "20000"};
  CHECK_FALSE(parse_options(5, too_many).opts);
  const char* no_server[] = {"chat-soak"};
  CHECK_FALSE(parse_options(1, no_server).opts);
  const char* range[] = {"chat-soak", "--server-bin", "x", "--lifetime", "5,2"};
  CHECK_FALSE(parse_options(5, range).opts);
  const char* ok[] = {"chat-soak", "--server-bin", "x", "--connections", "500", "--lifetime", "1,5", "--senders", "20"};
  const auto s = parse_options(9, ok);
  REQUIRE(s.opts);
  CHECK(s.opts->life_max_s == 5);
}
