// How one log event becomes one line: today's text ("<time> <level> <event>
// <details>") or, with --log-format json, one JSON object. Pure functions,
// no I/O; log.cpp writes the lines.
#pragma once

#include "log.hpp"

#include <string>
#include <string_view>

namespace chat::server::log {

/** The event as one line ending in '\n'. `time` is the UTC stamp
 *  (2024-11-28T00:00:00.123Z). In JSON the object holds "time", "level",
 *  "event", then one string field per `key=value` word of `details` (keys
 *  [a-z][a-z0-9_]*, a double-quoted value unescaped, the first of a repeated
 *  key), and the remaining words, joined by single spaces, in "details" (absent
 *  when none remain). Strings are JSON-escaped (control characters as \uXXXX,
 *  invalid UTF-8 as U+FFFD), so a line never breaks. */
std::string format_line(format f, std::string_view time, std::string_view level, std::string_view event,
                        std::string_view details);

/** `key=value` for a log line's details: the value as it is when it is a
 *  plain word (printable ASCII, no quote or backslash), else in double quotes
 *  with \" \\ \n \r \t and \xNN escaping the quote, the backslash and control
 *  bytes. format_line reads it back into the field. */
std::string field(std::string_view key, std::string_view value);

}  // namespace chat::server::log
