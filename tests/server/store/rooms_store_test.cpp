// The rooms concern of the SQLite store: creating rooms under the name rules,
// listing, joining, leaving, inviting and room roles; direct messages, exactly
// one per member set even when two connections race to create it; and each
// room's own gap-free order of positions under the writer thread.
#include "auth/crypto.hpp"
#include "room/message_writer.hpp"
#include "store/rooms.hpp"
#include "store/seed_data.hpp"
#include "store/sqlite/backup.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace chat::server;
using chat::test::temp_dir;

namespace {

std::unique_ptr<sqlite_store> seeded(const std::string& path) {
  REQUIRE(crypto::init());
  auto s = open_sqlite_store(path);
  seed_sample_data(*s);
  return s;
}

std::vector<std::string> names_of(const std::vector<room_member_info>& members) {
  std::vector<std::string> out;
  for (const auto& m : members) out.push_back(m.username);
  return out;
}

std::vector<std::int64_t> ids_of(const std::vector<room_info>& rooms) {
  std::vector<std::int64_t> out;
  for (const auto& r : rooms) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("a new database has the default room, and every new user is in it", "[store][rooms]") {
  temp_dir d;
  auto s = seeded((d / "r.db").string());
  const auto room = s->find_room(default_room_id);
  REQUIRE(room);
  CHECK(room->name == "Chat Room");
  CHECK(room->kind == room_kind::public_room);
  CHECK(room->creator.empty());
  CHECK(s->members(default_room_id).size() == sample_employees().size());
  s->append_messages({{"user1", "before dana", "", 1}});
  REQUIRE(s->add_employee({"dana", "Dana", "Scully", "Agent", "", 0, "x"}).outcome == add_outcome::added);
  const auto members = s->members(default_room_id);
  const auto dana = std::find_if(members.begin(), members.end(), [](const auto& m) { return m.username == "dana"; });
  REQUIRE(dana != members.end());
  CHECK(dana->read_position == 1);  // joined after it: nothing unread
  CHECK(ids_of(s->rooms_of("dana")) == std::vector<std::int64_t>{default_room_id});
}

TEST_CASE("rooms are created under the name rules, unique by name, their creator an admin", "[store][rooms]") {
  temp_dir d;
  auto s = seeded((d / "r.db").string());
  const auto made = s->create_room({room_kind::public_room, "  Design \u00e9quipe ", "pixels", "user1", 100});
  REQUIRE(made.status == room_status::ok);
  const auto room = s->find_room(made.room);
  REQUIRE(room);
  CHECK(room->name == "Design \u00e9quipe");  // trimmed
  CHECK(room->topic == "pixels");
  CHECK(room->creator == "user1");
  CHECK(room->created_ms == 100);
  const auto members = s->members(made.room);
  REQUIRE(members.size() == 1);
  CHECK(members[0].username == "user1");
  CHECK(members[0].role == room_role::admin);

  CHECK(s->create_room({room_kind::private_room, "DESIGN \u00e9quipe", "", "user2", 1}).status == room_status::name_taken);
  CHECK(s->create_room({room_kind::public_room, "chat room", "", "user2", 1}).status == room_status::name_taken);
  CHECK(s->create_room({room_kind::public_room, "   ", "", "user2", 1}).status == room_status::bad_name);
  CHECK(s->create_room({room_kind::public_room, std::string(65, 'x'), "", "user2", 1}).status == room_status::bad_name);
  CHECK(s->create_room({room_kind::public_room, "a\nb", "", "user2", 1}).status == room_status::bad_name);
  CHECK(s->create_room({room_kind::public_room, "ok", std::string(251, 't'), "user2", 1}).status == room_status::bad_name);
  CHECK(s->create_room({room_kind::dm, "dm", "", "user2", 1}).status == room_status::bad_kind);
  CHECK(s->create_room({room_kind::public_room, "ghost's", "", "nobody", 1}).status == room_status::no_such_user);
  // Nothing of the refused ones was stored.
  CHECK(ids_of(s->public_rooms()) == std::vector<std::int64_t>{default_room_id, made.room});
}

TEST_CASE("public rooms are joined and left, private ones are entered by a member's invitation", "[store][rooms]") {
  temp_dir d;
  auto s = seeded((d / "r.db").string());
  const auto pub = s->create_room({room_kind::public_room, "lobby", "", "user1", 1}).room;
  const auto priv = s->create_room({room_kind::private_room, "secret", "", "user1", 1}).room;
  CHECK(ids_of(s->public_rooms()) == std::vector<std::int64_t>{default_room_id, pub});  // "secret" is not listed

  CHECK(s->join(pub, "user2", 2) == room_status::ok);
  CHECK(s->join(pub, "USER2", 2) == room_status::already_member);
  CHECK(s->join(priv, "user2", 2) == room_status::not_allowed);
  CHECK(s->join(999, "user2", 2) == room_status::no_such_room);
  CHECK(s->join(pub, "nobody", 2) == room_status::no_such_user);
  CHECK(s->invite(priv, "user2", "user3", 3) == room_status::not_member);  // only a member invites
  CHECK(s->invite(priv, "user1", "user2", 3) == room_status::ok);
  CHECK(s->invite(priv, "user2", "user3", 3) == room_status::ok);
  CHECK(s->invite(priv, "user2", "user3", 3) == room_status::already_member);
  CHECK(names_of(s->members(priv)) == std::vector<std::string>{"user1", "user2", "user3"});
  CHECK(ids_of(s->rooms_of("user2")) == std::vector<std::int64_t>{default_room_id, pub, priv});

  CHECK(s->leave(pub, "user2") == room_status::ok);
  CHECK(s->leave(pub, "user2") == room_status::not_member);
  CHECK(s->leave(default_room_id, "user2") == room_status::not_allowed);  // every user is in it
  CHECK(ids_of(s->rooms_of("user2")) == std::vector<std::int64_t>{default_room_id, priv});

  // Only a room admin sets roles.
  CHECK(s->set_member_role(priv, "user2", "user3", room_role::admin) == room_status::not_allowed);
  CHECK(s->set_member_role(priv, "user1", "user2", room_role::admin) == room_status::ok);
  CHECK(s->set_member_role(priv, "user2", "user3", room_role::admin) == room_status::ok);
  CHECK(s->set_member_role(priv, "user1", "sofia", room_role::admin) == room_status::not_member);
  CHECK(s->set_member_role(priv, "sofia", "user3", room_role::member) == room_status::not_member);
  for (const auto& m : s->members(priv)) CHECK(m.role == room_role::admin);
}

TEST_CASE("a DM is one room per member set, whoever starts it and in any order", "[store][rooms]") {
  temp_dir d;
  auto s = seeded((d / "r.db").string());
  const auto a = s->find_or_create_dm({"user1", "user2"}, 10);
  REQUIRE(a.status == room_status::ok);
  CHECK(a.created);
  const auto b = s->find_or_create_dm({"USER2", "user1", "user2"}, 20);
  CHECK(b.status == room_status::ok);
  CHECK_FALSE(b.created);
  CHECK(b.room == a.room);
  const auto group = s->find_or_create_dm({"user3", "user1", "user2"}, 30);
  CHECK(group.created);
  CHECK(group.room != a.room);
  CHECK(names_of(s->members(a.room)) == std::vector<std::string>{"user1", "user2"});
  const auto room = s->find_room(a.room);
  REQUIRE(room);
  CHECK(room->kind == room_kind::dm);
  CHECK(room->name.empty());
  CHECK(room->creator == "user1");

  CHECK(s->find_or_create_dm({"user1"}, 1).status == room_status::bad_members);
  CHECK(s->find_or_create_dm({"user1", "USER1"}, 1).status == room_status::bad_members);
  CHECK(s->find_or_create_dm({"user1", "nobody"}, 1).status == room_status::no_such_user);
  std::vector<std::string> nine;
  for (const auto& e : sample_employees()) nine.push_back(e.username);
  REQUIRE(s->add_employee({"ninth", "N", "N", "", "", 0, "x"}).outcome == add_outcome::added);
  nine.push_back("ninth");
  REQUIRE(nine.size() == 9);
  CHECK(s->find_or_create_dm(nine, 1).status == room_status::bad_members);
  nine.pop_back();
  CHECK(s->find_or_create_dm(nine, 1).status == room_status::ok);  // 8 is the most

  // DMs are not joined, left, or invited into: another member set is another DM.
  CHECK(s->join(a.room, "user3", 1) == room_status::not_allowed);
  CHECK(s->leave(a.room, "user1") == room_status::not_allowed);
  CHECK(s->invite(a.room, "user1", "user3", 1) == room_status::not_allowed);
  CHECK(ids_of(s->public_rooms()) == std::vector<std::int64_t>{default_room_id});
}

TEST_CASE("two connections starting the same DM at once get the same room", "[store][rooms]") {
  temp_dir d;
  const auto path = (d / "r.db").string();
  seeded(path).reset();
  // Two stores: two write connections on one file, as two server processes would be.
  auto one = open_sqlite_store(path);
  auto two = open_sqlite_store(path);
  constexpr int rounds = 40;
  std::vector<std::int64_t> got_one(rounds), got_two(rounds);
  std::atomic<int> created{0}, refused{0};
  std::atomic<int> ready{0};
  const auto racer = [&](sqlite_store& s, std::vector<std::int64_t>& got, std::vector<std::string> who) {
    ++ready;
    while (ready < 2) std::this_thread::yield();
    for (int i = 0; i < rounds; ++i) {
      // Each round a new pair (user1 with a fresh user), named in the other order by the other racer.
      const auto r = s.find_or_create_dm({who[0], who[1] + std::to_string(i)}, i);
      if (r.status != room_status::ok) ++refused;  // Catch's assertions are not for other threads
      got[i] = r.room;
      if (r.created) ++created;
    }
  };
  for (int i = 0; i < rounds; ++i) {
    REQUIRE(one->add_employee({"racer" + std::to_string(i), "R", "R", "", "", 0, "x"}).outcome == add_outcome::added);
  }
  std::thread a(racer, std::ref(*one), std::ref(got_one), std::vector<std::string>{"user1", "racer"});
  std::thread b(racer, std::ref(*two), std::ref(got_two), std::vector<std::string>{"USER1", "RACER"});
  a.join();
  b.join();
  CHECK(refused == 0);
  CHECK(got_one == got_two);
  CHECK(created == rounds);
  CHECK(std::set<std::int64_t>(got_one.begin(), got_one.end()).size() == rounds);
  for (const auto room : got_one) CHECK(one->members(room).size() == 2);
}

TEST_CASE("each room numbers its own messages without gaps under the writer", "[store][rooms][writer]") {
  temp_dir d;
  auto s = seeded((d / "r.db").string());
  const auto lobby = s->create_room({room_kind::public_room, "lobby", "", "user1", 1}).room;
  const auto dm = s->find_or_create_dm({"user1", "user2"}, 1).room;
  const std::vector<std::int64_t> rooms{default_room_id, lobby, dm};

  std::mutex mu;
  std::map<std::int64_t, std::vector<std::int64_t>> positions;  // room -> positions in commit order
  std::map<std::string, std::int64_t> room_of_body;
  std::size_t committed = 0;
  std::condition_variable cv;
  message_writer w(
      *s,
      [&](std::vector<write_result>&& results) {
        std::lock_guard lock(mu);
        for (const auto& r : results) {
          positions[room_of_body.at(r.outcome.message.message)].push_back(r.outcome.message.id);
          ++committed;
        }
        cv.notify_all();
      },
      [](std::vector<write_request>&&, const std::string& why) { FAIL("store failed: " << why); }, 10000, 64,
      std::chrono::milliseconds(2));
  constexpr int per_thread = 150;
  std::vector<std::thread> senders;
  for (int t = 0; t < 3; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const auto room = rooms[static_cast<std::size_t>(i + t) % rooms.size()];
        message_draft draft{"user1", "t" + std::to_string(t) + "-" + std::to_string(i), "", 0};
        draft.room = room;
        {
          std::lock_guard lock(mu);
          room_of_body[draft.body] = room;
        }
        while (!w.submit(write_request{draft, {}})) std::this_thread::yield();
      }
    });
  }
  for (auto& t : senders) t.join();
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return committed == 3 * per_thread; }));
  }
  w.stop();
  for (const auto room : rooms) {
    INFO("room " << room);
    const auto& got = positions[room];
    REQUIRE(got.size() == per_thread);
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == static_cast<std::int64_t>(i + 1));
    const auto page = s->room_page(room, 0, 1000, 1000);
    REQUIRE(page.messages.size() == per_thread);
    for (const auto& m : page.messages) CHECK(room_of_body.at(m.message) == room);
    CHECK(s->find_room(room)->last_position == per_thread);
  }
  // The v1 view is the default room's alone: its ids and its last id.
  CHECK(s->last_message_id() == per_thread);
  CHECK(s->messages_page(0, 1000, 1000).messages == s->room_page(default_room_id, 0, 1000, 1000).messages);
}

TEST_CASE("a draft for a room that does not exist is refused and uses up no position", "[store][rooms]") {
  temp_dir d;
  auto s = open_sqlite_store((d / "r.db").string());
  message_draft ghost{"amy", "into the void", "", 1};
  ghost.room = 42;
  const auto out = s->append_messages({{"amy", "one", "", 1}, ghost, {"amy", "two", "", 2}});
  CHECK(out[0].message.id == 1);
  CHECK(out[1].no_room);
  CHECK(out[1].message.id == 0);
  CHECK(out[2].message.id == 2);
  CHECK(s->messages_page(0, 10, 10).messages.size() == 2);
}

TEST_CASE("retention moves each room's horizon to its own positions", "[store][rooms]") {
  temp_dir d;
  auto s = seeded((d / "r.db").string());
  const auto lobby = s->create_room({room_kind::public_room, "lobby", "", "user1", 1}).room;
  std::vector<message_draft> drafts;
  for (int i = 1; i <= 6; ++i) {
    message_draft m{"user1", "m" + std::to_string(i), "", i};
    m.room = i % 2 == 0 ? lobby : default_room_id;
    drafts.push_back(m);
  }
  s->append_messages(drafts);  // default room: 1..3 (times 1,3,5); lobby: 1..3 (times 2,4,6)
  retention_policy p;
  p.older_than_ms = 5;  // removes times 1..4: default 1,2 and lobby 1,2
  const auto r = s->prune_messages(p, 100);
  CHECK(r.removed == 4);
  CHECK(r.horizon == 2);
  CHECK(s->history_horizon() == 2);
  CHECK(s->room_page(lobby, 0, 10, 10).horizon == 2);
  CHECK(s->room_page(lobby, 0, 10, 10).messages.size() == 1);
  CHECK(s->last_message_id() == 3);
}

TEST_CASE("a restore of an older backup gives no room a position twice", "[store][rooms][backup]") {
  temp_dir d;
  const auto db = (d / "r.db").string();
  const auto copy = (d / "copy.db").string();
  std::int64_t lobby = 0;
  {
    auto s = seeded(db);
    lobby = s->create_room({room_kind::public_room, "lobby", "", "user1", 1}).room;
    message_draft m{"user1", "lobby 1", "", 1};
    m.room = lobby;
    s->append_messages({m, {"user1", "default 1", "", 1}});
    s->close();
    sqlite::backup_database(db, copy, false);
    m.body = "lobby 2";
    s->append_messages({m, {"user1", "default 2", "", 2}, {"user1", "default 3", "", 3}});
  }
  sqlite::restore_database(copy, db);
  auto s = open_sqlite_store(db);
  CHECK(s->room_page(lobby, 0, 10, 10).messages.size() == 1);  // the backup's state
  message_draft m{"user1", "lobby after", "", 4};
  m.room = lobby;
  const auto out = s->append_messages({m, {"user1", "default after", "", 4}});
  CHECK(out[0].message.id == 3);  // not 2: a client may have seen "lobby 2" there
  CHECK(out[1].message.id == 4);  // not 2: nor "default 2" and "default 3"
}
