// history_sync through the client: the connect page, older pages, and a
// capped resume's gap filled back to since=.
#include "client_harness.hpp"

using namespace chat;
using namespace chat::web;
using namespace client_test;

// ------------------------------------------------------------------ history

TEST_CASE("history: the latest page on connect, older pages on request") {
  harness h;
  std::vector<chat_message> latest;
  for (std::int64_t id = 51; id <= 100; ++id) latest.push_back(msg(id, "amy", "m"));
  h.go_live("eric", latest, /*limited=*/true);
  CHECK(h.client.log().confirmed().size() == 50);
  CHECK(h.client.has_older());

  h.client.load_older(h.now);
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":51,"limit":50})"});
  CHECK(h.client.loading_older());
  h.client.load_older(h.now);  // one page at a time
  CHECK(h.sent().empty());

  std::vector<chat_message> older;
  for (std::int64_t id = 1; id <= 50; ++id) older.push_back(msg(id, "amy", "m"));
  h.receive(encode(history_event{older, false, 51}));
  CHECK_FALSE(h.client.loading_older());
  CHECK_FALSE(h.client.has_older());
  CHECK(h.client.log().confirmed().front().id == 1);
  CHECK(h.client.log().confirmed().size() == 100);
  h.client.load_older(h.now);
  CHECK(h.sent().empty());
}

TEST_CASE("history: past the retention horizon the log drops what the server removed and stops paging") {
  harness h;
  std::vector<chat_message> held;
  for (std::int64_t id = 1; id <= 10; ++id) held.push_back(msg(id, "amy", "m"));
  h.go_live("eric", held, /*limited=*/false);
  CHECK(h.client.history_horizon() == 0);

  // The connection drops; meanwhile retention removes ids 1..6; the resume says so.
  h.client.on_socket_close(1006, "", h.now);
  h.now += 10'000;
  h.client.tick(h.now);
  CHECK(one<cmd::open_socket>(h.take()).path == "/websocket/chatroom?v=1&since=10");
  h.client.on_socket_open(h.now);
  h.welcome("eric", 11);
  h.receive(encode(history_event{{msg(11, "amy", "new")}, false, std::nullopt, 6}));
  CHECK(h.client.history_horizon() == 6);
  const auto& log = h.client.log().confirmed();
  REQUIRE(log.size() == 5);  // 7..11: nothing the server no longer has, no hole before 7
  CHECK(log.front().id == 7);
  CHECK(log.back().id == 11);
  CHECK_FALSE(h.client.has_older());
  h.client.load_older(h.now);
  CHECK(h.sent().empty());
}

TEST_CASE("history: a server whose ids went back (a restored backup) is reloaded, and its new messages show") {
  harness h;
  std::vector<chat_message> held;
  for (std::int64_t id = 1; id <= 10; ++id) held.push_back(msg(id, "amy", "before the restore"));
  h.go_live("eric", held, /*limited=*/false);

  // The server is restored from a backup that ends at id 4, and reconnects; the tab is in the background.
  h.client.set_visible(false, h.now);
  h.client.on_socket_close(1001, "", h.now);
  h.now += 10'000;
  h.client.tick(h.now);
  CHECK(one<cmd::open_socket>(h.take()).path == "/websocket/chatroom?v=1&since=10");
  h.client.on_socket_open(h.now);
  h.welcome("eric", 4);
  CHECK(h.client.log().confirmed().empty());  // ids 5..10 are not the server's any more
  h.receive(encode(history_event{{}, false, std::nullopt}));  // nothing after since=10
  CHECK(h.sent() == std::vector<std::string>{R"({"type":"history","before":5,"limit":50})"});

  std::vector<chat_message> restored;
  for (std::int64_t id = 1; id <= 4; ++id) restored.push_back(msg(id, "amy", "restored"));
  h.receive(encode(history_event{restored, false, 5}));
  REQUIRE(h.client.log().confirmed().size() == 4);
  CHECK_FALSE(h.client.has_older());

  // The next message takes id 5 again: it is new, and shown.
  h.receive(encode(msg(5, "amy", "after the restore")));
  REQUIRE(h.client.log().confirmed().size() == 5);
  CHECK(h.client.log().confirmed().back().text == "after the restore");
  CHECK(h.client.unread() == 1);  // and counted unread in the background tab's title
}

TEST_CASE("a short room has nothing older to load") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "only")}, false);
  CHECK_FALSE(h.client.has_older());
}

TEST_CASE("a page request lost with the connection can be asked again") {
  harness h;
  std::vector<chat_message> latest;
  for (std::int64_t id = 51; id <= 100; ++id) latest.push_back(msg(id, "amy", "m"));
  h.go_live("eric", latest, true);
  h.client.load_older(h.now);
  h.take();
  h.client.on_socket_close(1006, "", h.now);
  CHECK_FALSE(h.client.loading_older());
  CHECK(h.client.has_older());
}

// ------------------------------------------------------------------ the part on its own

namespace {

std::vector<chat_message> ids(std::int64_t from, std::int64_t to) {
  std::vector<chat_message> out;
  for (std::int64_t id = from; id <= to; ++id) out.push_back(msg(id, "amy", "m"));
  return out;
}

history_request asked(client_context& ctx) {
  const auto sent = one<cmd::send>(ctx.take_commands());
  const auto r = decode_client(sent.text);
  REQUIRE(r.ok());
  return std::get<history_request>(r.value());
}

}  // namespace

TEST_CASE("history_sync: a capped resume is filled back to since=, one page at a time") {
  auto ctx = fixed_context();
  history_sync h(ctx);
  h.on_connect_attempt();
  h.on_welcome();
  h.on_history(history_event{ids(901, 950), true, std::nullopt}, /*since_used=*/100, /*live=*/true);
  CHECK(h.filling_gap());
  auto r = asked(ctx);
  CHECK(r.before == 901);
  CHECK(r.limit == 200);
  h.on_history(history_event{ids(701, 900), true, 901}, 100, true);
  CHECK(asked(ctx).before == 701);
  h.on_history(history_event{ids(101, 700), true, 701}, 100, true);  // reaches since+1: whole again
  CHECK_FALSE(h.filling_gap());
  CHECK(ctx.take_commands().empty());
}

TEST_CASE("history_sync: the gap waits while the socket is not live, and a loss voids the asks") {
  auto ctx = fixed_context();
  history_sync h(ctx);
  h.on_welcome();
  h.on_history(history_event{ids(901, 950), true, std::nullopt}, 100, /*live=*/false);
  CHECK(h.filling_gap());
  CHECK(ctx.take_commands().empty());
  h.on_lost();
  h.on_welcome();
  h.on_history(history_event{ids(951, 960), true, std::nullopt}, 950, true);  // the next resume, capped too
  CHECK(asked(ctx).before == 951);  // down from this resume's oldest, to the old gap's lower end
  h.on_history(history_event{ids(101, 950), true, 951}, 950, true);
  CHECK_FALSE(h.filling_gap());  // back to the first since=, not the second
}

TEST_CASE("history_sync: older pages only while live, one at a time, and only when they exist") {
  auto ctx = fixed_context();
  history_sync h(ctx);
  h.on_welcome();
  h.on_history(history_event{ids(51, 100), true, std::nullopt}, 0, true);
  CHECK(h.has_older());
  CHECK_FALSE(h.load_older(51, /*live=*/false));
  CHECK(h.load_older(51, true));
  CHECK(asked(ctx).limit == 50);
  CHECK(h.loading_older());
  CHECK_FALSE(h.load_older(51, true));  // already asking
  h.on_history(history_event{ids(1, 50), false, 51}, 0, true);
  CHECK_FALSE(h.loading_older());
  CHECK_FALSE(h.has_older());
  CHECK_FALSE(h.load_older(1, true));
}
