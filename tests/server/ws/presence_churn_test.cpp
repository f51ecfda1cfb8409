// Presence under churn (docs/security.md, finding 2): guests joining and
// leaving as fast as they can, from many loopback addresses, while a v1
// watcher keeps its connection, hears presence at most once a second with the
// list as it ends, and gets its own messages back in bounded time. Real sockets.
#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace chat::test;
using clock_type = std::chrono::steady_clock;

TEST_CASE("a churn of guests: the v1 watcher keeps its socket, hears presence once a second and its messages promptly",
          "[ws][presence]") {
  test_server s([](chat::server::config& c) { c.guest_mode = true; });
  const auto port = s.port();
  auto watcher = join_v1(port, login(port, "user1", "user1"));

  // Guests on the seed's path connect, are admitted (101) and hang up, one after the other, each from
  // its own address; the per-address caps stay out of the way, presence is what is under test.
  std::atomic<bool> stop{false};
  std::atomic<int> churned{0}, refused{0};
  std::thread churn([&] {
    for (int i = 0; !stop; ++i) {
      const std::string from = "127.1." + std::to_string(i / 250 % 250) + "." + std::to_string(1 + i % 250);
      try {
        raw_socket guest(port, 0, from.c_str());
        if (!guest.send(upgrade_request(port, "/websocket/chatroom?username=churn" + std::to_string(i))) ||
            !guest.read_until("\r\n\r\n") || first_status(guest.received()) != 101) {
          ++refused;
          continue;
        }
        ++churned;
      } catch (const std::exception&) {
        ++refused;
      }
    }
  });

  const auto started = clock_type::now();
  std::vector<clock_type::time_point> presence_at;
  std::vector<double> latencies_ms;
  json last;  // the newest presence event
  bool closed = false;
  for (int k = 0; clock_type::now() - started < std::chrono::seconds(4); ++k) {
    const std::string text = "watching " + std::to_string(k);
    const auto sent = clock_type::now();
    watcher.ws->send_text(send_frame(text));
    for (;;) {
      const auto f = watcher.ws->read(std::chrono::seconds(10));
      if (!f) {
        closed = true;
        break;
      }
      const auto j = json::parse(*f);
      if (j.at("type") == "presence") {
        presence_at.push_back(clock_type::now());
        last = j;
      }
      if (j.at("type") == "message" && j.at("message") == text) break;
    }
    if (closed) break;
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - sent).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));  // under the message rate limit
  }
  stop = true;
  churn.join();
  const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();

  INFO("guests churned " << churned << ", refused " << refused << ", presence events " << presence_at.size()
                         << " in " << seconds << " s");
  REQUIRE_FALSE(closed);
  CHECK(churned > 100);  // the churn happened
  CHECK(refused == 0);
  CHECK(presence_at.size() <= static_cast<std::size_t>(seconds) + 2);
  for (std::size_t i = 1; i < presence_at.size(); ++i) {
    // One a second at the server; loopback delivery may bunch them a little.
    CHECK(presence_at[i] - presence_at[i - 1] > std::chrono::milliseconds(700));
  }
  REQUIRE_FALSE(latencies_ms.empty());
  double worst = 0;
  for (double l : latencies_ms) worst = std::max(worst, l);
  INFO("worst echo latency " << worst << " ms over " << latencies_ms.size() << " messages");
  CHECK(worst < 1000);

  // When the churn stops, the last event carries the list as it ended: the watcher alone.
  CHECK(wait_for([&] {
    if (auto f = watcher.ws->read(std::chrono::milliseconds(200))) {
      const auto j = json::parse(*f);
      if (j.at("type") == "presence") last = j;
    }
    return !last.is_null() && last.at("online") == json::array({"user1"});
  }));
  CHECK_FALSE(watcher.ws->closed());
}
