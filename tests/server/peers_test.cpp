// Slow and dead peers against the real binary as a child process: a client
// that never reads, slowloris variants (half a request, one byte at a time, a
// short body), clients that vanish (a reset, or silence without a close), and
// 10 000 connect/disconnect cycles. Each is cut off within its bound, and the
// server's resident memory and open descriptors, read from /proc, come back
// near their baseline.
#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>

#include <thread>

using namespace chat::test;

namespace {

/** The process's usage once its descriptor count has stopped changing (sockets close asynchronously). */
process_usage settled(int pid, std::chrono::milliseconds timeout = 30s) {
  auto last = usage_of(pid);
  auto stable_since = std::chrono::steady_clock::now();
  const auto deadline = stable_since + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    const auto now = usage_of(pid);
    if (now.fds != last.fds || now.sockets != last.sockets) {
      stable_since = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - stable_since > 500ms) {
      return now;
    }
    last = now;
  }
  return last;
}

}  // namespace

TEST_CASE("slow, half-open and vanished peers are cut off, and memory and descriptors return to baseline",
          "[peers][process]") {
  temp_dir d;
  std::filesystem::create_directories(d / "web");
  write_file(d / "web/index.html", "<!doctype html><title>t</title><script>var x=1;</script>\n");
  // Under ASan freed memory sits in quarantine: keep it small so RSS means something.
  std::vector<std::string> env;
  if (under_asan) env.push_back("ASAN_OPTIONS=quarantine_size_mb=8:allocator_release_to_os_interval_ms=0:detect_leaks=0");
  child_process p({"--port", "0", "--db", (d / "chat.db").string(), "--web-root", (d / "web").string(), "--threads",
                   "2", "--rate-limit", "0", "--idle-timeout", "2", "--max-queue-bytes", "262144",
                   // 10 000 cycles of one user from one address: the connection caps are not under test here.
                   "--connect-rate", "0", "--max-connections-per-address", "0", "--max-connections-per-user", "0"},
                  {}, env);
  const auto line = p.read_line();
  REQUIRE(line);
  const auto port = port_of(*line);
  const auto t1 = login(port, "user1", "user1");
  const auto t3 = login(port, "user3", "user3");

  // Warm up every path once, then take the baseline.
  {
    auto a = join_v1(port, t1);
    for (int i = 0; i < 200; ++i) a.ws->send_text(send_frame(std::string(1000, 'w')));
    for (int i = 0; i < 200; ++i) next_of(*a.ws, "message");
    a.ws->send_text(R"({"type":"history","limit":200})");
    next_of(*a.ws, "history");
    CHECK(http(port, "GET", "/").status == 200);
    CHECK(http(port, "GET", "/avatars/user1.png").status == 200);
    CHECK(http(port, "GET", "/api/employees", {{"Authorization", "Bearer " + t1}}).status == 200);
    a.ws->close();
  }
  const auto base = settled(p.pid());
  INFO("baseline: fds=" << base.fds << " sockets=" << base.sockets << " rss_kb=" << base.rss_kb);

  const auto started = std::chrono::steady_clock::now();
  // Slowloris: 100 connections that never finish their request.
  std::vector<std::unique_ptr<raw_socket>> loris;
  const std::string upgrade = upgrade_request(port, "/websocket/chatroom?v=1", t1);
  for (int i = 0; i < 100; ++i) {
    loris.push_back(std::make_unique<raw_socket>(port));
    switch (i % 4) {
      case 0: loris.back()->send("GET / HTTP/1.1\r\nHost: x\r\n"); break;                  // half a request
      case 1: loris.back()->send(upgrade.substr(0, upgrade.size() - 2)); break;             // half a handshake
      case 2: loris.back()->send("G"); break;                                               // trickles below
      case 3: loris.back()->send("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"u"); break;
    }
  }
  // Vanished peers: a reset without a close frame, and silence (no close, no pong).
  for (int i = 0; i < 20; ++i) {
    raw_socket gone(port);
    REQUIRE(gone.send(upgrade_request(port, "/websocket/chatroom?v=1", t3)));
    REQUIRE(gone.read_until("\r\n\r\n"));
    gone.reset();
  }
  std::vector<std::unique_ptr<raw_socket>> silent;
  for (int i = 0; i < 20; ++i) {
    silent.push_back(std::make_unique<raw_socket>(port));
    REQUIRE(silent.back()->send(upgrade_request(port, "/websocket/chatroom", t3)));
  }
  // A client that never reads (but keeps talking, so only its queue can cut
  // it off) while user1 sends 4000-character messages.
  raw_socket deaf(port, 4096);
  REQUIRE(deaf.send(upgrade_request(port, "/websocket/chatroom?v=1", t3)));
  {
    ws_client talker(port, "/websocket/chatroom?v=1", t1);
    const std::string body(4000, 'm');
    int sent = 0;
    while (p.stderr_text().find("slow_client") == std::string::npos && sent < 4000) {
      for (int k = 0; k < 20; ++k, ++sent) talker.send_text(send_frame(body));
      for (int k = 0; k < 20; ++k) next_of(talker, "message");
      deaf.send(client_frame(1, " "), 1000ms);
      if (sent % 100 == 0) {  // the trickler sends one more byte now and then
        for (std::size_t i = 2; i < loris.size(); i += 4) loris[i]->send("E");
      }
    }
    CHECK(p.stderr_text().find("slow_client user=user3") != std::string::npos);
    talker.close();
  }
  // The deaf client gets what was in flight, then close 1013 (it can resume with since=).
  CHECK(deaf.wait_closed(30s));
  CHECK(deaf.received().find("\x03\xf5you are not reading") != std::string::npos);  // the close frame's code and reason
  // The silent ones are closed at the idle timeout.
  for (auto& s : silent) CHECK(s->wait_closed(15s));
  // Every slowloris connection is closed within the request deadline (15 s).
  const auto loris_deadline = started + 25s;
  for (auto& s : loris) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(loris_deadline -
                                                                            std::chrono::steady_clock::now());
    CHECK(s->wait_closed(std::max(left, 1ms)));
  }
  loris.clear();
  silent.clear();

  // 10 000 connect/disconnect cycles of four kinds; each step has its own deadline (how fast they go is
  // not a pass criterion: a slow machine takes longer, a stuck server fails a deadline).
  const std::string legacy = upgrade_request(port, "/websocket/chatroom", t1);
  const std::string v1 = upgrade_request(port, "/websocket/chatroom?v=1&since=1000000", t1);
  const std::string health = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  // Each cycle counts only when the server really answered it: a 200 for the request, a 101 for each
  // upgrade (a 503 or a cut answer would pass the read deadlines but not these counts).
  int answered = 0, upgraded = 0;
  const auto starts = [](const raw_socket& c, std::string_view head) { return c.received().rfind(head, 0) == 0; };
  for (int done = 0; done < 10000; ++done) {
    raw_socket c(port);
    switch (done % 4) {
      case 0:  // connect and reset
        c.reset();
        break;
      case 1:  // one request, closed by the server
        REQUIRE(c.send(health));
        REQUIRE(c.wait_closed());
        answered += starts(c, "HTTP/1.1 200 ");
        break;
      case 2:  // a WebSocket closed properly
        REQUIRE(c.send(legacy));
        REQUIRE(c.read_until("\r\n\r\n"));
        upgraded += starts(c, "HTTP/1.1 101 ");
        REQUIRE(c.send(client_frame(8, std::string("\x03\xe8", 2))));
        REQUIRE(c.wait_closed());
        break;
      case 3:  // a WebSocket that vanishes
        REQUIRE(c.send(v1));
        REQUIRE(c.read_until("\r\n\r\n"));
        upgraded += starts(c, "HTTP/1.1 101 ");
        c.reset();
        break;
    }
  }
  CHECK(answered == 2500);
  CHECK(upgraded == 5000);

  // Back near the baseline, and still serving.
  {
    auto a = join_v1(port, t1);
    a.ws->send_text(send_frame("after"));
    CHECK(next_of(*a.ws, "message").at("message") == "after");
    a.ws->close();
  }
  CHECK(http(port, "GET", "/healthz").status == 200);
  const auto after = settled(p.pid());
  INFO("after: fds=" << after.fds << " sockets=" << after.sockets << " rss_kb=" << after.rss_kb);
  CHECK(after.sockets == base.sockets);   // the listener only: every peer's socket is gone
  CHECK(after.fds <= base.fds + 2 * 8);   // the store may have opened more of its 8 read connections (2 files each)
  CHECK(after.rss_kb <= base.rss_kb + (under_asan ? 96 : 8) * 1024);
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}
