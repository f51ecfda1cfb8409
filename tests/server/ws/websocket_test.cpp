// The chat socket of PROTOCOL.md §3-§4 over real sockets: admission, the
// message path, legacy clients, ordering, resume, presence and de-duplication.
#include "room/room.hpp"
#include "server.hpp"

#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

using namespace chat::test;

namespace {

void no_rate_limit(chat::server::config& c) { c.rate_per_second = 0; }

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/** What every client of a burst must have seen: the same ids in the same increasing order, all
 *  `senders` × `per_sender` messages once each, and each sender's messages ("NAME #k") in the order
 *  it sent them. */
void check_one_order(const std::vector<std::vector<json>>& received, std::size_t senders, int per_sender) {
  const std::size_t total = senders * static_cast<std::size_t>(per_sender);
  std::vector<std::int64_t> reference;
  for (const auto& m : received.at(0)) reference.push_back(m.at("id"));
  REQUIRE(reference.size() == total);
  for (std::size_t k = 1; k < reference.size(); ++k) REQUIRE(reference[k] > reference[k - 1]);
  for (std::size_t i = 0; i < received.size(); ++i) {
    INFO("client " << i);
    std::vector<std::int64_t> ids;
    std::map<std::string, std::vector<int>> order;  // per sender, the numbers in arrival order
    for (const auto& m : received[i]) {
      ids.push_back(m.at("id"));
      const auto body = m.at("message").get<std::string>();
      const auto user = m.at("username").get<std::string>();
      order[user].push_back(std::stoi(body.substr(user.size() + 2)));
    }
    CHECK(ids == reference);  // the same messages in the same order, none twice, none missing
    REQUIRE(order.size() == senders);
    for (const auto& [user, numbers] : order) {
      INFO(user);
      REQUIRE(numbers.size() == static_cast<std::size_t>(per_sender));
      for (int k = 0; k < per_sender; ++k) CHECK(numbers[k] == k);  // each sender's order is kept
    }
  }
}

}  // namespace

TEST_CASE("upgrade refused without a session, for another user's name, from a foreign Origin", "[ws]") {
  test_server s([](chat::server::config& c) { c.allow_origins = {"https://chat.example.com"}; });
  const auto port = s.port();
  const auto token = login(port, "user1", "user1");
  const headers cookie = {{"Cookie", "session=" + token}};
  auto with = [&](headers h) {
    h.insert(h.end(), cookie.begin(), cookie.end());
    return h;
  };

  CHECK(upgrade_status(port, "/websocket/chatroom?username=user1") == 401);
  CHECK(upgrade_status(port, "/websocket/chatroom") == 401);
  CHECK(upgrade_status(port, "/websocket/chatroom?username=user1", {{"Cookie", "session=forged"}}) == 401);
  CHECK(upgrade_status(port, "/websocket/chatroom?username=user2", cookie) == 403);
  CHECK(upgrade_status(port, "/websocket/chatroom?username=user1", with({{"Origin", "https://evil.example"}})) == 403);
  CHECK(upgrade_status(port, "/websocket/chatroom", with({{"Origin", "null"}})) == 403);
  CHECK(upgrade_status(port, "/websocket/chatroom?v=1&since=abc", cookie) == 400);
  CHECK(upgrade_status(port, "/websocket/other", cookie) == 404);

  CHECK(upgrade_status(port, "/websocket/chatroom?username=user1", cookie) == 101);
  CHECK(upgrade_status(port, "/websocket/chatroom?username=user1", {{"Authorization", "Bearer " + token}}) == 101);
  CHECK(upgrade_status(port, "/websocket/chatroom",
                       with({{"Origin", "http://127.0.0.1:" + std::to_string(port)}})) == 101);
  CHECK(upgrade_status(port, "/websocket/chatroom", with({{"Origin", "https://chat.example.com"}})) == 101);
}

TEST_CASE("guest mode admits an unregistered name, never a registered one, nor one another guest holds", "[ws]") {
  test_server off;
  CHECK(upgrade_status(off.port(), "/websocket/chatroom?username=visitor") == 401);

  test_server s([](chat::server::config& c) { c.guest_mode = true; });
  CHECK(upgrade_status(s.port(), "/websocket/chatroom?username=user1") == 403);
  CHECK(upgrade_status(s.port(), "/websocket/chatroom?username=USER1") == 403);
  CHECK(upgrade_status(s.port(), "/websocket/chatroom?username=bad%20name") == 400);
  CHECK(upgrade_status(s.port(), "/websocket/chatroom") == 401);

  ws_client guest(s.port(), "/websocket/chatroom?v=1&username=visitor");
  const auto welcome = next_frame(guest);
  CHECK(welcome.at("user").at("username") == "visitor");
  CHECK(welcome.at("online") == json::array({"visitor"}));
  next_of(guest, "history");
  guest.send_text("hello from a guest");
  const auto m = next_of(guest, "message");
  CHECK(m.at("username") == "visitor");
  CHECK(m.at("message") == "hello from a guest");

  // A second guest cannot take a name another guest holds (any letter case), until that one is gone.
  CHECK(upgrade_status(s.port(), "/websocket/chatroom?username=visitor") == 403);
  CHECK(upgrade_status(s.port(), "/websocket/chatroom?v=1&username=Visitor") == 403);
  CHECK(upgrade_status(s.port(), "/websocket/chatroom?username=someone-else") == 101);
  guest.close();
  CHECK(wait_for([&] { return upgrade_status(s.port(), "/websocket/chatroom?username=visitor") == 101; }));
}

TEST_CASE("one message reaches three clients, sender included, with the seed's field names", "[ws]") {
  test_server s;
  const auto port = s.port();
  auto a = join_v1(port, login(port, "user1", "user1"));
  auto b = join_v1(port, login(port, "user2", "user2"));
  auto c = join_v1(port, login(port, "user3", "user3"));
  CHECK(a.welcome.at("user").at("username") == "user1");
  CHECK(a.welcome.at("last_id") == 0);
  CHECK(a.history.at("messages").empty());
  CHECK(a.history.at("limited") == false);
  CHECK(c.welcome.at("online") == json::array({"user1", "user2", "user3"}));

  const std::string tricky = "hi \"all\" </script><b>x</b> \\ \u00e9\u4e2d \U0001F600";
  const auto before = now_ms();
  a.ws->send_text(send_frame("  " + tricky + "\n", "c-7f3a"));
  std::int64_t id = 0;
  for (auto* client : {a.ws.get(), b.ws.get(), c.ws.get()}) {
    const auto m = next_of(*client, "message");
    CHECK(m.at("username") == "user1");
    CHECK(m.at("message") == tricky);  // trimmed, and intact after JSON escaping
    CHECK(m.at("time").is_number_integer());
    CHECK(m.at("time").get<std::int64_t>() >= before - 1000);
    CHECK(m.at("time").get<std::int64_t>() <= now_ms() + 1000);
    CHECK(m.at("client_id") == "c-7f3a");
    CHECK(m.at("id").get<std::int64_t>() >= 1);
    if (id == 0) id = m.at("id");
    CHECK(m.at("id") == id);
  }
}

TEST_CASE("a legacy client sends plain text and receives only message frames", "[ws]") {
  test_server s;
  const auto port = s.port();
  const auto t1 = login(port, "user1", "user1");
  ws_client legacy(port, "/websocket/chatroom?username=user1", t1);
  auto other = join_v1(port, login(port, "user2", "user2"));
  {
    auto visitor = join_v1(port, login(port, "user3", "user3"));  // join + leave: presence for v1 only
    visitor.ws->close();
  }
  REQUIRE(wait_for([&] { return s.get().chat_room().size() == 2; }));

  legacy.send_text("hello from the seed");
  legacy.send_text("   ");                                     // blank: nothing at all
  legacy.send_text(std::string(4001, 'x'));                    // too long: nothing for legacy
  legacy.send_text(R"({"type":"send","message":5})");          // bad request: nothing for legacy
  legacy.send_text("still here");  // read after the three above on the same socket: all answered before it

  std::vector<json> seen;
  for (;;) {
    seen.push_back(next_frame(legacy));
    if (seen.back().value("message", "") == "still here") break;
  }
  REQUIRE(seen.size() == 2);
  for (const auto& f : seen) CHECK(f.at("type") == "message");
  CHECK(seen[0].at("username") == "user1");
  CHECK(seen[0].at("message") == "hello from the seed");
  CHECK(seen[0].at("time").is_number_integer());
  CHECK_FALSE(seen[0].contains("client_id"));

  other.ws->send_text(send_frame("from a v1 client"));
  const auto from_other = next_frame(legacy);
  CHECK(from_other.at("type") == "message");
  CHECK(from_other.at("username") == "user2");
  CHECK(from_other.at("message") == "from a v1 client");

  const auto m = next_of(*other.ws, "message");
  CHECK(m.at("message") == "hello from the seed");
}

TEST_CASE("concurrent senders: every client sees the same id sequence", "[ws]") {
  test_server s(no_rate_limit);
  const auto port = s.port();
  const std::vector<std::string> users = {"user1", "user2", "user3", "sofia"};
  constexpr int per_client = 60;
  std::vector<joined> clients;
  for (const auto& u : users) clients.push_back(join_v1(port, login(port, u, u)));

  std::vector<std::vector<json>> received(users.size());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (std::size_t i = 0; i < users.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        for (int k = 0; k < per_client; ++k) {
          clients[i].ws->send_text(send_frame(users[i] + " #" + std::to_string(k), users[i] + "-" + std::to_string(k)));
        }
        while (received[i].size() < users.size() * per_client) {
          auto f = clients[i].ws->read(15000ms);
          if (!f) break;
          auto j = json::parse(*f);
          if (j.at("type") == "message") received[i].push_back(std::move(j));
        }
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(failures == 0);

  check_one_order(received, users.size(), per_client);
}

TEST_CASE("a burst with a commit interval reaches every client exactly once, in order, on both I/O threads",
          "[ws]") {
  const bool full = GENERATE(false, true);
  INFO((full ? "--fsync full" : "--fsync normal"));
  test_server s([&](chat::server::config& c) {
    c.rate_per_second = 0;
    c.commit_interval_ms = 20;
    c.fsync_full = full;
    c.threads = 2;
  });
  const auto port = s.port();
  const std::vector<std::string> senders = {"user1", "user2", "user3"};
  constexpr int per_sender = 300;
  constexpr std::size_t total = 3 * per_sender;
  // Three senders and two more readers (v1), one of them a second tab of user1,
  // and a legacy client: connections alternate between the two I/O threads.
  std::vector<std::unique_ptr<ws_client>> clients;
  for (const auto& u : senders) clients.push_back(std::move(join_v1(port, login(port, u, u)).ws));
  clients.push_back(std::move(join_v1(port, login(port, "sofia", "sofia")).ws));
  clients.push_back(std::move(join_v1(port, login(port, "user1", "user1")).ws));
  clients.push_back(std::make_unique<ws_client>(port, "/websocket/chatroom?username=kenji", login(port, "kenji", "kenji")));
  REQUIRE(wait_for([&] { return s.get().chat_room().size() == clients.size(); }));

  std::vector<std::vector<json>> received(clients.size());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (std::size_t i = 0; i < clients.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        if (i < senders.size()) {
          // The whole burst without waiting for echoes: legacy plain text and v1 sends mixed.
          for (int k = 0; k < per_sender; ++k) {
            const auto body = senders[i] + " #" + std::to_string(k);
            clients[i]->send_text(k % 3 == 0 ? body : send_frame(body, senders[i] + "-" + std::to_string(k)));
          }
        }
        while (received[i].size() < total) {
          auto f = clients[i]->read(20000ms);
          if (!f) break;
          auto j = json::parse(*f);
          if (j.value("type", "") == "message") received[i].push_back(std::move(j));
        }
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(failures == 0);

  check_one_order(received, senders.size(), per_sender);
  CHECK(s.get().chat_room().last_id() == static_cast<std::int64_t>(total));
}

TEST_CASE("resume with since= after a disconnect: nothing lost, nothing doubled", "[ws]") {
  test_server s(no_rate_limit);
  const auto port = s.port();
  const auto ta = login(port, "user1", "user1");
  auto b = join_v1(port, login(port, "user2", "user2"));
  auto c = join_v1(port, login(port, "user3", "user3"));

  std::int64_t seen_last = 0;
  {
    auto a = join_v1(port, ta);
    for (int k = 0; k < 5; ++k) b.ws->send_text(send_frame("before " + std::to_string(k)));
    for (int k = 0; k < 5; ++k) seen_last = next_of(*a.ws, "message").at("id");
    a.ws->close();
  }
  for (int k = 0; k < 7; ++k) b.ws->send_text(send_frame("while away " + std::to_string(k)));
  for (int k = 0; k < 5 + 7; ++k) next_of(*b.ws, "message");  // B's own echoes, all twelve

  // Messages keep flowing while A reconnects: C sends without pause from before A's upgrade until
  // five echoes after A is in, so the history holds some of them, the live stream the rest, and the
  // commits that race A's join land on one side or the other: each must arrive once, in order.
  std::atomic<bool> joined{false};
  std::atomic<int> echoed{0};
  std::atomic<bool> sender_done{false};
  std::atomic<std::int64_t> last_sent{0};
  std::exception_ptr sender_failed;  // assertions stay on this thread: the sender only records
  std::thread sender([&] {
    try {
      for (int k = 0, after = 0; k < 5000 && after < 5; ++k) {
        const bool in = joined;
        const auto body = "during " + std::to_string(k);
        c.ws->send_text(send_frame(body));
        json echo;  // C also receives B's twelve: wait for its own (no Catch2 macros on this thread)
        do {
          const auto f = c.ws->read(10000ms);
          if (!f) throw std::runtime_error("no echo of " + body + " within 10 s");
          echo = json::parse(*f);
        } while (echo.value("type", "") != "message" || echo.at("message") != body);
        last_sent = echo.at("id").get<std::int64_t>();
        ++echoed;
        after += in;
      }
    } catch (...) {
      sender_failed = std::current_exception();
    }
    sender_done = true;
  });
  const bool flowing = wait_for([&] { return echoed >= 3 || sender_done; });
  auto a = join_v1(port, ta, "&since=" + std::to_string(seen_last));
  joined = true;
  sender.join();
  if (sender_failed) std::rethrow_exception(sender_failed);
  REQUIRE(flowing);

  std::vector<std::int64_t> ids;
  int during_in_history = 0, during_live = 0;
  for (const auto& m : a.history.at("messages")) {
    ids.push_back(m.at("id"));
    during_in_history += m.at("message").get<std::string>().rfind("during ", 0) == 0;
  }
  CHECK(a.history.at("limited") == false);
  REQUIRE_FALSE(ids.empty());
  CHECK(ids.front() == seen_last + 1);
  while (ids.empty() || ids.back() < last_sent) {
    const auto m = next_of(*a.ws, "message");
    ids.push_back(m.at("id"));
    during_live += m.at("message").get<std::string>().rfind("during ", 0) == 0;
  }
  CHECK(during_in_history >= 3);  // the race was on: C's messages are on both sides of A's join
  CHECK(during_live >= 5);
  std::vector<std::int64_t> expected;
  for (auto id = seen_last + 1; id <= last_sent; ++id) expected.push_back(id);
  CHECK(ids == expected);
  CHECK(a.welcome.at("last_id").get<std::int64_t>() >= seen_last + 7);
}

TEST_CASE("a client_id resend is stored once and the sender gets the original back", "[ws]") {
  test_server s;
  const auto port = s.port();
  const auto t1 = login(port, "user1", "user1");
  auto b = join_v1(port, login(port, "user2", "user2"));
  json original;
  {
    auto a = join_v1(port, t1);
    a.ws->send_text(send_frame("only once", "c-dup"));
    original = next_of(*a.ws, "message");
    a.ws->send_text(send_frame("only once (resent)", "c-dup"));
    const auto echo = next_of(*a.ws, "message");
    CHECK(echo == original);
    a.ws->close();
  }
  auto a = join_v1(port, t1);  // after a reconnect, too
  CHECK(a.history.at("messages").size() == 1);
  a.ws->send_text(send_frame("only once", "c-dup"));
  CHECK(next_of(*a.ws, "message") == original);

  b.ws->send_text(send_frame("sentinel"));
  std::vector<json> at_b;
  for (;;) {
    at_b.push_back(next_of(*b.ws, "message"));
    if (at_b.back().at("message") == "sentinel") break;
  }
  REQUIRE(at_b.size() == 2);
  CHECK(at_b[0] == original);
}

TEST_CASE("history: latest 50 on connect, pages back with before, capped", "[ws]") {
  test_server s(no_rate_limit);
  const auto port = s.port();
  auto a = join_v1(port, login(port, "user1", "user1"));
  for (int k = 1; k <= 260; ++k) a.ws->send_text(std::to_string(k));
  for (int k = 1; k <= 260; ++k) REQUIRE(next_of(*a.ws, "message").at("message") == std::to_string(k));

  auto b = join_v1(port, login(port, "user2", "user2"));
  CHECK(b.welcome.at("last_id") == 260);
  const auto& first = b.history.at("messages");
  REQUIRE(first.size() == 50);
  CHECK(first.front().at("id") == 211);
  CHECK(first.back().at("id") == 260);
  CHECK(b.history.at("limited") == true);

  b.ws->send_text(R"({"type":"history","before":211,"limit":100000})");
  auto page = next_of(*b.ws, "history");
  CHECK(page.at("before") == 211);
  REQUIRE(page.at("messages").size() == 200);
  CHECK(page.at("messages").front().at("id") == 11);
  CHECK(page.at("messages").back().at("id") == 210);
  CHECK(page.at("limited") == true);

  b.ws->send_text(R"({"type":"history","before":11,"limit":50})");
  page = next_of(*b.ws, "history");
  CHECK(page.at("messages").size() == 10);
  CHECK(page.at("limited") == false);

  auto c = join_v1(port, login(port, "user3", "user3"), "&since=0");
  CHECK(c.history.at("messages").size() == 260);
  CHECK(c.history.at("limited") == false);
}

TEST_CASE("presence: join and leave events, several tabs are online once", "[ws]") {
  test_server s;
  const auto port = s.port();
  auto a = join_v1(port, login(port, "user1", "user1"));
  const auto t2 = login(port, "user2", "user2");

  auto tab1 = join_v1(port, t2);
  auto p = next_of(*a.ws, "presence");
  CHECK(p.at("event") == "join");
  CHECK(p.at("username") == "user2");
  CHECK(p.at("online") == json::array({"user1", "user2"}));

  auto tab2 = join_v1(port, t2);
  CHECK(tab2.welcome.at("online") == json::array({"user1", "user2"}));
  tab1.ws->close();
  REQUIRE(wait_for([&] { return s.get().chat_room().size() == 2; }));
  a.ws->send_text("sentinel 1");
  auto f = next_frame(*a.ws);
  CHECK(f.at("type") == "message");  // no join for the 2nd tab, no leave for the 1st

  tab2.ws->close();
  p = next_of(*a.ws, "presence");
  CHECK(p.at("event") == "leave");
  CHECK(p.at("username") == "user2");
  CHECK(p.at("online") == json::array({"user1"}));
}

TEST_CASE("errors to v1 clients: bad_request, empty, too_long, and the connection lives", "[ws]") {
  test_server s;
  auto a = join_v1(s.port(), login(s.port(), "user1", "user1"));
  for (const char* bad : {R"({"type":"send","message":5})", R"({"type":"nope"})", R"({"type":"send"})",
                          R"({"type":"history","before":"x"})", R"({"type":7})",
                          R"({"type":"send","message":"x","client_id":"has space"})"}) {
    INFO(bad);
    a.ws->send_text(bad);
    const auto e = next_frame(*a.ws);
    CHECK(e.at("type") == "error");
    CHECK(e.at("code") == "bad_request");
    CHECK_FALSE(e.at("message").get<std::string>().empty());
  }
  a.ws->send_text(" \t\n ");
  CHECK(next_frame(*a.ws).at("code") == "empty");
  a.ws->send_text(send_frame("   ", "c-blank"));
  auto e = next_frame(*a.ws);
  CHECK(e.at("code") == "empty");
  CHECK(e.at("client_id") == "c-blank");
  a.ws->send_text(send_frame(std::string(4001, 'y'), "c-long"));
  e = next_frame(*a.ws);
  CHECK(e.at("code") == "too_long");
  CHECK(e.at("client_id") == "c-long");
  a.ws->send_text(std::string(4000, 'z'));  // exactly the limit is fine
  CHECK(next_frame(*a.ws).at("message").get<std::string>().size() == 4000);
  a.ws->send_text("{not json at all");  // not a JSON object: a plain message, per the seed
  CHECK(next_frame(*a.ws).at("message") == "{not json at all");
  CHECK(s.get().chat_room().last_id() == 2);  // nothing refused was stored
}

TEST_CASE("logout closes the sockets opened with that session with 4401, and only those", "[ws]") {
  test_server s;
  const auto port = s.port();
  const auto ended = login(port, "user1", "user1");
  const auto other_session = login(port, "user1", "user1");  // the same user in another browser
  auto tab = join_v1(port, ended);
  ws_client legacy(port, "/websocket/chatroom?username=user1", ended);
  auto elsewhere = join_v1(port, other_session);
  auto amy = join_v1(port, login(port, "user2", "user2"));
  REQUIRE(wait_for([&] { return s.get().chat_room().size() == 4; }));  // the legacy socket joined too

  REQUIRE(http(port, "POST", "/api/logout", {{"Authorization", "Bearer " + ended}}).status == 204);
  CHECK(tab.ws->wait_closed());
  CHECK(tab.ws->close_code() == 4401);
  CHECK(legacy.wait_closed());
  CHECK(legacy.close_code() == 4401);
  CHECK(upgrade_status(port, "/websocket/chatroom?v=1", {{"Authorization", "Bearer " + ended}}) == 401);

  elsewhere.ws->send_text(send_frame("still here", "c-1"));
  CHECK(next_of(*elsewhere.ws, "message").at("message") == "still here");
  CHECK(next_of(*amy.ws, "message").at("message") == "still here");
  CHECK(s.get().chat_room().online() == std::vector<std::string>{"user1", "user2"});
}

namespace {

/** The status code of the first close frame the server sent after its 101 (0 if none). */
std::uint16_t server_close_code(const std::string& received) {
  const auto body = received.find("\r\n\r\n");
  if (body == std::string::npos) return 0;
  const auto at = received.find('\x88', body + 4);
  if (at == std::string::npos || received.size() < at + 4) return 0;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(received[at + 2]) << 8) |
                                    static_cast<unsigned char>(received[at + 3]));
}

/** Opens a legacy socket (nothing is sent to it unprompted), closes it with `close_payload`,
 *  and returns the code of the server's answering close frame. */
std::uint16_t answer_to_close(std::uint16_t port, const std::string& token, const std::string& close_payload) {
  raw_socket c(port);
  REQUIRE(c.send(upgrade_request(port, "/websocket/chatroom", token)));
  REQUIRE(c.read_until("\r\n\r\n"));
  REQUIRE(c.received().rfind("HTTP/1.1 101", 0) == 0);
  REQUIRE(c.send(client_frame(8, close_payload)));
  REQUIRE(c.wait_closed());
  return server_close_code(c.received());
}

}  // namespace

TEST_CASE("the server answers a client's close with its code, and a close without a code with 1000", "[ws]") {
  test_server s;
  const auto token = login(s.port(), "user1", "user1");
  CHECK(answer_to_close(s.port(), token, "") == 1000);  // RFC 6455 §7.4.1: 1005 is never sent
  CHECK(answer_to_close(s.port(), token, std::string("\x03\xe8" "bye", 5)) == 1000);
  CHECK(answer_to_close(s.port(), token, std::string("\x0f\xa0" "going", 7)) == 4000);
}
