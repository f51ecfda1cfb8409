// Online backup and restore of the database file (see backup.hpp).
#include "store/sqlite/backup.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chat::server::sqlite {
namespace {

namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;

constexpr int pages_per_step = 256;
/** Between two steps: the copy gives the disk and a core back to the server. */
constexpr auto pause_between_steps = std::chrono::milliseconds(1);
/** How long a step may keep answering SQLITE_BUSY/LOCKED before the copy gives up. */
constexpr auto busy_deadline = std::chrono::seconds(30);

[[noreturn]] void failed(const std::string& why) { throw copy_error(why, false); }
[[noreturn]] void unusable(const std::string& why) { throw copy_error(why, true); }

bool busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

/** One SQLite connection, closed at the end of scope. */
class handle {
 public:
  handle(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      why_ = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      return;
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~handle() { close(); }
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;

  explicit operator bool() const { return db_ != nullptr; }
  sqlite3* raw() const { return db_; }
  /** Why the open failed, or the connection's last error. */
  std::string error() const { return db_ ? sqlite3_errmsg(db_) : why_; }
  /** Runs `sql`; the SQLite result code. */
  int exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
  /** The first column of each row of `sql` as text; false on an error. */
  bool rows(const char* sql, std::vector<std::string>& out) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) return false;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out.emplace_back(text ? text : "");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
  }
  /** The first column of the first row of `sql` as an integer; false on an error. */
  bool number(const char* sql, std::int64_t& out) {
    std::vector<std::string> r;
    if (!rows(sql, r) || r.empty()) return false;
    out = std::stoll(r[0].empty() ? "0" : r[0]);
    return true;
  }
  void close() {
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
  std::string why_;
};

/** The files SQLite may keep beside a database. */
void remove_sidecars(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

/** Moves the -wal and -journal of `from` to `to` (they hold part of its
 *  content: SQLite applies them when `to` is opened) and drops its -shm. */
void move_sidecars(const std::string& from, const std::string& to) {
  std::error_code ec;
  for (const char* suffix : {"-journal", "-wal"}) {
    if (fs::exists(from + suffix, ec) && std::rename((from + suffix).c_str(), (to + suffix).c_str()) != 0) {
      failed("cannot move " + from + suffix + " beside " + to + ": " + std::strerror(errno));
    }
  }
  fs::remove(from + "-shm", ec);
}

/** Removes a half-written copy (and its sidecars) unless it was put in place. */
class temp_file {
 public:
  explicit temp_file(std::string path) : path_(std::move(path)) { discard(); }
  ~temp_file() {
    if (!kept_) discard();
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  const std::string& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  void discard() {
    std::error_code ec;
    fs::remove(path_, ec);
    remove_sidecars(path_);
  }
  std::string path_;
  bool kept_ = false;
};

/** `path` as an existing chatroom database opened with `flags`, or copy_error (unusable). */
void open_source(handle& h, const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) unusable(path + ": no such database file");
  if (!h) unusable(path + ": " + h.error());
  std::int64_t tables = 0;
  if (!h.number("SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('schema_version','messages')",
                tables)) {
    unusable(path + ": " + h.error());
  }
  if (tables != 2) unusable(path + ": not a chatroom database (no schema_version and messages tables)");
}

/** The directory `path` is in must exist; returns it. */
fs::path directory_of(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) unusable(path + ": directory " + dir.string() + " does not exist");
  return dir;
}

/** Makes a rename in `dir` durable. */
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/** Copies `src` (an open connection) into the new file `dest` and checks it. */
copy_report copy_into(handle& src, const std::string& dest) {
  copy_report r;
  handle out(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!out) failed(dest + ": " + out.error());

  // One read transaction across every step: the copy is one snapshot, and the
  // backup does not restart when the server commits between two steps.
  if (src.exec("BEGIN") != SQLITE_OK) failed("begin: " + src.error());
  std::int64_t ignored = 0;
  if (!src.number("SELECT count(*) FROM sqlite_master", ignored)) failed("read: " + src.error());

  sqlite3_backup* b = sqlite3_backup_init(out.raw(), "main", src.raw(), "main");
  if (!b) failed("backup: " + out.error());
  auto busy_since = clock::time_point{};
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(b, pages_per_step);
    if (rc == SQLITE_DONE) break;
    if (busy(rc)) {
      if (busy_since == clock::time_point{}) busy_since = clock::now();
      if (clock::now() - busy_since > busy_deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (rc != SQLITE_OK) break;
    busy_since = {};
    std::this_thread::sleep_for(pause_between_steps);
  }
  r.pages = sqlite3_backup_pagecount(b);
  const int finished = sqlite3_backup_finish(b);
  src.exec("COMMIT");
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    failed("backup step: " + std::string(busy(rc) ? "the database stayed busy for 30 s" : sqlite3_errstr(rc)));
  }

  // The source was in WAL mode and the copy says so; a backup is one file.
  std::vector<std::string> mode;
  if (!out.rows("PRAGMA journal_mode=DELETE", mode) || mode.empty() || mode[0] != "delete") {
    failed(dest + ": cannot leave WAL mode: " + out.error());
  }
  std::vector<std::string> check;
  if (!out.rows("PRAGMA integrity_check", check) || check.empty()) failed("integrity_check: " + out.error());
  if (check[0] != "ok") failed("the copy failed integrity_check: " + check[0]);
  if (!out.number("SELECT count(*) FROM messages", r.messages) ||
      !out.number("SELECT COALESCE(MAX(id), 0) FROM messages", r.last_id)) {
    failed("the copy has no readable messages table: " + out.error());
  }
  out.close();
  std::error_code ec;
  r.bytes = static_cast<std::int64_t>(fs::file_size(dest, ec));
  return r;
}

double seconds_since(clock::time_point start) {
  return std::chrono::duration<double>(clock::now() - start).count();
}

/** "20241128T093000Z": the time in a replaced database's name. */
std::string utc_stamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char s[32];
  std::strftime(s, sizeof s, "%Y%m%dT%H%M%SZ", &tm);
  return s;
}

/** A hard link to `db` under a new name beside it; the name. */
std::string keep_aside(const std::string& db) {
  const std::string base = db + ".replaced-" + utc_stamp();
  for (int n = 1; n < 100; ++n) {
    const std::string name = n == 1 ? base : base + "-" + std::to_string(n);
    if (::link(db.c_str(), name.c_str()) == 0) return name;
    if (errno != EEXIST) failed("cannot keep the replaced database as " + name + ": " + std::strerror(errno));
  }
  failed("cannot find a free name for the replaced database beside " + db);
}

/** Moves the copy's message id sequence up to `used` and each room's counter
 *  up to the replaced database's ("room,last position" rows; the default
 *  room's is `used` for a database from before rooms); a copy from before
 *  rooms takes the default room's into the sequence, where its migration
 *  will start the room's counter. Sets r.next_id when the next
 *  message of the default room gets a higher id than the copy implies. */
void carry_counters(const std::string& path, std::int64_t used, const std::vector<std::string>& counters,
                    restore_report& r) {
  handle copy(path, SQLITE_OPEN_READWRITE);
  std::int64_t has_rooms = 0;
  if (!copy || !copy.number("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='rooms'", has_rooms)) {
    failed("cannot carry the message ids over: " + copy.error());
  }
  std::int64_t default_used = used;
  std::string rooms;
  for (const auto& row : counters) {
    const auto comma = row.find(',');
    const auto room = std::stoll(row.substr(0, comma));
    const auto last = std::stoll(row.substr(comma + 1));
    if (room == 1) {
      default_used = last;
      continue;
    }
    rooms += "UPDATE rooms SET last_seq = MAX(last_seq, " + std::to_string(last) + ") WHERE id = " +
             std::to_string(room) + "; ";
  }
  // The default room's ids were the sequence's until schema 4.
  rooms += "UPDATE rooms SET last_seq = MAX(last_seq, " + std::to_string(default_used) + ") WHERE id = 1; ";
  const std::string n = std::to_string(has_rooms > 0 ? used : std::max(used, default_used));
  std::string bump =
      "BEGIN; UPDATE sqlite_sequence SET seq = MAX(seq, " + n + ") WHERE name='messages'; "
      "INSERT INTO sqlite_sequence(name, seq) SELECT 'messages', " + n +
      " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name='messages'); ";
  if (has_rooms > 0) bump += rooms;
  bump += "COMMIT";
  if (copy.exec(bump.c_str()) != SQLITE_OK) failed("cannot carry the message ids over: " + copy.error());
  std::int64_t next = 0;
  const char* const next_sql = has_rooms > 0 ? "SELECT last_seq FROM rooms WHERE id = 1"
                                             : "SELECT seq FROM sqlite_sequence WHERE name='messages'";
  if (copy.number(next_sql, next) && next > r.copy.last_id) r.next_id = next + 1;
}

}  // namespace

copy_report backup_database(const std::string& db, const std::string& dest, bool replace) {
  const auto start = clock::now();
  handle src(db, SQLITE_OPEN_READWRITE);
  open_source(src, db);
  const fs::path dir = directory_of(dest);
  std::error_code ec;
  if (fs::exists(dest, ec)) {
    if (fs::equivalent(db, dest, ec)) unusable(dest + " is the database itself");
    if (!replace) failed(dest + " exists (--force replaces it)");
  }

  temp_file temp(dest + ".tmp-" + std::to_string(::getpid()));
  copy_report r = copy_into(src, temp.path());
  src.close();
  if (replace) remove_sidecars(dest);
  if (std::rename(temp.path().c_str(), dest.c_str()) != 0) failed("rename to " + dest + ": " + std::strerror(errno));
  temp.keep();
  sync_directory(dir);
  r.seconds = seconds_since(start);
  return r;
}

restore_report restore_database(const std::string& src, const std::string& db) {
  const auto start = clock::now();
  const fs::path dir = directory_of(db);
  std::error_code ec;
  const bool db_exists = fs::exists(db, ec);
  if (db_exists && fs::exists(src, ec) && fs::equivalent(src, db, ec)) unusable(src + " is the database itself");
  handle from(src, SQLITE_OPEN_READONLY);
  open_source(from, src);

  // Leaving WAL mode needs the only connection to the database: any other (a
  // server's) makes it fail busy, and the restore refuses. The exclusive
  // transaction then keeps everyone out until the copy is in place.
  handle lock(db, SQLITE_OPEN_READWRITE);  // no file is created when there is none
  int rc = SQLITE_OK;
  if (db_exists) {
    if (!lock) failed(db + ": " + lock.error());
    sqlite3_busy_timeout(lock.raw(), 1000);
    rc = lock.exec("PRAGMA journal_mode=DELETE");
    if (rc == SQLITE_OK) rc = lock.exec("BEGIN EXCLUSIVE");
    if (busy(rc)) failed(db + " is in use (is a server running on it? stop it first)");
    // A file that is not a database, or a corrupt one, nobody can be using as
    // one: it is replaced all the same (and kept aside). Any other error stops.
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_NOTADB && (rc & 0xff) != SQLITE_CORRUPT) {
      failed(db + ": " + lock.error());
    }
  }

  restore_report r;
  temp_file temp(db + ".restore-" + std::to_string(::getpid()));
  r.copy = copy_into(from, temp.path());
  from.close();

  if (db_exists) {
    // Ids are never given twice: new messages continue after the replaced
    // database's, and so do the positions of every room it had (clients
    // resume with since= and de-duplicate by id).
    std::int64_t used = 0;
    std::vector<std::string> counters;  // "room,last position" (none before schema 4)
    if (rc == SQLITE_OK &&
        lock.number("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name='messages'", used)) {
      lock.rows("SELECT id || ',' || last_seq FROM rooms", counters);
      if (used > r.copy.last_id || !counters.empty()) carry_counters(temp.path(), used, counters, r);
    }

    struct stat st{};
    if (::stat(db.c_str(), &st) == 0) {
      if (::chown(temp.path().c_str(), st.st_uid, st.st_gid) != 0 && ::geteuid() == 0) {
        failed("cannot give the restored file the owner of " + db + ": " + std::strerror(errno));
      }
      ::chmod(temp.path().c_str(), st.st_mode & 07777);
    }
    r.replaced = keep_aside(db);
    move_sidecars(db, r.replaced);
  } else {
    remove_sidecars(db);
  }
  if (std::rename(temp.path().c_str(), db.c_str()) != 0) failed("rename to " + db + ": " + std::strerror(errno));
  temp.keep();
  sync_directory(dir);
  lock.close();
  r.copy.seconds = seconds_since(start);
  return r;
}

}  // namespace chat::server::sqlite
