// Backup and restore of the SQLite database file with SQLite's online backup
// API: a consistent copy taken while a server writes to the database, checked
// with integrity_check before it is renamed into place. The commands
// `chatroom-server backup|restore` (store/backup_command.hpp) call these.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace chat::server::sqlite {

/** What a finished copy holds. */
struct copy_report {
  std::int64_t pages = 0;     ///< database pages copied
  std::int64_t bytes = 0;     ///< size of the copy's file
  std::int64_t messages = 0;  ///< rows of `messages` in the copy
  std::int64_t last_id = 0;   ///< the newest message id in the copy (0: none)
  double seconds = 0;         ///< from opening the source to the copy in place
};

/** Why a backup or restore stopped; nothing was put in place. */
class copy_error : public std::runtime_error {
 public:
  copy_error(const std::string& what, bool unusable) : std::runtime_error(what), unusable_(unusable) {}
  /** True when an argument or the source cannot be used at all (exit 2);
   *  false when the copy failed or was refused (exit 1). */
  bool unusable() const { return unusable_; }

 private:
  bool unusable_;
};

/** Copies the chatroom database `db` to `dest`. Safe while a server has `db`
 *  open and writes to it (also from another process): the copy is the
 *  database as of one instant at its start (one read transaction, which in WAL
 *  mode never blocks the server's writer), copied 256 pages at a time. The
 *  copy is written beside `dest`, set to journal_mode=DELETE (one standalone
 *  file, no -wal), must pass integrity_check, and only then is renamed to
 *  `dest`. Refuses an existing `dest` unless `replace` (its stale
 *  -wal/-shm/-journal are then removed). Never creates `db` nor writes to
 *  its content. Throws copy_error. */
copy_report backup_database(const std::string& db, const std::string& dest, bool replace);

/** A finished restore. */
struct restore_report {
  copy_report copy;
  std::string replaced;  ///< where the database it replaced was kept; empty if there was none
  std::int64_t next_id = 0;  ///< when above the copy's last id + 1: the id of the next message
};

/** Replaces the database `db` with a copy of the backup `src` (which is left
 *  as it is). Refuses while any process has `db` open (a running server): it
 *  takes an exclusive lock on `db` first. The copy must pass integrity_check.
 *  New messages get ids after the last the replaced database ever gave, so no
 *  id means two messages. The copy gets the owner and mode of the file it
 *  replaces, which stays beside it
 *  as `db`.replaced-<UTC time> (a hard link: there is no moment without a
 *  `db`), with its -wal or -journal if any. Throws copy_error. */
restore_report restore_database(const std::string& src, const std::string& db);

}  // namespace chat::server::sqlite
