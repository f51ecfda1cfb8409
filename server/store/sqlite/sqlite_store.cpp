// The store interfaces on SQLite (see sqlite_store.hpp): users, sessions and
// messages as queries. Writes take the one write connection under its mutex;
// reads borrow a pooled connection, each query one consistent WAL snapshot.
#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/database.hpp"

#include <algorithm>

namespace chat::server {
namespace {

using sqlite::query;
using sqlite::transaction;

const char* const user_columns =
    "SELECT EMP_ID, USERNAME, FIRSTNAME, LASTNAME, COALESCE(PICURL,''), COALESCE(JOB_TITLE,''), PASSWORD FROM EMPLOYEE ";

user_profile user_from(const query& q) {
  user_profile u;
  u.id = q.i64(0);
  u.username = q.text(1);
  u.firstname = q.text(2);
  u.lastname = q.text(3);
  u.name = u.firstname + (u.firstname.empty() || u.lastname.empty() ? "" : " ") + u.lastname;
  u.picurl = q.text(4);
  u.job_title = q.text(5);
  return u;
}

chat_message message_from(const query& q) {
  return chat_message{q.i64(0), q.text(1), q.text(2), q.i64(3), q.text(4)};
}

}  // namespace

sqlite_store::sqlite_store(const std::string& path, sqlite_options options)
    : db_(std::make_unique<sqlite::database>(path, options.sync == sync_mode::full)) {}

sqlite_store::~sqlite_store() {
  try {
    checkpoint();
  } catch (const store_error&) {
    // Closing still succeeds; SQLite replays the WAL on the next open.
  }
}

int sqlite_store::schema_version() {
  std::lock_guard lock(db_->write_mu());
  return db_->read_version();
}

void sqlite_store::checkpoint() {
  std::lock_guard lock(db_->write_mu());
  db_->checkpoint();
}

bool sqlite_store::created() const { return db_->created(); }

void sqlite_store::close() { checkpoint(); }

// ---------------------------------------------------------------- users

void sqlite_store::add_department(const department& d) {
  std::lock_guard lock(db_->write_mu());
  query q(db_->writer(), "INSERT INTO DEPARTMENT(DEPT_ID, NAME, DEPT_CODE, LOCATION) VALUES(?,?,?,?)");
  q.bind(1, d.id).bind(2, d.name).bind(3, d.code).bind(4, d.location).step();
}

std::optional<std::int64_t> sqlite_store::add_employee(const new_employee& e) {
  std::lock_guard lock(db_->write_mu());
  query q(db_->writer(),
          "INSERT INTO EMPLOYEE(FIRSTNAME, LASTNAME, PICURL, JOB_TITLE, DEPT_ID, USERNAME, PASSWORD, ROLE) "
          "VALUES(?,?,?,?,?,?,?,'user')");
  q.bind(1, e.firstname).bind(2, e.lastname).bind(3, e.picurl).bind(4, e.job_title);
  if (e.dept_id > 0) {
    q.bind(5, e.dept_id);
  } else {
    q.bind_null(5);
  }
  q.bind(6, e.username).bind(7, e.password_hash);
  if (!q.run_allowing_constraint()) return std::nullopt;
  return sqlite3_last_insert_rowid(db_->writer().raw());
}

bool sqlite_store::set_password(std::string_view username, const std::string& hash) {
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  query q(w, "UPDATE EMPLOYEE SET PASSWORD=? WHERE USERNAME=?");
  q.bind(1, hash).bind(2, username).step();
  if (sqlite3_changes(w.raw()) == 0) return false;
  query d(w, "DELETE FROM sessions WHERE emp_id=(SELECT EMP_ID FROM EMPLOYEE WHERE USERNAME=?)");
  d.bind(1, username).step();
  tx.commit();
  return true;
}

std::optional<user_record> sqlite_store::find_user(std::string_view username) {
  static const std::string sql = std::string(user_columns) + "WHERE USERNAME=?";
  auto c = db_->reader();
  query q(*c, sql.c_str());
  q.bind(1, username);
  if (!q.step()) return std::nullopt;
  return user_record{user_from(q), q.text(6)};
}

std::vector<user_profile> sqlite_store::list_users() {
  static const std::string sql = std::string(user_columns) + "ORDER BY EMP_ID";
  auto c = db_->reader();
  query q(*c, sql.c_str());
  std::vector<user_profile> out;
  while (q.step()) out.push_back(user_from(q));
  return out;
}

// ---------------------------------------------------------------- sessions

void sqlite_store::create_session(const std::string& digest, std::int64_t emp_id, std::int64_t created_ms,
                                  std::int64_t expires_ms) {
  std::lock_guard lock(db_->write_mu());
  query q(db_->writer(), "INSERT INTO sessions(token_digest, emp_id, created_ms, expires_ms) VALUES(?,?,?,?)");
  q.bind(1, digest).bind(2, emp_id).bind(3, created_ms).bind(4, expires_ms).step();
}

std::optional<user_profile> sqlite_store::session_user(std::string_view digest, std::int64_t now_ms) {
  static const std::string sql =
      "SELECT e.EMP_ID, e.USERNAME, e.FIRSTNAME, e.LASTNAME, COALESCE(e.PICURL,''), COALESCE(e.JOB_TITLE,'') "
      "FROM sessions s JOIN EMPLOYEE e ON e.EMP_ID = s.emp_id WHERE s.token_digest=? AND s.expires_ms > ?";
  auto c = db_->reader();
  query q(*c, sql.c_str());
  q.bind(1, digest).bind(2, now_ms);
  if (!q.step()) return std::nullopt;
  return user_from(q);
}

bool sqlite_store::delete_session(std::string_view digest) {
  std::lock_guard lock(db_->write_mu());
  query q(db_->writer(), "DELETE FROM sessions WHERE token_digest=?");
  q.bind(1, digest).step();
  return sqlite3_changes(db_->writer().raw()) > 0;
}

int sqlite_store::purge_expired_sessions(std::int64_t now_ms) {
  std::lock_guard lock(db_->write_mu());
  query q(db_->writer(), "DELETE FROM sessions WHERE expires_ms <= ?");
  q.bind(1, now_ms).step();
  return sqlite3_changes(db_->writer().raw());
}

// ---------------------------------------------------------------- messages

std::vector<append_outcome> sqlite_store::append_messages(const std::vector<message_draft>& drafts) {
  std::vector<append_outcome> out;
  out.reserve(drafts.size());
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  for (const auto& d : drafts) {
    if (!d.client_id.empty()) {
      // A resend of a stored (username, client_id): report the original.
      // Looked up first so that a refused insert never uses up an id.
      query orig(w,
                 "SELECT id, username, body, time_ms, COALESCE(client_id,'') FROM messages "
                 "WHERE username=? AND client_id=?");
      orig.bind(1, d.username).bind(2, d.client_id);
      if (orig.step()) {
        out.push_back({message_from(orig), true});
        continue;
      }
    }
    query ins(w, "INSERT INTO messages(username, body, time_ms, client_id) VALUES(?,?,?,?)");
    ins.bind(1, d.username).bind(2, d.body).bind(3, d.time_ms);
    if (d.client_id.empty()) {
      ins.bind_null(4);
    } else {
      ins.bind(4, d.client_id);
    }
    ins.step();
    out.push_back(
        {chat_message{sqlite3_last_insert_rowid(w.raw()), d.username, d.body, d.time_ms, d.client_id}, false});
  }
  tx.commit();
  return out;
}

std::int64_t sqlite_store::last_message_id() {
  auto c = db_->reader();
  query q(*c, "SELECT COALESCE(MAX(id), 0) FROM messages");
  q.step();
  return q.i64(0);
}

message_page sqlite_store::messages_page(std::int64_t after, std::int64_t upto, std::size_t max) {
  message_page page;
  if (max == 0 || upto <= after) return page;
  auto c = db_->reader();
  query q(*c,
          "SELECT id, username, body, time_ms, COALESCE(client_id,'') FROM messages "
          "WHERE id > ? AND id <= ? ORDER BY id DESC LIMIT ?");
  q.bind(1, after).bind(2, upto).bind(3, static_cast<std::int64_t>(max + 1));
  while (q.step()) page.messages.push_back(message_from(q));
  if (page.messages.size() > max) {
    page.messages.pop_back();
    page.more_before = true;
  }
  std::reverse(page.messages.begin(), page.messages.end());
  return page;
}

std::unique_ptr<sqlite_store> open_sqlite_store(const std::string& path, sqlite_options options) {
  return std::make_unique<sqlite_store>(path, options);
}

}  // namespace chat::server
