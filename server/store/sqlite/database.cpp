// SQLite plumbing (see database.hpp): connections, statements, the read pool
// and the schema's migrations.
#include "store/sqlite/database.hpp"

#include <iterator>

namespace chat::server::sqlite {
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
    // 2: user administration. The tutorial's ROLE column becomes the server
    // role, 'member' or 'admin' (every user was 'user' until now); DISABLED_MS
    // is when the account was disabled, NULL while it is enabled.
    R"sql(
      UPDATE EMPLOYEE SET ROLE = 'member' WHERE ROLE IS NULL OR ROLE <> 'admin';
      ALTER TABLE EMPLOYEE ADD COLUMN DISABLED_MS INTEGER;
    )sql",
    // 3: retention and quotas. chat_meta's 'history_horizon' is the highest id
    // retention removed (history starts after it); user_storage is each
    // sender's stored body bytes, kept with every commit and removal.
    R"sql(
      CREATE TABLE chat_meta (
        key   TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE user_storage (
        username TEXT PRIMARY KEY,
        bytes    INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO user_storage(username, bytes)
        SELECT username, SUM(length(CAST(body AS BLOB))) FROM messages GROUP BY username;
    )sql",
    // 4: rooms (docs/architecture.md, "Rooms"; docs/protocol.md §6). Each
    // room counts its own positions (last_seq) and keeps its retention horizon;
    // a message has its room and its position there (seq), unique per room.
    // What was the one room becomes room 1, the default public room "Chat
    // Room": every message keeps its id as its position (ids stay what v1
    // clients resume from), the counter starts above every id ever given
    // (sqlite_sequence: retention may have removed the newest), the horizon
    // moves from chat_meta, and every user is a member with all of it read.
    // ALTER TABLE cannot add a REFERENCES column with a non-NULL default:
    // messages.room_id has no foreign key (only the store writes it).
    R"sql(
      CREATE TABLE rooms (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
        name       TEXT UNIQUE COLLATE NOCASE,
        topic      TEXT NOT NULL DEFAULT '',
        creator_id INTEGER REFERENCES EMPLOYEE(EMP_ID) ON DELETE SET NULL,
        created_ms INTEGER NOT NULL,
        dm_key     TEXT UNIQUE,
        last_seq   INTEGER NOT NULL DEFAULT 0,
        horizon    INTEGER NOT NULL DEFAULT 0,
        CHECK ((kind = 'dm') = (name IS NULL)),
        CHECK ((kind = 'dm') = (dm_key IS NOT NULL))
      );
      CREATE TABLE room_members (
        room_id        INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        emp_id         INTEGER NOT NULL REFERENCES EMPLOYEE(EMP_ID) ON DELETE CASCADE,
        role           TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
        joined_ms      INTEGER NOT NULL,
        read_seq       INTEGER NOT NULL DEFAULT 0,
        notify         TEXT NOT NULL DEFAULT 'all' CHECK (notify IN ('all', 'mentions', 'muted')),
        muted_until_ms INTEGER,
        PRIMARY KEY (room_id, emp_id)
      ) WITHOUT ROWID;
      CREATE INDEX room_members_by_user ON room_members(emp_id, room_id);
      INSERT INTO rooms(id, kind, name, created_ms, last_seq, horizon) VALUES(
        1, 'public', 'Chat Room', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
        max(COALESCE((SELECT MAX(id) FROM messages), 0),
            COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)),
        COALESCE((SELECT value FROM chat_meta WHERE key = 'history_horizon'), 0));
      DELETE FROM chat_meta WHERE key = 'history_horizon';
      INSERT INTO room_members(room_id, emp_id, joined_ms, read_seq)
        SELECT 1, EMP_ID, (SELECT created_ms FROM rooms WHERE id = 1), (SELECT last_seq FROM rooms WHERE id = 1)
        FROM EMPLOYEE;
      ALTER TABLE messages ADD COLUMN room_id INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      UPDATE messages SET seq = id;
      CREATE UNIQUE INDEX messages_by_room ON messages(room_id, seq);
    )sql",
};
constexpr int latest_version = static_cast<int>(std::size(migrations));

}  // namespace

connection::connection(const std::string& path) {
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

connection::~connection() {
  for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  sqlite3_close(db_);
}

void connection::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw store_error(why);
  }
}

sqlite3_stmt* connection::prepare(const char* sql) {
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

void connection::fail(const char* what) const { throw store_error(std::string(what) + ": " + sqlite3_errmsg(db_)); }

bool query::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  c_.fail("step");
}

bool query::run_allowing_constraint() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return false;
  c_.fail("step");
}

std::string query::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string();
}

database::database(std::string path, bool full_sync) : path_(std::move(path)), writer_(path_) {
  writer_.exec("PRAGMA journal_mode=WAL");
  writer_.exec(full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  migrate();
}

database::lease database::reader() {
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

void database::give_back(std::unique_ptr<connection> c) {
  {
    std::lock_guard lock(pool_mu_);
    idle_.push_back(std::move(c));
  }
  pool_cv_.notify_one();
}

int database::read_version() {
  query has(writer_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_version'");
  has.step();
  if (has.i64(0) == 0) return 0;
  query q(writer_, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  q.step();
  return static_cast<int>(q.i64(0));
}

void database::checkpoint() {
  if (sqlite3_wal_checkpoint_v2(writer_.raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr) != SQLITE_OK) {
    writer_.fail("checkpoint");
  }
}

void database::migrate() {
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

}  // namespace chat::server::sqlite
