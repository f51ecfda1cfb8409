// `chatroom-server user add|passwd|list`: user administration on the command
// line. Passwords are read from standard input, never from argv.
#pragma once

#include "config.hpp"

#include <iosfwd>

namespace chat::server {

/** Runs a user_* command; returns the process exit code (0 ok, 1 refused, 2 unusable --db). */
int run_user_command(const config& cfg, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace chat::server
