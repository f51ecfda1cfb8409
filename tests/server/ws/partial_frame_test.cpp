// Memory held cheaply (issue 14, finding 7) over real sockets: peers that send
// the 14-byte header of a 64 KiB frame and then trickle make the server hold
// only what arrived, and are closed with 1013 at the frame timeout; the caps
// on bytes held for unfinished frames, per address and in all, close the
// excess with 1013; a normal client chats on throughout.
#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"
#include "stats.hpp"
#include "ws/partial_budget.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

using namespace chat::test;

namespace {

/** True if the server's bytes hold a close frame with `code` (a short-form frame: 0x88, length, code). */
bool closed_with(const raw_socket& s, std::uint16_t code) {
  const std::string& in = s.received();
  const char want[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  for (auto at = in.find('\x88'); at != std::string::npos; at = in.find('\x88', at + 1)) {
    if (at + 3 < in.size() && in[at + 2] == want[0] && in[at + 3] == want[1]) return true;
  }
  return false;
}

/** A WebSocket (seed path: nothing is sent to it but messages) from `from`, after its 101. */
std::unique_ptr<raw_socket> open_raw(std::uint16_t port, const std::string& token, const char* from = nullptr) {
  auto s = std::make_unique<raw_socket>(port, 0, from);
  REQUIRE(s->send(upgrade_request(port, "/websocket/chatroom", token)));
  REQUIRE(s->read_until("\r\n\r\n"));
  return s;
}

/** The value of an unlabelled metric in GET /metrics. */
double metric(std::uint16_t port, const std::string& name) {
  const auto r = http(port, "GET", "/metrics");
  REQUIRE(r.status == 200);
  std::istringstream lines(r.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  FAIL("no metric " << name);
  return 0;
}

/** One message from `c`, back to it (within next_of's deadline). */
void chat_once(joined& c, const std::string& text) {
  c.ws->send_text(send_frame(text));
  for (;;) {
    if (next_of(*c.ws, "message").at("message") == text) return;
  }
}

}  // namespace

TEST_CASE("headers announcing 64 KiB frames then a byte a second: memory stays bounded, 1013 at the frame timeout",
          "[partial][process]") {
  temp_dir d;
  std::filesystem::create_directories(d / "web");
  write_file(d / "web/index.html", "<!doctype html><title>t</title>\n");
  std::vector<std::string> env;
  if (under_asan) env.push_back("ASAN_OPTIONS=quarantine_size_mb=8:allocator_release_to_os_interval_ms=0:detect_leaks=0");
  child_process p({"--port", "0", "--db", (d / "chat.db").string(), "--web-root", (d / "web").string(), "--threads",
                   "2", "--frame-timeout", "3",
                   // The 300 peers are one user's sockets: the cap per user is not under test here.
                   "--max-connections-per-user", "0"},
                  {}, env);
  const auto line = p.read_line();
  REQUIRE(line);
  const auto port = port_of(*line);
  const auto t1 = login(port, "user1", "user1");
  auto watcher = join_v1(port, login(port, "user2", "user2"));
  chat_once(watcher, "warm up");
  const auto base = usage_of(p.pid());
  INFO("baseline rss_kb=" << base.rss_kb);

  // 300 peers over 30 loopback addresses, each a header announcing 64 KiB.
  constexpr int peers = 300;
  std::vector<std::string> from;
  for (int i = 1; i <= 30; ++i) from.push_back("127.0.1." + std::to_string(i));
  std::vector<std::unique_ptr<raw_socket>> loris;
  for (int i = 0; i < peers; ++i) loris.push_back(open_raw(port, t1, from[i % from.size()].c_str()));
  const auto started = std::chrono::steady_clock::now();
  for (auto& s : loris) REQUIRE(s->send(long_frame_header(64 * 1024)));
  // Then one byte a second, twice: still within the 3 s frame timeout.
  for (int round = 0; round < 2; ++round) {
    std::this_thread::sleep_for(1s);  // the attacker's pace
    for (auto& s : loris) s->send("x", 1000ms);
  }
  // Every peer's bytes are held (none closed yet), but only what arrived and a
  // read's room: about 4 KiB each, not the 64 KiB their headers announced.
  REQUIRE(wait_for([&] { return metric(port, "chatroom_ws_partial_bytes") >= peers * 16.0; }, 10s));
  const double held = metric(port, "chatroom_ws_partial_bytes");
  INFO("held=" << held);
  CHECK(held <= peers * 8192.0);
  const auto during = usage_of(p.pid());
  INFO("during rss_kb=" << during.rss_kb);
  CHECK(during.rss_kb - base.rss_kb <= (under_asan ? 3 : 1) * peers * 32);  // 32 KiB a peer: socket and session included
  // A normal client chats on.
  chat_once(watcher, "during the trickle");
  // At the frame timeout every one is closed with 1013, after 3 s and before 3 s + the sweep's second + slack.
  for (auto& s : loris) {
    REQUIRE(s->wait_closed(15s));
    CHECK(closed_with(*s, 1013));
  }
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= 3s);
  CHECK(took <= 10s);
  CHECK(wait_for([&] { return metric(port, "chatroom_ws_partial_bytes") == 0; }, 10s));
  chat_once(watcher, "after");
  watcher.ws->close();
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}

TEST_CASE("a trickled frame and a fragmented message that never ends close with 1013 at the frame timeout, a busy "
          "client does not",
          "[partial][ws]") {
  test_server s([](chat::server::config& c) { c.frame_timeout_s = 2; });
  const auto port = s.port();
  const auto t1 = login(port, "user1", "user1");
  auto watcher = join_v1(port, login(port, "user2", "user2"));

  auto trickler = open_raw(port, t1);
  auto fragments = open_raw(port, t1);
  auto busy = open_raw(port, t1);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(trickler->send(long_frame_header(64 * 1024)));
  std::string first = client_frame(1, "part one ");
  first[0] = '\x01';  // text, not final
  REQUIRE(fragments->send(first));
  // For 5 s: a byte of the frame, a fragment, and two whole pings split in halves, every half second.
  const std::string ping = client_frame(9, "still here");
  for (int tick = 0; tick < 10; ++tick) {
    std::this_thread::sleep_for(500ms);  // the peers' pace
    trickler->send("y", 1000ms);
    std::string more = client_frame(0, "and more ");
    more[0] = '\x00';  // continuation, not final
    fragments->send(more, 1000ms);
    REQUIRE(busy->send(ping + ping.substr(0, 5)));
    REQUIRE(busy->send(ping.substr(5)));
  }
  // The trickler and the endless message were cut at 2 s (the sweep checks once a second), the busy client not.
  REQUIRE(trickler->wait_closed(5s));
  CHECK(closed_with(*trickler, 1013));
  REQUIRE(fragments->wait_closed(5s));
  CHECK(closed_with(*fragments, 1013));
  CHECK(std::chrono::steady_clock::now() - started >= 2s);
  CHECK_FALSE(busy->wait_closed(100ms));
  CHECK(busy->received().find("\x8a\x0astill here") != std::string::npos);  // its pongs
  chat_once(watcher, "the room is fine");
  CHECK(s.get().partial_frames().total() == 0);
  CHECK(s.get().stats().overflow_closes() == 2);
}

TEST_CASE("the caps on bytes held for unfinished frames close the excess with 1013, per address and in all",
          "[partial][ws]") {
  // Each peer below holds one 64 KiB frame less 4 KiB: between 61 454 and 65 550 bytes.
  test_server s([](chat::server::config& c) {
    c.max_partial_bytes_per_address = 300000;  // four such frames, not five
    c.max_partial_bytes = 430000;              // six, not seven
  });
  const auto port = s.port();
  const auto t1 = login(port, "user1", "user1");
  auto watcher = join_v1(port, login(port, "user2", "user2"));
  const auto& budget = s.get().partial_frames();
  const std::string frame_start = long_frame_header(64 * 1024) + std::string(60000, 'p');

  // Sends most of a big frame from `from`; true if the server holds it, false if it closed the socket with 1013.
  std::vector<std::unique_ptr<raw_socket>> holding;
  auto start_frame = [&](const char* from) {
    const auto before = budget.held_by(from);
    auto peer = open_raw(port, t1, from);
    REQUIRE(peer->send(frame_start));
    bool closed = false;
    REQUIRE(wait_for([&] {
      if (budget.held_by(from) >= before + 60014) return true;
      closed = peer->wait_closed(50ms);
      return closed;
    }));
    if (closed) {
      CHECK(closed_with(*peer, 1013));
      return false;
    }
    holding.push_back(std::move(peer));
    return true;
  };
  for (int i = 0; i < 4; ++i) CHECK(start_frame("127.0.0.2"));
  CHECK_FALSE(start_frame("127.0.0.2"));  // past 300 000 for 127.0.0.2
  chat_once(watcher, "one address is full");
  CHECK(start_frame("127.0.0.3"));  // another address still may
  CHECK(start_frame("127.0.0.3"));
  CHECK_FALSE(start_frame("127.0.0.3"));  // past 430 000 in all
  CHECK(budget.total() <= 430000);
  chat_once(watcher, "the server is full");
  // The ones held stay open: the caps closed only the excess.
  for (auto& h : holding) CHECK_FALSE(h->wait_closed(10ms));
  CHECK(s.get().stats().overflow_closes() == 2);
  // They finish their frames (a seed client's message over 4000 characters: dropped), the bytes are free
  // again, and they stay connected.
  const std::string rest(64 * 1024 - 60000, 'p');
  for (auto& h : holding) REQUIRE(h->send(rest));
  REQUIRE(wait_for([&] { return budget.total() == 0; }));
  for (auto& h : holding) CHECK_FALSE(h->wait_closed(10ms));
  chat_once(watcher, "all free");
}
