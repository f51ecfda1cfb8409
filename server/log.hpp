// One-line event logs on stderr: logins, connections, errors, as text or JSON
// (log_format.hpp). Callers never pass passwords or tokens; `clean` makes
// client-supplied text safe to print.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace chat::server::log {

/** The shape of a line: "<UTC time> <level> <event> <details>", or one JSON object. */
enum class format { text, json };

/** Sets the shape of every later line (default: text). Call before logging starts. */
void set_format(format f);

/** Writes one line for the event (see format_line). Thread-safe. */
void info(std::string_view event, std::string_view details);
void warn(std::string_view event, std::string_view details);
void error(std::string_view event, std::string_view details);

/** Client-supplied text for a log line: printable ASCII only, at most 64 bytes. */
std::string clean(std::string_view text);

/** Replaces the sink (default: stderr); an empty function restores it. For tests. */
void set_sink(std::function<void(const std::string&)> sink);

}  // namespace chat::server::log
