// Log lines as text or JSON (see log_format.hpp).
#include "log_format.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>
#include <vector>

namespace chat::server::log {
namespace {

bool plain_word(std::string_view v) {
  if (v.empty()) return false;
  for (const char c : v) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

/** The length of the key at the start of `word` when it is followed by '=', else 0. */
std::size_t key_length(std::string_view word) {
  std::size_t n = 0;
  while (n < word.size()) {
    const char c = word[n];
    const bool letter = c >= 'a' && c <= 'z';
    const bool more = (c >= '0' && c <= '9') || c == '_';
    if (!letter && !(n > 0 && more)) break;
    ++n;
  }
  return n > 0 && n < word.size() && word[n] == '=' ? n : 0;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/** Reads a quoted value starting at the opening quote `s[at]`; the value and
 *  the position after the closing quote, which must end the word. */
std::optional<std::pair<std::string, std::size_t>> unquote(std::string_view s, std::size_t at) {
  std::string out;
  for (std::size_t i = at + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      if (i + 1 < s.size() && s[i + 1] != ' ') return std::nullopt;
      return std::make_pair(std::move(out), i + 1);
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == s.size()) return std::nullopt;
    switch (s[i]) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'x': {
        if (i + 2 >= s.size() || hex_digit(s[i + 1]) < 0 || hex_digit(s[i + 2]) < 0) return std::nullopt;
        out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
        i += 2;
        break;
      }
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string json_line(std::string_view time, std::string_view level, std::string_view event,
                      std::string_view details) {
  nlohmann::ordered_json j;
  j["time"] = time;
  j["level"] = level;
  j["event"] = event;
  std::string rest;
  std::size_t i = 0;
  while (i < details.size()) {
    if (details[i] == ' ') {
      ++i;
      continue;
    }
    const std::size_t space = details.find(' ', i);
    const std::size_t end = space == std::string_view::npos ? details.size() : space;
    const std::string_view word = details.substr(i, end - i);
    const std::size_t k = key_length(word);
    const std::string key(word.substr(0, k));
    if (k > 0 && !j.contains(key) && key != "details") {
      if (word.size() > k + 1 && word[k + 1] == '"') {
        if (auto q = unquote(details, i + k + 1)) {
          j[key] = std::move(q->first);
          i = q->second;
          continue;
        }
      } else {
        j[key] = word.substr(k + 1);
        i = end;
        continue;
      }
    }
    if (!rest.empty()) rest.push_back(' ');
    rest.append(word);
    i = end;
  }
  if (!rest.empty()) j["details"] = std::move(rest);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string format_line(format f, std::string_view time, std::string_view level, std::string_view event,
                        std::string_view details) {
  if (f == format::json) return json_line(time, level, event, details);
  std::string line;
  line.reserve(time.size() + level.size() + event.size() + details.size() + 4);
  line.append(time).append(" ").append(level).append(" ").append(event);
  if (!details.empty()) line.append(" ").append(details);
  line.push_back('\n');
  return line;
}

std::string field(std::string_view key, std::string_view value) {
  std::string out(key);
  out.push_back('=');
  if (plain_word(value)) return out.append(value);
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\x";
          out.push_back(hex[u >> 4]);
          out.push_back(hex[u & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace chat::server::log
