// Retention and quotas over real sockets (issue 14, finding 8): once old
// messages are removed, a client joining, resuming below the horizon or
// paging past it is told where history starts (`horizon`), never left with
// something that looks like a gap; a sender past its quota gets
// quota_exceeded with its client_id, and others keep sending.
#include "server.hpp"

#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

using namespace chat::test;

namespace {

std::vector<std::int64_t> ids_of(const json& history) {
  std::vector<std::int64_t> ids;
  for (const auto& m : history.at("messages")) ids.push_back(m.at("id").get<std::int64_t>());
  return ids;
}

}  // namespace

TEST_CASE("below the retention horizon clients are told where history starts, never shown a gap", "[retention][ws]") {
  test_server s([](chat::server::config& c) {
    c.rate_per_second = 0;
    c.retention_messages = 3;
    c.retention_check_ms = 20;
  });
  const auto port = s.port();
  const auto token = login(port, "user1", "user1");
  {
    auto c = join_v1(port, token);
    CHECK_FALSE(c.history.contains("horizon"));  // nothing was ever removed
    for (int i = 1; i <= 6; ++i) c.ws->send_text(send_frame("m" + std::to_string(i), "c" + std::to_string(i)));
    for (int i = 1; i <= 6; ++i) next_of(*c.ws, "message");
  }
  // Retention runs on the writer while it is idle: wait for its effect as a new client sees it.
  json history;
  REQUIRE(wait_for([&] {
    history = join_v1(port, token).history;
    return history.value("horizon", 0) == 3;
  }));
  CHECK(ids_of(history) == std::vector<std::int64_t>{4, 5, 6});
  CHECK(history.at("limited") == false);

  // A resume from below the horizon: what is left, and where it starts.
  auto resumed = join_v1(port, token, "&since=1");
  CHECK(ids_of(resumed.history) == std::vector<std::int64_t>{4, 5, 6});
  CHECK(resumed.history.at("horizon") == 3);

  // Paging past the horizon: an empty page that says so.
  resumed.ws->send_text(R"({"type":"history","before":4,"limit":50})");
  const auto page = next_of(*resumed.ws, "history");
  CHECK(page.at("messages").empty());
  CHECK(page.at("limited") == false);
  CHECK(page.at("horizon") == 3);

  // A page that stops short of the start does not claim it.
  resumed.ws->send_text(R"({"type":"history","before":7,"limit":1})");
  const auto partial = next_of(*resumed.ws, "history");
  CHECK(ids_of(partial) == std::vector<std::int64_t>{6});
  CHECK(partial.at("limited") == true);
  CHECK_FALSE(partial.contains("horizon"));
}

TEST_CASE("a sender past its storage quota gets quota_exceeded with its client_id, and others still send", "[retention][ws]") {
  test_server s([](chat::server::config& c) {
    c.rate_per_second = 0;
    c.user_quota_bytes = 10;
  });
  const auto port = s.port();
  auto amy = join_v1(port, login(port, "user1", "user1"));
  auto eric = join_v1(port, login(port, "user2", "user2"));
  amy.ws->send_text(send_frame("12345", "a1"));
  amy.ws->send_text(send_frame("67890", "a2"));
  CHECK(next_of(*amy.ws, "message").at("client_id") == "a1");
  CHECK(next_of(*amy.ws, "message").at("client_id") == "a2");
  amy.ws->send_text(send_frame("one too many", "a3"));
  const auto refused = next_of(*amy.ws, "error");
  CHECK(refused.at("code") == "quota_exceeded");
  CHECK(refused.at("client_id") == "a3");

  eric.ws->send_text(send_frame("still here", "e1"));
  const auto m = next_of(*amy.ws, "message");
  CHECK(m.at("message") == "still here");
  CHECK(m.at("id") == 3);  // the refused message used no id
}
