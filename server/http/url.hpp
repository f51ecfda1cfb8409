// Request targets: percent-decoding and query parameters with Boost.URL.
// Beast hands over any target its parser accepts (raw '|', '^', bytes >= 0x80
// included), which Boost.URL's strict grammar would refuse; so the target is
// split at '?', '&', '=' and '/' here and each part is decoded by Boost.URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chat::server {

/** Decodes percent-escapes in `s`; with `plus_as_space` (query strings,
 *  application/x-www-form-urlencoded) '+' is a space. nullopt when an escape
 *  is not '%' and two hex digits. */
std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space);

/** The target's path: before the first '?' or '#', still encoded. */
std::string_view target_path(std::string_view target) noexcept;

/** The value of `key` in the target's query string, decoded ('+' is a space).
 *  A key without '=' has the value ""; of a repeated key the last counts;
 *  nullopt when the key is absent or its last value has a bad escape. */
std::optional<std::string> query_param(std::string_view target, std::string_view key);

}  // namespace chat::server
