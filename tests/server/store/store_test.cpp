// The SQLite store: schema and migrations, the hrdb seed, and each concern
// through its interface (users, sessions, messages): message ids and
// de-duplication, history pages, sessions; disabled users and roles, the
// batch session lookup, the migration from schema 1; close() leaves no WAL behind.
#include "auth/crypto.hpp"
#include "store/seed_data.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "store/schema_undo.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

using namespace chat::server;
using chat::test::temp_dir;

namespace {

std::unique_ptr<sqlite_store> seeded(const temp_dir& d) {
  REQUIRE(crypto::init());
  auto s = open_sqlite_store((d / "t.db").string());
  REQUIRE(s->created());
  seed_sample_data(*s);
  return s;
}

std::string pragma(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("first start creates the schema and the hrdb sample", "[store]") {
  temp_dir d;
  {
    auto s = seeded(d);
    CHECK(s->schema_version() == 4);
    const auto users = s->list_users();
    REQUIRE(users.size() >= 6);
    for (const char* name : {"user1", "user2", "user3"}) {
      const auto u = s->find_user(name);
      REQUIRE(u);
      CHECK(crypto::verify_password(u->password_hash, name));
      CHECK(u->password_hash.rfind("$argon2id$", 0) == 0);
      CHECK(u->user.picurl == std::string("/avatars/") + name + ".png");
      CHECK_FALSE(u->user.name.empty());
      CHECK_FALSE(u->user.job_title.empty());
    }
    CHECK(s->find_user("USER1"));  // usernames are case-insensitive for lookups
  }
  const auto path = (d / "t.db").string();
  CHECK(pragma(path, "PRAGMA journal_mode") == "wal");
  CHECK(pragma(path, "SELECT count(*) FROM DEPARTMENT") == "4");
  CHECK(pragma(path, "SELECT JOB_TITLE FROM EMPLOYEE WHERE USERNAME='user3'") == "Sales Director");

  auto again = open_sqlite_store(path);
  CHECK_FALSE(again->created());
  CHECK(again->schema_version() == 4);
  CHECK(again->list_users().size() == sample_employees().size());
}

TEST_CASE("a database from a newer server is refused", "[store]") {
  temp_dir d;
  const auto path = (d / "t.db").string();
  open_sqlite_store(path).reset();
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "INSERT INTO schema_version(version) VALUES(99)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  CHECK_THROWS_AS(open_sqlite_store(path), store_error);
}

TEST_CASE("messages get increasing ids and client_id de-duplicates per user", "[store]") {
  temp_dir d;
  auto s = open_sqlite_store((d / "t.db").string());
  message_store& m = *s;
  CHECK(m.last_message_id() == 0);
  auto out = m.append_messages({{"amy", "one", "c1", 10}, {"eric", "two", "c1", 11}, {"amy", "three", "", 12},
                                {"amy", "one again", "c1", 13}, {"amy", "four", "", 14}});
  REQUIRE(out.size() == 5);
  CHECK(out[0].message.id == 1);
  CHECK(out[1].message.id == 2);  // same client_id, another user: a new message
  CHECK(out[2].message.id == 3);
  CHECK(out[3].duplicate);
  CHECK(out[3].message == chat::chat_message{1, "amy", "one", 10, "c1"});  // the original
  CHECK(out[4].message.id == 4);
  CHECK(m.last_message_id() == 4);

  const auto again = m.append_messages({{"amy", "x", "c1", 20}});
  CHECK(again[0].duplicate);
  CHECK(again[0].message.id == 1);
  CHECK(m.last_message_id() == 4);
}

TEST_CASE("history pages are the newest in range, ascending, with more_before", "[store]") {
  temp_dir d;
  auto s = open_sqlite_store((d / "t.db").string());
  message_store& m = *s;
  std::vector<message_draft> drafts;
  for (int i = 1; i <= 10; ++i) drafts.push_back({"amy", "m" + std::to_string(i), "", i});
  m.append_messages(drafts);

  auto p = m.messages_page(0, 10, 3);
  REQUIRE(p.messages.size() == 3);
  CHECK(p.messages.front().id == 8);
  CHECK(p.messages.back().id == 10);
  CHECK(p.more_before);

  p = m.messages_page(4, 7, 100);
  REQUIRE(p.messages.size() == 3);
  CHECK(p.messages.front().id == 5);
  CHECK_FALSE(p.more_before);

  p = m.messages_page(0, 10, 10);
  CHECK(p.messages.size() == 10);
  CHECK_FALSE(p.more_before);
  CHECK(m.messages_page(10, 10, 5).messages.empty());
}

TEST_CASE("sessions: lookup by digest, expiry, revocation, password change", "[store]") {
  temp_dir d;
  auto s = seeded(d);
  const auto amy = s->find_user("user2");
  REQUIRE(amy);
  s->create_session("digest-a", amy->user.id, 1000, 5000);
  s->create_session("digest-b", amy->user.id, 1000, 9000);
  CHECK(s->session_user("digest-a", 4999)->username == "user2");
  CHECK_FALSE(s->session_user("digest-a", 5000));
  CHECK_FALSE(s->session_user("nope", 0));
  CHECK(s->purge_expired_sessions(6000) == 1);
  CHECK(s->delete_session("digest-b"));
  CHECK_FALSE(s->delete_session("digest-b"));

  s->create_session("digest-c", amy->user.id, 1000, 9000);
  CHECK(s->set_password("user2", crypto::hash_password("new secret")));
  CHECK_FALSE(s->session_user("digest-c", 2000));  // revoked with the old password
  CHECK(crypto::verify_password(s->find_user("user2")->password_hash, "new secret"));
  CHECK_FALSE(s->set_password("nobody", "x"));
  CHECK(s->add_employee({"user2", "A", "B", "", "", 0, "h"}).outcome == add_outcome::name_taken);
  CHECK(s->add_employee({"USER2", "A", "B", "", "", 0, "h"}).outcome == add_outcome::name_taken);
}

TEST_CASE("disabling a user revokes its sessions in the same step and hides it from session lookups", "[store]") {
  temp_dir d;
  auto s = seeded(d);
  const auto eric = s->find_user("user1");
  REQUIRE(eric);
  CHECK(eric->role == user_role::member);
  CHECK_FALSE(eric->disabled);
  s->create_session("digest-e", eric->user.id, 1000, 9000);
  s->create_session("digest-a", s->find_user("user2")->user.id, 1000, 9000);

  CHECK(s->set_disabled("USER1", true));  // any letter case, like every lookup
  CHECK(s->find_user("user1")->disabled);
  CHECK_FALSE(s->session_user("digest-e", 2000));
  CHECK_FALSE(s->delete_session("digest-e"));  // gone with the disable, not just hidden
  CHECK(s->session_user("digest-a", 2000)->username == "user2");  // others keep theirs

  // A session created after the disable (a login racing it) is not found either.
  s->create_session("digest-late", eric->user.id, 1000, 9000);
  CHECK_FALSE(s->session_user("digest-late", 2000));
  CHECK(s->live_sessions({"digest-late", "digest-a"}, 2000) == std::unordered_set<std::string>{"digest-a"});

  CHECK(s->set_disabled("user1", true));  // again: still disabled, and that late session is revoked too
  CHECK(s->find_user("user1")->disabled);
  CHECK_FALSE(s->delete_session("digest-late"));
  CHECK(s->set_disabled("user1", false));
  CHECK_FALSE(s->find_user("user1")->disabled);
  s->create_session("digest-new", eric->user.id, 1000, 9000);
  const auto back = s->session_user("digest-new", 2000);
  REQUIRE(back);
  CHECK(back->username == "user1");
  CHECK_FALSE(s->set_disabled("nobody", true));
  CHECK_FALSE(s->set_disabled("nobody", false));
}

TEST_CASE("a name a guest posted under cannot become a user's, and registered_among finds users in any letter case",
          "[store]") {
  temp_dir d;
  auto s = seeded(d);
  s->append_messages({{"visitor", "hello from a guest", "", 10}});
  CHECK(s->add_employee({"visitor", "V", "", "", "", 0, "h"}).outcome == add_outcome::name_was_guest);
  CHECK(s->add_employee({"Visitor", "V", "", "", "", 0, "h"}).outcome == add_outcome::name_was_guest);
  CHECK_FALSE(s->find_user("visitor"));
  CHECK(s->add_employee({"newcomer", "N", "", "", "", 0, "h"}).outcome == add_outcome::added);  // no messages: free
  CHECK(s->registered_among({"User1", "visitor", "newcomer", "nobody"}) ==
        std::unordered_set<std::string>{"User1", "newcomer"});
  CHECK(s->registered_among({}).empty());
}

TEST_CASE("roles: member by default, admin when granted, in lookups and in the list", "[store]") {
  temp_dir d;
  auto s = seeded(d);
  CHECK(s->set_role("user3", user_role::admin));
  CHECK(s->set_disabled("user2", true));
  CHECK(s->find_user("user3")->role == user_role::admin);
  REQUIRE(s->add_employee({"zoe", "Zoe", "Park", "Intern", "", 0, "h"}).outcome == add_outcome::added);
  for (const auto& a : s->list_users()) {
    INFO(a.user.username);
    CHECK(a.role == (a.user.username == "user3" ? user_role::admin : user_role::member));
    CHECK(a.disabled == (a.user.username == "user2"));
  }
  CHECK(s->list_users().size() == sample_employees().size() + 1);  // the disabled one is listed
  CHECK(s->set_role("user3", user_role::member));
  CHECK(s->find_user("user3")->role == user_role::member);
  CHECK_FALSE(s->set_role("nobody", user_role::admin));
}

TEST_CASE("live_sessions answers for many digests in one query: expired, revoked and unknown ones are not live", "[store]") {
  temp_dir d;
  auto s = seeded(d);
  const auto id = s->find_user("user1")->user.id;
  s->create_session("live", id, 1000, 9000);
  s->create_session("expired", id, 1000, 5000);
  s->create_session("revoked", id, 1000, 9000);
  REQUIRE(s->delete_session("revoked"));
  // Digests are hex, but any text is looked up as it is (quotes, backslashes, control characters).
  const std::string odd = "a\"b\\c\x01" "d";
  s->create_session(odd, id, 1000, 9000);
  CHECK(s->live_sessions({}, 6000).empty());
  CHECK(s->live_sessions({"live", "expired", "revoked", "unknown", odd, "live"}, 6000) ==
        std::unordered_set<std::string>{"live", odd});
  CHECK(s->live_sessions({"expired"}, 4999) == std::unordered_set<std::string>{"expired"});

  // More digests than SQLite binds in one statement (32766): still one query.
  std::vector<std::string> many;
  for (int i = 0; i < 40000; ++i) many.push_back(crypto::token_digest(std::to_string(i)));
  many.push_back("live");
  CHECK(s->live_sessions(many, 6000) == std::unordered_set<std::string>{"live"});
}

TEST_CASE("a database of schema 1 is migrated: every user a member, none disabled, sessions kept", "[store]") {
  temp_dir d;
  const auto path = (d / "t.db").string();
  {
    auto s = seeded(d);
    s->create_session("kept", s->find_user("user1")->user.id, 1000, 9000);
  }
  // Back to what a server of schema 1 left: no rooms, no DISABLED_MS, ROLE 'user' everywhere.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, chat::test::undo_schema_4, nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "ALTER TABLE EMPLOYEE DROP COLUMN DISABLED_MS; UPDATE EMPLOYEE SET ROLE='user';"
                       "UPDATE EMPLOYEE SET ROLE='admin' WHERE USERNAME='lena'; DROP TABLE chat_meta; DROP TABLE user_storage;"
                       "DELETE FROM schema_version WHERE version >= 2",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  auto s = open_sqlite_store(path);
  CHECK_FALSE(s->created());
  CHECK(s->schema_version() == 4);
  CHECK(s->session_user("kept", 2000)->username == "user1");
  for (const auto& a : s->list_users()) {
    INFO(a.user.username);
    CHECK_FALSE(a.disabled);
    CHECK(a.role == (a.user.username == "lena" ? user_role::admin : user_role::member));  // hrdb's 'admin' stays
  }
  CHECK(pragma(path, "SELECT count(*) FROM EMPLOYEE WHERE ROLE='member'") == std::to_string(sample_employees().size() - 1));
}

TEST_CASE("close() moves the write-ahead log into the database file", "[store]") {
  temp_dir d;
  const auto path = (d / "t.db").string();
  auto s = open_sqlite_store(path);
  std::vector<message_draft> drafts;
  for (int i = 1; i <= 50; ++i) drafts.push_back({"amy", "m" + std::to_string(i), "", i});
  s->append_messages(drafts);
  REQUIRE(std::filesystem::file_size(path + "-wal") > 0);
  store& generic = *s;
  generic.close();
  CHECK(std::filesystem::file_size(path + "-wal") == 0);
  CHECK(pragma(path, "SELECT count(*) FROM messages") == "50");
}
