// The backup and restore commands (see backup_command.hpp).
#include "store/backup_command.hpp"

#include "store/sqlite/backup.hpp"

#include <cstdio>
#include <ostream>
#include <string>

namespace chat::server {
namespace {

std::string summary(const sqlite::copy_report& r) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", r.seconds);
  return std::to_string(r.pages) + " pages, " + std::to_string(r.bytes) + " bytes, " + std::to_string(r.messages) +
         " messages (last id " + std::to_string(r.last_id) + "), " + seconds + " s";
}

}  // namespace

int run_backup_command(const config& cfg, std::ostream& out, std::ostream& err) {
  try {
    if (cfg.cmd == command::backup) {
      const auto r = sqlite::backup_database(cfg.db_path, cfg.copy_path, cfg.force);
      out << "backed up " << cfg.db_path << " to " << cfg.copy_path << ": " << summary(r) << "\n";
    } else {
      const auto r = sqlite::restore_database(cfg.copy_path, cfg.db_path);
      out << "restored " << cfg.db_path << " from " << cfg.copy_path << ": " << summary(r.copy);
      if (!r.replaced.empty()) out << "; the database it replaced is " << r.replaced;
      if (r.next_id > 0) out << "; new messages get ids from " << r.next_id;
      out << "\n";
    }
    return 0;
  } catch (const sqlite::copy_error& e) {
    err << "chatroom-server: " << (cfg.cmd == command::backup ? "backup: " : "restore: ") << e.what() << "\n";
    return e.unusable() ? 2 : 1;
  } catch (const std::exception& e) {
    err << "chatroom-server: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace chat::server
