// Whole-string number parsing for the bench tools' command lines (chat-loadgen,
// chat-soak): false unless all of `s` is the number.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace loadgen {

inline bool to_int(std::string_view s, int& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

inline bool to_u64(std::string_view s, std::uint64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

inline bool to_double(std::string_view s, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(std::string(s), &used);
    return used == s.size();
  } catch (...) {
    return false;
  }
}

}  // namespace loadgen
