// GET /metrics of a real server: after logins, a legacy and a v1 WebSocket,
// messages and a rate-limit close, the figures an operator would read are
// there, and Prometheus' own linter (`promtool check metrics`, from Debian's
// prometheus package) accepts the text. Addresses outside --metrics-allow get
// 403, from a second loopback address.
#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

using namespace chat::test;

namespace {

/** The samples of a Prometheus text: "name{labels}" (as written) -> value. */
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

/** A sample's value; fails the test if the series is missing. */
double value(const std::map<std::string, double>& m, const std::string& series) {
  const auto it = m.find(series);
  INFO(series);
  REQUIRE(it != m.end());
  return it->second;
}

struct promtool_result {
  int exit_code = -1;
  std::string output;
};

/** Runs `promtool check metrics` on `text` (through a file in `dir`). */
promtool_result promtool_check(const temp_dir& dir, const std::string& text) {
  const auto path = dir / "metrics.txt";
  write_file(path, text);
  const std::string cmd = "promtool check metrics < '" + path.string() + "' 2>&1";
  promtool_result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::uint16_t start(child_process& p) {
  const auto line = p.read_line();
  REQUIRE(line);
  REQUIRE(std::regex_match(*line, std::regex(R"(listening on http://127\.0\.0\.1:[0-9]+)")));
  return port_of(*line);
}

/** GET /metrics from `from` (a loopback address) over a plain socket: the whole answer. */
std::string get_metrics_from(std::uint16_t port, const char* from) {
  raw_socket s(port, 0, from);
  REQUIRE(s.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  REQUIRE(s.wait_closed());
  return s.received();
}

}  // namespace

TEST_CASE("GET /metrics counts connections, messages, closes, logins and store calls, and promtool accepts it",
          "[process][metrics]") {
  temp_dir d;
  std::filesystem::create_directories(d / "web");
  // A small rate limit, so that a flood is closed with 4029 after a few messages.
  child_process p({"--port", "0", "--db", (d / "chat.db").string(), "--web-root", (d / "web").string(),
                   "--rate-limit", "1", "--rate-burst", "5", "--rate-strikes", "2"});
  const auto port = start(p);

  CHECK(http(port, "POST", "/api/login", {{"Content-Type", "application/json"}},
             R"({"username":"user1","password":"wrong"})")
            .status == 401);
  auto v1 = join_v1(port, login(port, "user1", "user1"));
  ws_client legacy(port, "/websocket/chatroom", login(port, "user2", "user2"));
  for (int k = 0; k < 3; ++k) v1.ws->send_text(send_frame("from v1 " + std::to_string(k), "m" + std::to_string(k)));
  for (int k = 0; k < 2; ++k) legacy.send_text("from legacy " + std::to_string(k));
  for (int k = 0; k < 5; ++k) next_of(*v1.ws, "message");

  // user3 floods: five messages pass (the burst), the next ones are refused, the second refusal closes.
  auto flood = join_v1(port, login(port, "user3", "user3"));
  for (int k = 0; k < 12; ++k) flood.ws->send_text(send_frame("flood " + std::to_string(k)));
  REQUIRE(flood.ws->wait_closed());
  CHECK(flood.ws->close_code() == 4029);
  for (int k = 0; k < 5; ++k) {  // the burst, stored and delivered
    CHECK(next_of(*v1.ws, "message").at("message").get<std::string>().rfind("flood ", 0) == 0);
  }

  // The flooder's socket is gone once the server has finished it: wait for the gauge to say so.
  http_reply reply;
  std::map<std::string, double> m;
  REQUIRE(wait_for([&] {
    reply = http(port, "GET", "/metrics");
    m = samples(reply.body);
    return reply.status == 200 && m["chatroom_connections_open{protocol=\"v1\"}"] == 1;
  }));
  CHECK(reply.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(reply.header("cache-control") == "no-store");

  CHECK(value(m, "chatroom_connections_open{protocol=\"legacy\"}") == 1);
  CHECK(value(m, "chatroom_connections_open{protocol=\"http\"}") >= 1);  // this request's
  CHECK(value(m, "chatroom_connections_accepted_total{protocol=\"v1\"}") == 2);
  CHECK(value(m, "chatroom_connections_accepted_total{protocol=\"legacy\"}") == 1);
  // Four logins, three upgrades and the scrapes, each on its own connection.
  CHECK(value(m, "chatroom_connections_accepted_total{protocol=\"http\"}") >= 8);

  // 3 + 2 messages, and the flood up to the refusal that closed it (text after our close is not read).
  CHECK(value(m, "chatroom_ws_received_messages_total") >= 12);
  CHECK(value(m, "chatroom_ws_received_bytes_total") > 12 * 20);
  // Every stored message went to user1 and user2 at least (the flood's first five included).
  CHECK(value(m, "chatroom_ws_sent_frames_total") >= 2 * 10);
  CHECK(value(m, "chatroom_ws_sent_bytes_total") > 2 * 10 * 20);
  CHECK(value(m, "chatroom_ws_server_closes_total{code=\"4029\"}") == 1);
  CHECK(value(m, "chatroom_ws_server_closes_total{code=\"1013\"}") == 0);
  CHECK(value(m, "chatroom_ws_server_closes_total{code=\"1009\"}") == 0);

  CHECK(value(m, "chatroom_logins_total{result=\"ok\"}") == 3);
  CHECK(value(m, "chatroom_logins_total{result=\"bad_credentials\"}") == 1);
  CHECK(value(m, "chatroom_logins_total{result=\"throttled\"}") == 0);

  // Messages stored: user1's 3, user2's 2 and the flood's burst of 5 (one more if a token refilled).
  const double stored = value(m, "chatroom_commit_batch_messages_sum");
  CHECK(stored >= 10);
  CHECK(stored <= 12);
  CHECK(value(m, "chatroom_commit_batch_messages_count") >= 1);
  CHECK(value(m, "chatroom_commit_batch_messages_bucket{le=\"+Inf\"}") ==
        value(m, "chatroom_commit_batch_messages_count"));
  CHECK(value(m, "chatroom_store_duration_seconds_count{operation=\"commit\"}") ==
        value(m, "chatroom_commit_batch_messages_count"));
  CHECK(value(m, "chatroom_store_duration_seconds_count{operation=\"history\"}") >= 2);  // the v1 joins
  CHECK(value(m, "chatroom_store_duration_seconds_count{operation=\"session_check\"}") >= 3);  // the upgrades
  CHECK(value(m, "chatroom_store_duration_seconds_count{operation=\"login_lookup\"}") >= 4);
  CHECK(value(m, "chatroom_store_duration_seconds_sum{operation=\"commit\"}") > 0);
  CHECK(value(m, "chatroom_store_queue_jobs") >= 0);

  CHECK(value(m, "process_open_fds") >= 4);  // the listener, the database, three sockets at least
  if (!under_asan && !under_tsan) {  // a sanitizer's allocator replaces glibc's, whose mallinfo2 this reads (0 there)
    CHECK(value(m, "chatroom_heap_in_use_bytes") > 0);
    CHECK(value(m, "chatroom_heap_in_use_bytes") < value(m, "process_resident_memory_bytes"));
  }
  CHECK(value(m, "process_resident_memory_bytes") > 1e6);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(value(m, "process_start_time_seconds") <= now);
  CHECK(value(m, "process_start_time_seconds") > now - 600);

  // Prometheus' linter: no format error and no complaint about a name, a type or a HELP text.
  const auto lint = promtool_check(d, reply.body);
  INFO(lint.output);
  if (lint.exit_code == 127) FAIL("promtool is missing: scripts/setup installs it (Debian package prometheus)");
  CHECK(lint.exit_code == 0);
  CHECK(lint.output.empty());

  CHECK(http(port, "HEAD", "/metrics").status == 200);
  CHECK(http(port, "POST", "/metrics").status == 405);
  CHECK(http(port, "GET", "/healthz").status == 200);
  v1.ws->close();
  legacy.close();
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}

TEST_CASE("GET /metrics answers 403 to an address outside --metrics-allow", "[metrics]") {
  test_server s([](chat::server::config& c) { c.metrics_allow = {"127.0.0.2/32"}; });
  const auto refused = get_metrics_from(s.port(), "127.0.0.1");
  CHECK(first_status(refused) == 403);
  CHECK(refused.find(R"("error":"forbidden_address")") != std::string::npos);
  CHECK(refused.find("chatroom_") == std::string::npos);

  const auto allowed = get_metrics_from(s.port(), "127.0.0.2");
  CHECK(first_status(allowed) == 200);
  CHECK(allowed.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
  CHECK(allowed.find("\nchatroom_connections_open{protocol=\"http\"} ") != std::string::npos);
}

TEST_CASE("GET /metrics is served to loopback by default", "[metrics]") {
  test_server s;
  const auto reply = http(s.port(), "GET", "/metrics");
  CHECK(reply.status == 200);
  CHECK(reply.body.find("# TYPE chatroom_connections_accepted_total counter\n") != std::string::npos);
}
