// The load generator's bookkeeping: stamps, delivery checks, percentiles,
// command-line bounds and /proc readers.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "options.hpp"
#include "payload.hpp"
#include "proc_probe.hpp"
#include "report.hpp"
#include "stats.hpp"

#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

using namespace loadgen;

TEST_CASE("a stamp survives the body it is written into") {
  const stamp s{7, 1234, 987654321012345};
  const auto body = make_body(s, 64);
  CHECK(body.size() == 64);
  REQUIRE(read_body(body).has_value());
  CHECK(*read_body(body) == s);
  // A payload shorter than the stamp still carries the whole stamp.
  const auto tight = make_body(s, 4);
  CHECK(tight.size() > 4);
  CHECK(*read_body(tight) == s);
}

TEST_CASE("bodies that are not stamps are refused") {
  CHECK_FALSE(read_body("hello"));
  CHECK_FALSE(read_body("lg:1:2"));
  CHECK_FALSE(read_body("lg:a:2:3:"));
  CHECK_FALSE(read_body("lg:-1:2:3:"));
  CHECK_FALSE(read_body(""));
}

TEST_CASE("client ids are unique per run, sender and sequence") {
  CHECK(make_client_id("r1", 2, 3) == "lg-r1-2-3");
  CHECK(make_client_id("r1", 2, 3) != make_client_id("r1", 23, 0));
}

TEST_CASE("the tracker finds duplicates, reordering and strangers") {
  delivery_tracker t(2, 2, 4);
  CHECK(t.record(0, 0, 0) == arrival::first);
  CHECK(t.record(0, 0, 2) == arrival::first);
  CHECK(t.record(0, 0, 1) == arrival::out_of_order);
  CHECK(t.record(0, 0, 2) == arrival::duplicate);
  CHECK(t.record(1, 1, 3) == arrival::first);
  CHECK(t.record(0, 1, 0) == arrival::first);  // other senders have their own order
  CHECK(t.record(5, 0, 0) == arrival::unknown);
  CHECK(t.record(0, 0, 4) == arrival::unknown);
  CHECK(t.delivered() == 5);
  CHECK(t.duplicated() == 1);
  CHECK(t.out_of_order() == 1);
  CHECK(t.unknown() == 2);
  CHECK(t.delivered_from(0, 0) == 3);
  CHECK(t.delivered_from(1, 0) == 0);
}

TEST_CASE("server ids must increase per client") {
  delivery_tracker t(2, 1, 1);
  CHECK(t.record_server_id(0, 5));
  CHECK(t.record_server_id(1, 3));
  CHECK(t.record_server_id(0, 6));
  CHECK_FALSE(t.record_server_id(0, 6));
  CHECK_FALSE(t.record_server_id(0, 2));
  CHECK(t.id_regressions() == 2);
}

TEST_CASE("percentiles use the nearest rank") {
  latency_recorder r;
  for (int i = 100; i >= 1; --i) r.add(i);
  const auto p = r.summarize();
  CHECK(p.count == 100);
  CHECK(p.p50 == 50);
  CHECK(p.p90 == 90);
  CHECK(p.p99 == 99);
  CHECK(p.max == 100);
  latency_recorder empty;
  CHECK(empty.summarize().count == 0);
  latency_recorder one;
  one.add(7);
  CHECK(one.summarize().p99 == 7);
}

namespace {
parse_result parse(std::vector<const char*> args) {
  args.insert(args.begin(), "chat-loadgen");
  return parse_options(static_cast<int>(args.size()), args.data());
}
}  // namespace

TEST_CASE("options: defaults, values and bounds") {
  const auto ok = parse({"--port", "8080", "--target", "plain", "--clients", "100", "--senders", "10", "--messages", "200"});
  REQUIRE(ok.opts);
  CHECK(ok.opts->target == target_kind::plain);
  CHECK(ok.opts->clients == 100);
  CHECK(websocket_path(*ok.opts) == "/");
  const auto chat = parse({"--port", "1", "--users", "a,b,,c"});
  REQUIRE(chat.opts);
  CHECK(chat.opts->users == std::vector<std::string>{"a", "b", "c"});
  CHECK(websocket_path(*chat.opts) == "/websocket/chatroom?v=1");

  CHECK_FALSE(parse({}).opts);                                            // no port
  CHECK_FALSE(parse({"--port", "1", "--host", "10.0.0.1"}).opts);        // loopback only
  CHECK_FALSE(parse({"--port", "1", "--clients", "20000"}).opts);        // over the fd limit
  CHECK_FALSE(parse({"--port", "1", "--clients", "2", "--senders", "3"}).opts);
  CHECK_FALSE(parse({"--port", "1", "--mode", "login", "--target", "plain", "--logins", "3"}).opts);
  CHECK_FALSE(parse({"--port", "1", "--timeout", "0"}).opts);
  CHECK_FALSE(parse({"--port", "1", "--bogus", "1"}).opts);
  CHECK(parse({"--help"}).error == "help");
}

TEST_CASE("/proc probes read this process") {
  // Run time is charged when a thread leaves the CPU: spin a little, then sleep once. The spin is
  // 20 ms of this process's CPU time, not of the wall clock: on a loaded machine 20 ms of wall time
  // may give it less than the one 10 ms tick /proc counts in.
  volatile std::uint64_t spin = 0;
  const auto cpu_ms = [] {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
  };
  const double until = cpu_ms() + 20;
  while (cpu_ms() < until) spin = spin + 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto s = sample_process(static_cast<int>(getpid()));
  REQUIRE(s);
  CHECK(s->rss_kib > 0);
  CHECK(s->hwm_kib >= s->rss_kib);
  CHECK(s->cpu_s > 0);
  CHECK_FALSE(sample_process(0x7ffffff0));
}

TEST_CASE("a run is clean only without loss, duplicates, reordering or failures") {
  result r;
  CHECK(r.clean());
  r.lost = 1;
  CHECK_FALSE(r.clean());
  r.lost = 0;
  r.out_of_order = 1;
  CHECK_FALSE(r.clean());
  r.out_of_order = 0;
  r.connect_failures = 1;
  CHECK_FALSE(r.clean());
  r.connect_failures = 0;
  CHECK(to_json_line(r).find("\"clean\":true") != std::string::npos);
}
