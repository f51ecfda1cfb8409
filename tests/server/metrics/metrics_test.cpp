// The metrics registry and its Prometheus text (format 0.0.4): the exact
// lines a scraper reads, label and HELP escaping, cumulative histogram
// buckets, the names it refuses, and counters updated from many threads.
#include "metrics/metrics.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace chat::server::metrics;

TEST_CASE("counters, gauges and histograms render as Prometheus text 0.0.4", "[metrics]") {
  registry r;
  auto& sent = r.add_counter("chat_sent_total", "Messages sent.");
  auto& open_http = r.add_gauge("chat_open", "Connections open.", {{"protocol", "http"}});
  auto& open_ws = r.add_gauge("chat_open", "ignored: the family has its help", {{"protocol", "ws"}});
  auto& seconds = r.add_histogram("chat_seconds", "Seconds per call.", {0.001, 0.01, 0.1}, {{"op", "commit"}});
  sent.inc();
  sent.inc(41);
  open_http.add(3);
  open_http.add(-1);
  open_ws.set(7);
  seconds.observe(0.0005);
  seconds.observe(0.001);  // on a bound: counted in that bucket (le is "less or equal")
  seconds.observe(0.05);
  seconds.observe(2);      // above every bound: +Inf only
  CHECK(r.render() ==
        "# HELP chat_sent_total Messages sent.\n"
        "# TYPE chat_sent_total counter\n"
        "chat_sent_total 42\n"
        "# HELP chat_open Connections open.\n"
        "# TYPE chat_open gauge\n"
        "chat_open{protocol=\"http\"} 2\n"
        "chat_open{protocol=\"ws\"} 7\n"
        "# HELP chat_seconds Seconds per call.\n"
        "# TYPE chat_seconds histogram\n"
        "chat_seconds_bucket{op=\"commit\",le=\"0.001\"} 2\n"
        "chat_seconds_bucket{op=\"commit\",le=\"0.01\"} 2\n"
        "chat_seconds_bucket{op=\"commit\",le=\"0.1\"} 3\n"
        "chat_seconds_bucket{op=\"commit\",le=\"+Inf\"} 4\n"
        "chat_seconds_sum{op=\"commit\"} 2.0515\n"
        "chat_seconds_count{op=\"commit\"} 4\n");
}

TEST_CASE("a family's series stay together under one HELP and TYPE, in registration order", "[metrics]") {
  registry r;
  r.add_counter("a_total", "A.", {{"k", "1"}});
  r.add_gauge("b", "B.");
  r.add_counter("a_total", "A.", {{"k", "2"}});
  CHECK(r.render() ==
        "# HELP a_total A.\n# TYPE a_total counter\na_total{k=\"1\"} 0\na_total{k=\"2\"} 0\n"
        "# HELP b B.\n# TYPE b gauge\nb 0\n");
}

TEST_CASE("label values and HELP texts are escaped", "[metrics]") {
  CHECK(escape_label_value("plain") == "plain");
  CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(escape_help("back\\slash\nnew \"quotes\" stay") == "back\\\\slash\\nnew \"quotes\" stay");
  registry r;
  r.add_gauge("g", "Line one\nline two \\ end", {{"path", "C:\\dir \"x\"\n"}}).set(1);
  CHECK(r.render() ==
        "# HELP g Line one\\nline two \\\\ end\n"
        "# TYPE g gauge\n"
        "g{path=\"C:\\\\dir \\\"x\\\"\\n\"} 1\n");
}

TEST_CASE("values are written as the text format reads them", "[metrics]") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(1) == "1");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(0.0001) == "0.0001");
  CHECK(format_value(-3.5) == "-3.5");
  CHECK(format_value(0.00025) == "0.00025");
  CHECK(format_value(1e-05) == "1e-05");
  CHECK(format_value(12000000) == "12000000");
  CHECK(format_value(1716812345.25) == "1716812345.25");
  CHECK(format_value(123456789012345678.0) == "123456789012345680");
  CHECK(format_value(1e21) == "1e+21");
  CHECK(format_value(-2.5e-7) == "-2.5e-07");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::nan("")) == "NaN");
  // Every latency bucket bound reads back as the same number.
  for (const double b : latency_buckets()) CHECK(std::stod(format_value(b)) == b);
}

TEST_CASE("functions are read at each render", "[metrics]") {
  registry r;
  double depth = 3;
  r.add_gauge_fn("queue_jobs", "Jobs.", [&] { return depth; });
  r.add_counter_fn("cpu_seconds_total", "CPU.", [] { return 1.5; });
  CHECK(r.render().find("queue_jobs 3\n") != std::string::npos);
  depth = 0.5;
  const auto text = r.render();
  CHECK(text.find("queue_jobs 0.5\n") != std::string::npos);
  CHECK(text.find("# TYPE cpu_seconds_total counter\ncpu_seconds_total 1.5\n") != std::string::npos);
}

TEST_CASE("a histogram ignores NaN and counts the rest", "[metrics]") {
  histogram h({1, 2});
  h.observe(std::nan(""));
  h.observe(-1);  // below the first bound: in it
  h.observe(1.5);
  const auto s = h.read();
  CHECK(s.cumulative == std::vector<std::uint64_t>{1, 2, 2});
  CHECK(s.count() == 2);
  CHECK(s.sum == 0.5);
}

TEST_CASE("names, labels and buckets that are not valid Prometheus are refused", "[metrics]") {
  registry r;
  CHECK_THROWS_AS(r.add_counter("no_suffix", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.add_gauge("9starts_with_digit", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.add_gauge("has-dash", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.add_gauge("", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.add_gauge("g", "x", {{"bad-label", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.add_gauge("g", "x", {{"__reserved", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.add_gauge("g", "x", {{"k", "1"}, {"k", "2"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.add_histogram("h", "x", {1, 2}, {{"le", "1"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.add_histogram("h", "x", {2, 1}), std::invalid_argument);
  CHECK_THROWS_AS(r.add_histogram("h", "x", {}), std::invalid_argument);
  CHECK_THROWS_AS(r.add_histogram("h", "x", {1, std::numeric_limits<double>::infinity()}), std::invalid_argument);
  r.add_gauge("g", "x", {{"k", "1"}});
  CHECK_THROWS_AS(r.add_gauge("g", "x", {{"k", "1"}}), std::invalid_argument);  // the same series twice
  CHECK_THROWS_AS(r.add_histogram("g", "x", {1}), std::invalid_argument);     // another type
  CHECK(r.render() == "# HELP g x\n# TYPE g gauge\ng{k=\"1\"} 0\n");             // nothing half-registered
}

TEST_CASE("a counter updated from many threads loses no increment", "[metrics]") {
  counter c;
  constexpr int threads = 8;
  constexpr int per_thread = 100000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) c.inc();
    });
  }
  for (auto& t : pool) t.join();
  CHECK(c.value() == std::uint64_t{threads} * per_thread);
}

TEST_CASE("a gauge hold counts while it lives", "[metrics]") {
  gauge g;
  {
    gauge_hold a(g);
    gauge_hold b(g);
    CHECK(g.value() == 2);
  }
  CHECK(g.value() == 0);
}
