// `chatroom-server backup DEST` and `chatroom-server restore SRC`: the
// database copied while a server may run on it, and put back (store/sqlite/backup.hpp).
#pragma once

#include "config.hpp"

#include <iosfwd>

namespace chat::server {

/** Runs command::backup or command::restore on cfg.db_path and cfg.copy_path;
 *  prints one line on `out` when done, one `chatroom-server: …` line on `err`
 *  when not. Returns the exit code: 0 done, 1 failed or refused, 2 unusable
 *  arguments or database. */
int run_backup_command(const config& cfg, std::ostream& out, std::ostream& err);

}  // namespace chat::server
