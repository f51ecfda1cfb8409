// `chatroom-server user list|add|passwd|disable|enable|grant-admin|revoke-admin`:
// user administration on the command line, on the database file (a running
// server sees the change at once; it closes the sockets of the sessions a
// command ended within limits::session_check_interval_s). Passwords are read
// from standard input, never from argv.
#pragma once

#include "config.hpp"

#include <iosfwd>

namespace chat::server {

/** Runs a user_* command; returns the process exit code (0 ok, 1 refused:
 *  no such user, a taken name, no password; 2 unusable --db). */
int run_user_command(const config& cfg, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace chat::server
