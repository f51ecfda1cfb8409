// Upgrade in place: a database made by the release before rooms (schema 3,
// the committed dump fixtures/schema3_chatroom.sql) opened by this store and
// by the real server binary. Every message lands in the default room with its
// id, time, body and order; every user is a member; the old session still
// logs in; a v1 client resuming with last_id gets exactly what followed.
#include "auth/crypto.hpp"
#include "store/rooms.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace chat::server;
using namespace chat::test;

namespace {

/** user1's session token in the fixture (its digest is what the dump holds). */
const std::string fixture_token = "7kaKN88xFCzu8EONq1Lu4wtwlRIOZ9pwOwcKeMCSTnA";

/** The five messages of the fixture, as today's release stored them. */
const std::vector<chat::chat_message> fixture_messages = {
    {1, "user1", "hello from the old release", 1796285945480, "c-1"},
    {2, "user1", "second message", 1796285945492, "c-2"},
    {3, "user2", "Gr\u00fc\u00dfe, \u4f60\u597d \U0001F44B", 1796285945509, "c-3"},
    {4, "user2", "fourth", 1796285945519, "c-4"},
    {5, "user1", "last one before the upgrade", 1796285945529, "c-5"},
};

/** A copy of the old release's database at `path`, loaded from the dump. The
 *  fixture's sessions were made with a 7-day life: they are moved to expire a
 *  day from now, nothing else is touched. */
void make_old_database(const std::string& path) {
  std::ifstream in(std::string(CHATROOM_SOURCE_DIR) + "/tests/server/store/fixtures/schema3_chatroom.sql");
  REQUIRE(in);
  std::stringstream sql;
  sql << in.rdbuf();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql.str().c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(sqlite3_exec(db,
                     "UPDATE sessions SET expires_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
                     " + 86400000",
                     nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("a schema 3 database is migrated into the default room with every message, id and time", "[store][rooms]") {
  temp_dir d;
  const auto path = (d / "old.db").string();
  make_old_database(path);

  auto s = open_sqlite_store(path);
  CHECK_FALSE(s->created());
  CHECK(s->schema_version() == 4);
  const auto page = s->messages_page(0, 100, 100);
  CHECK(page.messages == fixture_messages);
  CHECK(s->room_page(default_room_id, 0, 100, 100).messages == fixture_messages);
  CHECK(s->last_message_id() == 5);
  CHECK(s->history_horizon() == 0);

  const auto room = s->find_room(default_room_id);
  REQUIRE(room);
  CHECK(room->kind == room_kind::public_room);
  CHECK(room->name == "Chat Room");
  CHECK(room->last_position == 5);
  CHECK(s->public_rooms() == std::vector<room_info>{*room});
  // Every user is a member, with the old history read.
  const auto users = s->list_users();
  const auto members = s->members(default_room_id);
  REQUIRE(members.size() == users.size());
  for (const auto& m : members) {
    CHECK(m.role == room_role::member);
    CHECK(m.read_position == 5);
  }
  CHECK(s->rooms_of("user2") == std::vector<room_info>{*room});
  REQUIRE(crypto::init());
  const auto session = s->session_user(crypto::token_digest(fixture_token), now_ms());
  REQUIRE(session);
  CHECK(session->username == "user1");

  // The next message continues the old ids; a resend of an old client_id is the original.
  auto out = s->append_messages({{"user2", "after the upgrade", "c-6", now_ms()}, {"user1", "again", "c-5", now_ms()}});
  CHECK(out[0].message.id == 6);
  CHECK(out[1].duplicate);
  CHECK(out[1].message == fixture_messages[4]);
}

TEST_CASE("the server started on a copy of an old database resumes v1 clients exactly", "[store][rooms][process]") {
  temp_dir d;
  const auto db = (d / "old.db").string();
  make_old_database(db);
  std::filesystem::create_directories(d / "web");
  child_process p({"--port", "0", "--db", db, "--web-root", (d / "web").string()});
  const auto line = p.read_line();
  REQUIRE(line);
  const auto port = port_of(*line);

  // The old session still holds; a password login works too.
  CHECK(http(port, "GET", "/api/me", {{"Authorization", "Bearer " + fixture_token}}).status == 200);
  const auto amy = login(port, "user2", "user2");

  // A v1 client that had seen up to id 2 gets 3, 4 and 5, in order, once.
  auto eric = join_v1(port, fixture_token, "&since=2");
  CHECK(eric.welcome.at("last_id") == 5);
  std::vector<std::int64_t> ids;
  std::vector<std::string> bodies;
  for (const auto& m : eric.history.at("messages")) {
    ids.push_back(m.at("id").get<std::int64_t>());
    bodies.push_back(m.at("message").get<std::string>());
  }
  CHECK(ids == std::vector<std::int64_t>{3, 4, 5});
  CHECK(bodies == std::vector<std::string>{fixture_messages[2].message, "fourth", "last one before the upgrade"});
  CHECK(eric.history.at("messages")[0].at("time") == fixture_messages[2].time);

  // Nothing else came before the next live message, which takes id 6.
  auto other = join_v1(port, amy);
  CHECK(other.history.at("messages").size() == 5);
  other.ws->send_text(send_frame("first after the upgrade", "n-1"));
  const auto live = next_of(*eric.ws, "message");
  CHECK(live.at("id") == 6);
  CHECK(live.at("message") == "first after the upgrade");

  // A fresh join pages the whole history, old and new, in one order.
  auto later = join_v1(port, amy);
  std::vector<std::int64_t> all;
  for (const auto& m : later.history.at("messages")) all.push_back(m.at("id").get<std::int64_t>());
  CHECK(all == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});

  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}
