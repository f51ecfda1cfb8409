// One-line event logs on stderr: logins, connections, errors. Callers never
// pass passwords or tokens; `clean` makes client-supplied text safe to print.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace chat::server::log {

/** Writes "<UTC time> <level> <event> <details>" as one line. Thread-safe. */
void info(std::string_view event, std::string_view details);
void warn(std::string_view event, std::string_view details);
void error(std::string_view event, std::string_view details);

/** Client-supplied text for a log line: printable ASCII only, at most 64 bytes. */
std::string clean(std::string_view text);

/** Replaces the sink (default: stderr); an empty function restores it. For tests. */
void set_sink(std::function<void(const std::string&)> sink);

}  // namespace chat::server::log
