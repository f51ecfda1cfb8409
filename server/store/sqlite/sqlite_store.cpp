// The SQLite store: WAL mode, versioned migrations, one write connection (a
// mutex) and a small pool of read connections, so readers never wait for the
// writer's transaction. Statements are prepared once per connection. Commits
// use synchronous=NORMAL (a commit is in the WAL, in the OS page cache, when it
// returns: it survives a crash of the server) or FULL (fsync per commit: it
// survives power loss too).
#include "store/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

namespace chat::server {
namespace {

/** The schema, one step per version; never edit a released step, add one. */
const char* const migrations[] = {
    // 1: the tutorial's hrdb tables, sessions and messages.
    R"sql(
      CREATE TABLE DEPARTMENT (
        DEPT_ID   INTEGER PRIMARY KEY,
        NAME      TEXT NOT NULL,
        BUDGET    INTEGER,
        Q1        INTEGER, Q2 INTEGER, Q3 INTEGER, Q4 INTEGER,
        DEPT_CODE TEXT,
        LOCATION  TEXT,
        TENANT_ID INTEGER
      );
      CREATE TABLE EMPLOYEE (
        EMP_ID     INTEGER PRIMARY KEY,
        FIRSTNAME  TEXT NOT NULL,
        LASTNAME   TEXT NOT NULL,
        STREET     TEXT, CITY TEXT, STATE TEXT, ZIP TEXT,
        BIRTHDATE  TEXT,
        PICURL     TEXT,
        JOB_TITLE  TEXT,
        DEPT_ID    INTEGER REFERENCES DEPARTMENT(DEPT_ID),
        USERNAME   TEXT NOT NULL UNIQUE COLLATE NOCASE,
        PASSWORD   TEXT NOT NULL,
        ROLE       TEXT,
        MANAGER_ID INTEGER REFERENCES EMPLOYEE(EMP_ID),
        TENANT_ID  INTEGER
      );
      CREATE TABLE sessions (
        token_digest TEXT PRIMARY KEY,
        emp_id       INTEGER NOT NULL REFERENCES EMPLOYEE(EMP_ID) ON DELETE CASCADE,
        created_ms   INTEGER NOT NULL,
        expires_ms   INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_by_expiry ON sessions(expires_ms);
      CREATE INDEX sessions_by_user ON sessions(emp_id);
      CREATE TABLE messages (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        username  TEXT NOT NULL,
        body      TEXT NOT NULL,
        time_ms   INTEGER NOT NULL,
        client_id TEXT
      );
      CREATE UNIQUE INDEX messages_dedupe ON messages(username, client_id);
    )sql",
};
constexpr int latest_version = static_cast<int>(std::size(migrations));

/** One SQLite connection with its prepared statements. */
class connection {
 public:
  explicit connection(const std::string& path) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw store_error("cannot open database " + path + ": " + why);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA foreign_keys=ON");
  }
  ~connection() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw store_error(why);
    }
  }

  /** The cached statement for `sql`, reset and unbound. */
  sqlite3_stmt* prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
        throw store_error(std::string("prepare: ") + sqlite3_errmsg(db_));
      }
      it = cache_.emplace(sql, st).first;
    }
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }

  sqlite3* raw() const { return db_; }
  [[noreturn]] void fail(const char* what) const { throw store_error(std::string(what) + ": " + sqlite3_errmsg(db_)); }

 private:
  sqlite3* db_ = nullptr;
  std::map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address
};

/** Binds and steps one statement; resets it when done (RAII). */
class query {
 public:
  query(connection& c, const char* sql) : c_(c), st_(c.prepare(sql)) {}
  ~query() { sqlite3_reset(st_); }
  query& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  query& bind(int i, std::string_view v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  query& bind_null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  /** Steps once: true if a row is ready, false when done. */
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    c_.fail("step");
  }
  /** Steps a statement that may hit a constraint: false on SQLITE_CONSTRAINT. */
  bool run_allowing_constraint() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return false;
    c_.fail("step");
  }
  std::int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }

 private:
  connection& c_;
  sqlite3_stmt* st_;
};

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

class sqlite_store final : public store {
 public:
  sqlite_store(std::string path, sync_mode sync) : path_(std::move(path)), writer_(path_) {
    writer_.exec("PRAGMA journal_mode=WAL");
    writer_.exec(sync == sync_mode::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    migrate();
  }

  ~sqlite_store() override {
    try {
      checkpoint();
    } catch (const store_error&) {
      // Closing still succeeds; SQLite replays the WAL on the next open.
    }
  }

  int schema_version() override {
    std::lock_guard lock(write_mu_);
    return read_version();
  }
  bool created() const override { return created_; }

  void add_department(const department& d) override {
    std::lock_guard lock(write_mu_);
    query q(writer_, "INSERT INTO DEPARTMENT(DEPT_ID, NAME, DEPT_CODE, LOCATION) VALUES(?,?,?,?)");
    q.bind(1, d.id).bind(2, d.name).bind(3, d.code).bind(4, d.location).step();
  }

  std::optional<std::int64_t> add_employee(const new_employee& e) override {
    std::lock_guard lock(write_mu_);
    query q(writer_,
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
    return sqlite3_last_insert_rowid(writer_.raw());
  }

  bool set_password(std::string_view username, const std::string& hash) override {
    std::lock_guard lock(write_mu_);
    transaction tx(writer_);
    query q(writer_, "UPDATE EMPLOYEE SET PASSWORD=? WHERE USERNAME=?");
    q.bind(1, hash).bind(2, username).step();
    if (sqlite3_changes(writer_.raw()) == 0) return false;
    query d(writer_, "DELETE FROM sessions WHERE emp_id=(SELECT EMP_ID FROM EMPLOYEE WHERE USERNAME=?)");
    d.bind(1, username).step();
    tx.commit();
    return true;
  }

  std::optional<user_record> find_user(std::string_view username) override {
    static const std::string sql = std::string(user_columns) + "WHERE USERNAME=?";
    auto c = reader();
    query q(*c, sql.c_str());
    q.bind(1, username);
    if (!q.step()) return std::nullopt;
    return user_record{user_from(q), q.text(6)};
  }

  std::vector<user_profile> list_users() override {
    static const std::string sql = std::string(user_columns) + "ORDER BY EMP_ID";
    auto c = reader();
    query q(*c, sql.c_str());
    std::vector<user_profile> out;
    while (q.step()) out.push_back(user_from(q));
    return out;
  }

  void create_session(const std::string& digest, std::int64_t emp_id, std::int64_t created_ms,
                      std::int64_t expires_ms) override {
    std::lock_guard lock(write_mu_);
    query q(writer_, "INSERT INTO sessions(token_digest, emp_id, created_ms, expires_ms) VALUES(?,?,?,?)");
    q.bind(1, digest).bind(2, emp_id).bind(3, created_ms).bind(4, expires_ms).step();
  }

  std::optional<user_profile> session_user(std::string_view digest, std::int64_t now_ms) override {
    static const std::string sql =
        "SELECT e.EMP_ID, e.USERNAME, e.FIRSTNAME, e.LASTNAME, COALESCE(e.PICURL,''), COALESCE(e.JOB_TITLE,'') "
        "FROM sessions s JOIN EMPLOYEE e ON e.EMP_ID = s.emp_id WHERE s.token_digest=? AND s.expires_ms > ?";
    auto c = reader();
    query q(*c, sql.c_str());
    q.bind(1, digest).bind(2, now_ms);
    if (!q.step()) return std::nullopt;
    return user_from(q);
  }

  bool delete_session(std::string_view digest) override {
    std::lock_guard lock(write_mu_);
    query q(writer_, "DELETE FROM sessions WHERE token_digest=?");
    q.bind(1, digest).step();
    return sqlite3_changes(writer_.raw()) > 0;
  }

  int purge_expired_sessions(std::int64_t now_ms) override {
    std::lock_guard lock(write_mu_);
    query q(writer_, "DELETE FROM sessions WHERE expires_ms <= ?");
    q.bind(1, now_ms).step();
    return sqlite3_changes(writer_.raw());
  }

  std::vector<append_outcome> append_messages(const std::vector<message_draft>& drafts) override {
    std::vector<append_outcome> out;
    out.reserve(drafts.size());
    std::lock_guard lock(write_mu_);
    transaction tx(writer_);
    for (const auto& d : drafts) {
      if (!d.client_id.empty()) {
        // A resend of a stored (username, client_id): report the original.
        // Looked up first so that a refused insert never uses up an id.
        query orig(writer_,
                   "SELECT id, username, body, time_ms, COALESCE(client_id,'') FROM messages "
                   "WHERE username=? AND client_id=?");
        orig.bind(1, d.username).bind(2, d.client_id);
        if (orig.step()) {
          out.push_back({message_from(orig), true});
          continue;
        }
      }
      query ins(writer_, "INSERT INTO messages(username, body, time_ms, client_id) VALUES(?,?,?,?)");
      ins.bind(1, d.username).bind(2, d.body).bind(3, d.time_ms);
      if (d.client_id.empty()) {
        ins.bind_null(4);
      } else {
        ins.bind(4, d.client_id);
      }
      ins.step();
      out.push_back({chat_message{sqlite3_last_insert_rowid(writer_.raw()), d.username, d.body, d.time_ms,
                                 d.client_id},
                     false});
    }
    tx.commit();
    return out;
  }

  std::int64_t last_message_id() override {
    auto c = reader();
    query q(*c, "SELECT COALESCE(MAX(id), 0) FROM messages");
    q.step();
    return q.i64(0);
  }

  message_page messages_page(std::int64_t after, std::int64_t upto, std::size_t max) override {
    message_page page;
    if (max == 0 || upto <= after) return page;
    auto c = reader();
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

  void checkpoint() override {
    std::lock_guard lock(write_mu_);
    if (sqlite3_wal_checkpoint_v2(writer_.raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr) != SQLITE_OK) {
      writer_.fail("checkpoint");
    }
  }

 private:
  /** BEGIN IMMEDIATE … COMMIT, rolled back if not committed. */
  class transaction {
   public:
    explicit transaction(connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }
    ~transaction() {
      if (!done_) sqlite3_exec(c_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      c_.exec("COMMIT");
      done_ = true;
    }

   private:
    connection& c_;
    bool done_ = false;
  };

  /** A read connection borrowed from the pool, returned on destruction. */
  class lease {
   public:
    lease(sqlite_store& s, std::unique_ptr<connection> c) : s_(s), c_(std::move(c)) {}
    ~lease() { s_.give_back(std::move(c_)); }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    connection& operator*() { return *c_; }

   private:
    sqlite_store& s_;
    std::unique_ptr<connection> c_;
  };

  lease reader() {
    std::unique_lock lock(pool_mu_);
    for (;;) {
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return lease(*this, std::move(c));
      }
      if (open_readers_ < max_readers) {
        ++open_readers_;
        lock.unlock();
        try {
          return lease(*this, std::make_unique<connection>(path_));
        } catch (...) {
          lock.lock();
          --open_readers_;
          throw;
        }
      }
      pool_cv_.wait(lock);
    }
  }

  void give_back(std::unique_ptr<connection> c) {
    {
      std::lock_guard lock(pool_mu_);
      idle_.push_back(std::move(c));
    }
    pool_cv_.notify_one();
  }

  int read_version() {
    query has(writer_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'");
    has.step();
    if (has.i64(0) == 0) return 0;
    query q(writer_, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
    q.step();
    return static_cast<int>(q.i64(0));
  }

  void migrate() {
    std::lock_guard lock(write_mu_);
    writer_.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_ms INTEGER)");
    const int have = read_version();
    if (have > latest_version) {
      throw store_error("database schema version " + std::to_string(have) + " is newer than this server (" +
                        std::to_string(latest_version) + ")");
    }
    created_ = have == 0;
    for (int v = have + 1; v <= latest_version; ++v) {
      transaction tx(writer_);
      writer_.exec(migrations[v - 1]);
      query q(writer_, "INSERT INTO schema_version(version, applied_ms) VALUES(?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
      q.bind(1, static_cast<std::int64_t>(v)).step();
      tx.commit();
    }
  }

  static constexpr int max_readers = 8;

  std::string path_;
  std::mutex write_mu_;
  connection writer_;
  bool created_ = false;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<connection>> idle_;
  int open_readers_ = 0;
};

}  // namespace

std::unique_ptr<store> open_sqlite_store(const std::string& path, sync_mode sync) {
  return std::make_unique<sqlite_store>(path, sync);
}

}  // namespace chat::server
