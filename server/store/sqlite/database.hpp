// SQLite plumbing for sqlite_store: a connection with its statement cache,
// RAII query and transaction wrappers, and the database (the write connection
// behind a mutex, a pool of read connections, versioned migrations). Include
// only from sqlite/.
#pragma once

#include "store/store_error.hpp"

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace chat::server::sqlite {

/** One SQLite connection with its prepared statements. */
class connection {
 public:
  explicit connection(const std::string& path);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void exec(const char* sql);
  /** The cached statement for `sql`, reset and unbound. */
  sqlite3_stmt* prepare(const char* sql);
  sqlite3* raw() const { return db_; }
  [[noreturn]] void fail(const char* what) const;

 private:
  sqlite3* db_ = nullptr;
  std::map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address
};

/** Binds and steps one statement; resets it when done (RAII). */
class query {
 public:
  query(connection& c, const char* sql) : c_(c), st_(c.prepare(sql)) {}
  ~query() { sqlite3_reset(st_); }
  query(const query&) = delete;
  query& operator=(const query&) = delete;

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
  bool step();
  /** Steps a statement that may hit a constraint: false on SQLITE_CONSTRAINT. */
  bool run_allowing_constraint();
  std::int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
  std::string text(int col) const;

 private:
  connection& c_;
  sqlite3_stmt* st_;
};

/** BEGIN IMMEDIATE … COMMIT, rolled back if not committed. */
class transaction {
 public:
  explicit transaction(connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }
  ~transaction() {
    if (!done_) sqlite3_exec(c_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  void commit() {
    c_.exec("COMMIT");
    done_ = true;
  }

 private:
  connection& c_;
  bool done_ = false;
};

/** The write connection (lock write_mu() around its use) and the read pool. */
class database {
 public:
  /** Opens in WAL mode with synchronous=FULL (`full_sync`) or NORMAL, and migrates. */
  database(std::string path, bool full_sync);

  /** A read connection borrowed from the pool, returned on destruction. */
  class lease {
   public:
    lease(database& d, std::unique_ptr<connection> c) : d_(d), c_(std::move(c)) {}
    ~lease() { d_.give_back(std::move(c_)); }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    connection& operator*() { return *c_; }

   private:
    database& d_;
    std::unique_ptr<connection> c_;
  };

  /** Waits for an idle read connection (opening one while under the bound). */
  lease reader();
  std::mutex& write_mu() { return write_mu_; }
  connection& writer() { return writer_; }
  bool created() const { return created_; }
  /** Call with write_mu() held. */
  int read_version();
  /** Call with write_mu() held. */
  void checkpoint();

 private:
  void give_back(std::unique_ptr<connection> c);
  void migrate();

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

}  // namespace chat::server::sqlite
