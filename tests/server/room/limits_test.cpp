// The limits of PROTOCOL.md §4 with their close codes, over real sockets:
// oversize, binary, invalid UTF-8, flooding, and a client that stops reading.
#include "room/room.hpp"
#include "server.hpp"
#include "stats.hpp"

#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <chat/limits.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace chat::test;

TEST_CASE("a frame over 64 KiB closes with 1009", "[ws][limits]") {
  test_server s;
  auto a = join_v1(s.port(), login(s.port(), "user1", "user1"));
  a.ws->send_text(std::string(chat::limits::max_frame_bytes + 1, 'a'));
  REQUIRE(a.ws->wait_closed());
  CHECK(a.ws->close_code() == 1009);
}

TEST_CASE("a binary frame closes with 1003", "[ws][limits]") {
  test_server s;
  auto a = join_v1(s.port(), login(s.port(), "user1", "user1"));
  a.ws->send_binary("\x01\x02\x03");
  REQUIRE(a.ws->wait_closed());
  CHECK(a.ws->close_code() == 1003);
}

TEST_CASE("invalid UTF-8 closes with 1007", "[ws][limits]") {
  test_server s;
  auto a = join_v1(s.port(), login(s.port(), "user1", "user1"));
  a.ws->send_text("caf\xc3 \xff\xfe");
  REQUIRE(a.ws->wait_closed());
  CHECK(a.ws->close_code() == 1007);
}

TEST_CASE("flooding gets error rate_limited, then close 4029, others are unaffected", "[ws][limits]") {
  test_server s;
  const auto port = s.port();
  auto a = join_v1(port, login(port, "user1", "user1"));
  auto b = join_v1(port, login(port, "user2", "user2"));
  const auto flood_started = std::chrono::steady_clock::now();
  int sent = 0;
  try {
    for (; sent < 60; ++sent) a.ws->send_text(send_frame("flood " + std::to_string(sent), "f-" + std::to_string(sent)));
  } catch (const std::exception&) {
    // The server closed the socket while we were still sending: expected.
  }
  std::vector<std::string> frames;
  REQUIRE(a.ws->wait_closed(15000ms, &frames));
  const double flood_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - flood_started).count();
  CHECK(a.ws->close_code() == 4029);
  int limited = 0;
  for (const auto& f : frames) {
    const auto j = json::parse(f);
    if (j.at("type") == "error") {
      CHECK(j.at("code") == "rate_limited");
      CHECK(j.at("client_id").get<std::string>().rfind("f-", 0) == 0);
      ++limited;
    }
  }
  CHECK(limited == chat::limits::rate_strikes);  // one error per refusal, then the close
  // The burst was stored, the rest dropped, but for the tokens that refilled while the flood lasted:
  // at least a second's worth, more if this machine took longer over it (the rate, not our speed, is checked).
  const auto burst = static_cast<std::int64_t>(chat::limits::rate_burst);
  const auto refilled = std::max<std::int64_t>(
      5, static_cast<std::int64_t>(std::ceil(chat::limits::rate_per_second * flood_s)));
  INFO("the flood took " << flood_s << " s");
  REQUIRE(wait_for([&] { return s.get().chat_room().last_id() >= burst; }));
  CHECK(s.get().chat_room().last_id() <= burst + refilled);
  CHECK(s.get().stats().rate_limit_closes() == 1);

  b.ws->send_text("still here");
  for (;;) {
    const auto m = next_of(*b.ws, "message");
    if (m.at("message") == "still here") break;
  }
}

TEST_CASE("a client that stops reading is closed with 1013, memory stays bounded, it resumes losing nothing",
          "[ws][limits]") {
  constexpr std::size_t bound = 256 * 1024;
  test_server s([](chat::server::config& c) {
    c.rate_per_second = 0;
    c.max_queue_bytes = bound;
  });
  const auto port = s.port();
  const auto t3 = login(port, "user3", "user3");
  auto sender = join_v1(port, login(port, "user1", "user1"));
  // The slow client joins but never reads (and asks the kernel for a tiny window).
  auto slow = std::make_unique<ws_client>(port, "/websocket/chatroom?v=1", t3, headers{}, true);

  const std::string body(4000, 'm');
  int sent = 0;
  std::int64_t last_id = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (s.get().stats().overflow_closes() == 0 && sent < 20000 && std::chrono::steady_clock::now() < deadline) {
    for (int k = 0; k < 20; ++k, ++sent) sender.ws->send_text(body);
    for (int k = 0; k < 20; ++k) last_id = next_of(*sender.ws, "message").at("id");
  }
  REQUIRE(s.get().stats().overflow_closes() == 1);
  // The bound held: never more than the limit plus the one frame that crossed it.
  CHECK(s.get().stats().peak_queue_bytes <= bound + body.size() + 200);

  // The slow client now reads: what was sent before the close, in order, then 1013.
  std::vector<std::string> frames;
  REQUIRE(slow->wait_closed(30000ms, &frames));
  CHECK(slow->close_code() == 1013);
  std::int64_t seen = 0;
  for (const auto& f : frames) {
    const auto j = json::parse(f);
    if (j.at("type") != "message") continue;
    const std::int64_t id = j.at("id");
    CHECK(id == seen + 1);
    seen = id;
  }
  CHECK(seen < last_id);

  // It reconnects with since= and gets the rest, paging back if the history
  // frame had to stop at its size cap: nothing lost.
  auto again = join_v1(port, t3, "&since=" + std::to_string(seen));
  std::vector<json> pages = {again.history};
  while (pages.back().at("limited") == true) {
    const std::int64_t first = pages.back().at("messages").front().at("id");
    if (first <= seen + 1) break;
    again.ws->send_text(json{{"type", "history"}, {"before", first}, {"limit", 200}}.dump());
    pages.push_back(next_of(*again.ws, "history"));
  }
  std::set<std::int64_t> got;
  for (const auto& page : pages) {
    for (const auto& m : page.at("messages")) {
      if (m.at("id").get<std::int64_t>() > seen) got.insert(m.at("id").get<std::int64_t>());
    }
  }
  REQUIRE_FALSE(got.empty());
  CHECK(*got.begin() == seen + 1);
  CHECK(*got.rbegin() == last_id);
  CHECK(got.size() == static_cast<std::size_t>(last_id - seen));
}
