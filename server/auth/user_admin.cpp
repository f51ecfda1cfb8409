// User administration commands (see user_admin.hpp).
#include "auth/user_admin.hpp"

#include "auth/crypto.hpp"
#include "store/seed_data.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace chat::server {
namespace {

/** Reads one line; on a terminal, prompts on stderr and turns echo off. */
bool read_password(std::istream& in, std::ostream& err, std::string& password) {
  const bool tty = &in == &std::cin && ::isatty(STDIN_FILENO);
  termios old {};
  if (tty) {
    err << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(in, password));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    err << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return ok;
}

/** Runs a user command on an open database; throws store_error if the database fails. */
int run_on(store& db, const config& cfg, std::istream& in, std::ostream& out, std::ostream& err) {
  const std::string& name = cfg.user_name;
  auto no_such_user = [&] {
    err << "chatroom-server: no user " << name << "\n";
    return 1;
  };
  switch (cfg.cmd) {
    case command::user_list:
      for (const auto& a : db.list_users()) {
        const auto& u = a.user;
        out << u.id << "\t" << u.username << "\t" << u.name << "\t" << u.job_title << "\t"
            << (a.role == user_role::admin ? "admin" : "member") << "\t" << (a.disabled ? "disabled" : "enabled")
            << "\n";
      }
      return 0;
    case command::user_disable:
      if (!db.set_disabled(name, true)) return no_such_user();
      out << "disabled " << name << "; their sessions were revoked (a running server closes their sockets within "
          << limits::session_check_interval_s << " s)\n";
      return 0;
    case command::user_enable:
      if (!db.set_disabled(name, false)) return no_such_user();
      out << "enabled " << name << "\n";
      return 0;
    case command::user_grant_admin:
    case command::user_revoke_admin: {
      const bool admin = cfg.cmd == command::user_grant_admin;
      if (!db.set_role(name, admin ? user_role::admin : user_role::member)) return no_such_user();
      out << name << (admin ? " is an admin\n" : " is a member (not an admin)\n");
      return 0;
    }
    case command::user_add:
    case command::user_passwd:
      break;
    default:
      err << "chatroom-server: not a user command\n";
      return 1;
  }

  if (cfg.cmd == command::user_add && !is_valid_username(cfg.user_name)) {
    err << "chatroom-server: usernames are 1-32 of A-Z a-z 0-9 . _ - starting with a letter or digit\n";
    return 1;
  }
  std::string password;
  if (!read_password(in, err, password) || password.empty() || password.size() > limits::max_password_bytes) {
    err << "chatroom-server: give the password (1-" << limits::max_password_bytes
        << " bytes) on the first line of standard input\n";
    return 1;
  }
  const std::string hash = crypto::hash_password(password);
  password.assign(password.size(), '\0');

  if (cfg.cmd == command::user_add) {
    new_employee e;
    e.username = cfg.user_name;
    e.firstname = cfg.first_name.empty() ? cfg.user_name : cfg.first_name;
    e.lastname = cfg.last_name;
    e.job_title = cfg.job_title;
    e.password_hash = hash;
    const auto added = db.add_employee(e);
    switch (added.outcome) {
      case add_outcome::added:
        out << "added user " << cfg.user_name << " (id " << added.id << ")\n";
        return 0;
      case add_outcome::name_taken:
        err << "chatroom-server: user " << cfg.user_name << " already exists (use user passwd)\n";
        return 1;
      case add_outcome::name_was_guest:
        err << "chatroom-server: a guest has posted as " << cfg.user_name
            << "; a user of that name would look like the author of those messages: choose another username\n";
        return 1;
    }
    return 1;
  }
  if (!db.set_password(name, hash)) return no_such_user();
  out << "changed the password of " << name << "; their sessions were revoked (a running server closes their "
      << "sockets within " << limits::session_check_interval_s << " s)\n";
  return 0;
}

}  // namespace

int run_user_command(const config& cfg, std::istream& in, std::ostream& out, std::ostream& err) {
  if (!crypto::init()) {
    err << "chatroom-server: libsodium cannot be initialised\n";
    return 2;
  }
  std::unique_ptr<store> db;
  try {
    db = open_sqlite_store(cfg.db_path);
    if (db->created() && cfg.demo_users) seed_sample_data(*db);  // else an empty one: this adds its first user
  } catch (const std::exception& e) {
    err << "chatroom-server: --db " << cfg.db_path << ": " << e.what() << "\n";
    return 2;
  }

  try {
    return run_on(*db, cfg, in, out, err);
  } catch (const std::exception& e) {
    err << "chatroom-server: --db " << cfg.db_path << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace chat::server
