// Retention and quotas in the store (issue 14, finding 8): what goes is the
// oldest, by age or beyond a count, in bounded steps; the horizon says where
// history now starts and survives a restart; each sender's stored bytes are
// kept with every commit and removal, and a quota refuses only that sender's
// message.
#include "store/sqlite/sqlite_store.hpp"

#include "store/schema_undo.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

using namespace chat::server;
using chat::test::temp_dir;

namespace {

void add(message_store& m, const std::string& who, int from, int to) {
  std::vector<message_draft> drafts;
  for (int i = from; i <= to; ++i) drafts.push_back({who, "m" + std::to_string(i), "", i * 1000});
  m.append_messages(drafts);
}

}  // namespace

TEST_CASE("retention removes the oldest beyond the count, in steps, and the horizon survives a restart", "[store]") {
  temp_dir d;
  const auto path = (d / "r.db").string();
  {
    auto s = open_sqlite_store(path);
    add(*s, "amy", 1, 10);
    CHECK(s->history_horizon() == 0);
    auto r = s->prune_messages({0, 4}, 4);  // keep the newest 4: ids 1..6 go, 4 per step
    CHECK(r.removed == 4);
    CHECK(r.more);
    CHECK(r.horizon == 4);
    r = s->prune_messages({0, 4}, 4);
    CHECK(r.removed == 2);
    CHECK_FALSE(r.more);
    CHECK(r.horizon == 6);
    CHECK(s->prune_messages({0, 4}, 4).removed == 0);

    const auto page = s->messages_page(0, 10, 50);
    REQUIRE(page.messages.size() == 4);
    CHECK(page.messages.front().id == 7);
    CHECK_FALSE(page.more_before);
    CHECK(page.horizon == 6);
  }
  auto s = open_sqlite_store(path);
  CHECK(s->history_horizon() == 6);
  add(*s, "amy", 11, 11);
  CHECK(s->last_message_id() == 11);  // ids are never reused
}

TEST_CASE("retention by age removes only messages older than the limit", "[store]") {
  temp_dir d;
  auto s = open_sqlite_store((d / "a.db").string());
  add(*s, "amy", 1, 10);  // times 1000 .. 10000 ms
  const auto r = s->prune_messages({5500, 0}, 100);
  CHECK(r.removed == 5);
  CHECK(r.horizon == 5);
  CHECK(s->messages_page(0, 10, 50).messages.front().id == 6);
  CHECK(s->prune_messages({5500, 0}, 100).removed == 0);
}

TEST_CASE("a sender past its quota is refused alone, and removal gives the bytes back", "[store]") {
  temp_dir d;
  auto s = open_sqlite_store((d / "q.db").string());
  message_draft a{"amy", "12345", "c1", 1, 10};
  message_draft b{"amy", "67890", "c2", 2, 10};
  message_draft c{"amy", "x", "c3", 3, 10};
  message_draft e{"eric", "hello", "c1", 4, 10};
  auto out = s->append_messages({a, b, c, e});
  REQUIRE(out.size() == 4);
  CHECK_FALSE(out[1].over_quota);
  CHECK(out[2].over_quota);  // 10 bytes stored: one more byte is past the quota
  CHECK(out[2].message.id == 0);
  CHECK(out[2].message.client_id == "c3");
  CHECK_FALSE(out[3].over_quota);  // another sender is not affected
  CHECK(out[3].message.id == 3);
  CHECK(s->last_message_id() == 3);

  // Retention removes amy's first message: 5 bytes free again.
  CHECK(s->prune_messages({0, 2}, 10).removed == 1);
  out = s->append_messages({message_draft{"amy", "abcde", "c4", 5, 10}});
  CHECK_FALSE(out[0].over_quota);
  CHECK(out[0].message.id == 4);
  out = s->append_messages({message_draft{"amy", "f", "c5", 6, 10}});
  CHECK(out[0].over_quota);
}

TEST_CASE("a database of schema 2 is migrated with each sender's stored bytes counted", "[store]") {
  temp_dir d;
  const auto path = (d / "m.db").string();
  {
    auto s = open_sqlite_store(path);
    s->append_messages({{"amy", "12345", "", 1}, {"eric", "hé", "", 2}, {"amy", "678", "", 3}});
  }
  // Back to what a server of schema 2 left: no rooms, no counts, no horizon.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, chat::test::undo_schema_4, nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DROP TABLE chat_meta; DROP TABLE user_storage; DELETE FROM schema_version WHERE version=3",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  auto s = open_sqlite_store(path);
  CHECK(s->schema_version() == 4);
  CHECK(s->history_horizon() == 0);
  CHECK(s->messages_page(0, 10, 10).messages.size() == 3);  // every message kept, in id order
  // amy has 8 bytes stored: 2 more fit a quota of 10, 3 do not; eric's "hé" is 3 bytes of UTF-8.
  CHECK_FALSE(s->append_messages({message_draft{"amy", "ab", "", 4, 10}})[0].over_quota);
  CHECK(s->append_messages({message_draft{"amy", "c", "", 5, 10}})[0].over_quota);
  CHECK(s->append_messages({message_draft{"eric", "12345678", "", 6, 10}})[0].over_quota);
  CHECK_FALSE(s->append_messages({message_draft{"eric", "1234567", "", 7, 10}})[0].over_quota);
}
