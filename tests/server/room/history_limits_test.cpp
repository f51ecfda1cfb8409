// History and resume under attack over real sockets (issue 14, finding 3): one
// client loops history requests, another reconnects with since=0 in a loop;
// both are held to the documented pace (per socket and per user), never cut
// off; a v1 watcher's send→receive latency stays low, another user's history
// comes at once, and every answer stays within the byte bound (the client
// pages for the rest).
#include "server.hpp"

#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <chat/limits.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

using namespace chat::test;

namespace {

using clock_type = std::chrono::steady_clock;

/** A room with `n` stored messages of 1000 characters (so a page of 200 is over the byte bound). */
void fill(std::uint16_t port, const std::string& token, int n) {
  auto c = join_v1(port, token);
  const std::string body(1000, 'h');
  for (int i = 0; i < n; ++i) c.ws->send_text(send_frame(body + std::to_string(i)));
  for (int i = 0; i < n; ++i) next_of(*c.ws, "message");
  c.ws->close();
}

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

}  // namespace

TEST_CASE("history and resume loops are paced per socket and per user while others chat and page unslowed",
          "[history][ws]") {
  test_server s([](chat::server::config& c) { c.rate_per_second = 0; });  // defaults: 4 reads/s a socket, 8 a user
  const auto port = s.port();
  const auto t1 = login(port, "user1", "user1");
  fill(port, login(port, "user3", "user3"), 1500);
  auto watcher = join_v1(port, login(port, "user2", "user2"));
  auto other = join_v1(port, login(port, "user3", "user3"));

  // Two attackers of user1: one socket asking for 200-message pages one after another (it waits for
  // each answer, so it is polite: never refused, only slowed), and a loop of reconnects with since=0.
  std::atomic<bool> stop{false};
  std::atomic<int> pages{0}, refused{0}, cut{0}, resumes{0}, oversized{0}, not_limited{0};
  const auto started = clock_type::now();
  // (No Catch2 assertion in these threads: they count, the test's thread checks.)
  std::thread pager([&] {
    try {
      chat::test::ws_client a(port, "/websocket/chatroom?v=1", t1);
      if (!a.read(20000ms) || !a.read(20000ms)) {  // welcome, history
        ++cut;
        return;
      }
      while (!stop) {
        a.send_text(R"({"type":"history","limit":200})");
        // Its answer, past the room's messages that arrive meanwhile.
        std::optional<std::string> f;
        json j;
        do {
          f = a.read(20000ms);
          if (!f) {
            ++cut;
            return;
          }
          j = json::parse(*f);
        } while (j.value("type", "") == "message" || j.value("type", "") == "presence");
        if (j.value("type", "") == "history") {
          ++pages;
          if (f->size() > chat::limits::max_history_frame_bytes + 1024) ++oversized;
          if (!j.at("limited").get<bool>()) ++not_limited;
        } else if (j.value("type", "") == "error") {
          ++refused;
        }
      }
      a.close();
    } catch (const std::exception&) {
      ++cut;
    }
  });
  std::thread reconnector([&] {
    try {
      while (!stop) {
        chat::test::ws_client c(port, "/websocket/chatroom?v=1&since=0", t1);
        const auto welcome = c.read(20000ms);
        const auto history = c.read(20000ms);
        if (!welcome || !history) {
          ++cut;
          return;
        }
        ++resumes;
        if (history->size() > chat::limits::max_history_frame_bytes + 1024) ++oversized;
        c.close();
      }
    } catch (const std::exception&) {
      ++cut;
    }
  });

  // Meanwhile: the watcher's messages come back fast, and another user's history at once.
  double worst_ms = 0;
  int others_pages = 0;
  for (int i = 0; i < 20; ++i) {
    const auto t = clock_type::now();
    const auto text = "while under attack " + std::to_string(i);
    watcher.ws->send_text(send_frame(text));
    while (next_of(*watcher.ws, "message").at("message") != text) {
    }
    worst_ms = std::max(worst_ms, seconds_since(t) * 1000);
    if (i % 5 == 0) {
      const auto h = clock_type::now();
      other.ws->send_text(R"({"type":"history","limit":200})");
      const auto page = next_of(*other.ws, "history");
      CHECK(page.at("messages").size() > 0);
      CHECK(seconds_since(h) < 2.0);
      ++others_pages;
    }
    std::this_thread::sleep_for(200ms);  // the watcher's pace: five messages a second
  }
  const double window = seconds_since(started);
  stop = true;
  pager.join();
  reconnector.join();
  const double total = seconds_since(started);

  INFO("window=" << window << "s pages=" << pages << " resumes=" << resumes << " worst_ms=" << worst_ms);
  CHECK(others_pages == 4);
  CHECK(worst_ms < 1000);
  CHECK(cut == 0);       // neither attacker was disconnected
  CHECK(refused == 0);   // one request at a time is never refused, only paced
  CHECK(oversized == 0); // every answer within the byte bound...
  CHECK(not_limited == 0);  // ... and saying there is more
  // user1's reads (its pages, its resumes) are held to the user's bucket: 16 at once, 8 a second.
  const double allowed = 2 * chat::limits::history_burst + 2 * chat::limits::history_per_second * total + 2;
  CHECK(pages + resumes <= allowed);
  // And the socket that pages alone to its own: 8 at once, 4 a second.
  CHECK(pages <= chat::limits::history_burst + chat::limits::history_per_second * total + 1);
  CHECK(pages + resumes >= 10);  // paced, not starved
}

TEST_CASE("a user's sockets asking beyond the wait bound get error rate_limited, never a disconnect", "[history][ws]") {
  test_server s([](chat::server::config& c) { c.rate_per_second = 0; });
  const auto port = s.port();
  const auto t1 = login(port, "user1", "user1");
  fill(port, login(port, "user3", "user3"), 50);
  // Eight sockets of user1 each ask 17 pages at once (one answered, sixteen waiting: the most
  // allowed): 136 reads against 16 at once and 8 a second would wait 15 s; past 10 s they are refused.
  std::vector<joined> sockets;
  for (int i = 0; i < 8; ++i) sockets.push_back(join_v1(port, t1));
  for (auto& c : sockets) {
    for (int k = 0; k < 17; ++k) c.ws->send_text(R"({"type":"history","limit":10})");
  }
  int answered = 0, limited = 0;
  for (auto& c : sockets) {
    for (int k = 0; k < 17; ++k) {
      const auto f = next_frame(*c.ws, 20000ms);
      if (f.at("type") == "history") {
        ++answered;
      } else if (f.at("type") == "error") {
        CHECK(f.at("code") == "rate_limited");
        ++limited;
      }
    }
  }
  INFO("answered=" << answered << " rate_limited=" << limited);
  CHECK(answered + limited == 8 * 17);
  CHECK(limited >= 1);
  CHECK(answered >= 80);  // about what fits in 10 s of the user's bucket: 16 at once (less the 8 joins), 80 more
  for (auto& c : sockets) {
    CHECK_FALSE(c.ws->closed());
    c.ws->send_text(send_frame("still here"));
    CHECK(next_of(*c.ws, "message").at("message") == "still here");
  }
}
