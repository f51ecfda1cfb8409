// UTF-8 and message-body rules (see chat/validation.hpp).
#include <chat/codes.hpp>
#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <cstdint>

namespace chat {
namespace {

/** Decodes one code point at s[i]; returns its length, or 0 if the bytes there are not valid UTF-8. */
std::size_t decode_one(std::string_view s, std::size_t i, char32_t& cp) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const std::size_t left = s.size() - i;
  const unsigned char c = b(0);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t n = 0;
  char32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (left < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

/** White space for trimming: Unicode White_Space plus the invisible
 *  zero-width characters, so a message of only those counts as blank. */
bool is_space(char32_t c) noexcept {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0x180E: case 0x200B: case 0x200C: case 0x200D:
    case 0x2060: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    // Fast path over ASCII.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = decode_one(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t count = 0;
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const std::size_t n = decode_one(s, i, cp);
    i += n == 0 ? 1 : n;
  }
  return count;
}

std::string_view trim(std::string_view s) noexcept {
  std::size_t first = s.size(), last = 0;  // [first, last) is the kept range
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = decode_one(s, i, cp);
    const bool space = n != 0 && is_space(cp);
    if (n == 0) n = 1;
    if (!space) {
      if (first == s.size()) first = i;
      last = i + n;
    }
    i += n;
  }
  if (first == s.size()) return s.substr(s.size());
  return s.substr(first, last - first);
}

std::optional<valid_utf8> validate_utf8(std::string_view s) noexcept {
  if (!is_valid_utf8(s)) return std::nullopt;
  return valid_utf8::already_checked(s);  // just checked
}

body_check check_message_body(std::string_view raw) noexcept {
  if (const auto valid = validate_utf8(raw)) return check_message_body(*valid);
  body_check r;
  r.status = body_status::invalid_utf8;
  return r;
}

body_check check_message_body(valid_utf8 raw) noexcept {
  body_check r;
  r.text = trim(raw.text());
  r.chars = utf8_length(r.text);
  if (r.chars == 0) {
    r.status = body_status::empty;
  } else if (r.chars > limits::max_message_chars) {
    r.status = body_status::too_long;
  }
  return r;
}

std::string_view body_error_code(body_status s) noexcept {
  switch (s) {
    case body_status::ok: return "ok";
    case body_status::empty: return wire_error::empty;
    case body_status::too_long: return wire_error::too_long;
    case body_status::invalid_utf8: return wire_error::invalid_utf8;
  }
  return wire_error::bad_request;
}

std::string_view body_error_text(body_status s) noexcept {
  switch (s) {
    case body_status::ok: return "";
    case body_status::empty: return "The message is empty.";
    case body_status::too_long:
      static_assert(limits::max_message_chars == 4000, "update this sentence");
      return "The message is longer than 4000 characters.";
    case body_status::invalid_utf8: return "The message is not valid UTF-8 text.";
  }
  return "The message was refused.";
}

namespace {

/** Trims `raw` and checks it holds min_chars..max_chars code points, none a control character. */
room_text_check check_room_text(std::string_view raw, std::size_t min_chars, std::size_t max_chars) noexcept {
  room_text_check r;
  if (!is_valid_utf8(raw)) {
    r.status = room_text_status::invalid_utf8;
    return r;
  }
  r.text = trim(raw);
  std::size_t chars = 0;
  char32_t cp = 0;
  for (std::size_t i = 0; i < r.text.size(); ++chars) {
    i += decode_one(r.text, i, cp);
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      r.status = room_text_status::control_char;
      return r;
    }
  }
  if (chars < min_chars) {
    r.status = room_text_status::empty;
  } else if (chars > max_chars) {
    r.status = room_text_status::too_long;
  }
  return r;
}

}  // namespace

room_text_check check_room_name(std::string_view raw) noexcept {
  return check_room_text(raw, 1, limits::max_room_name_chars);
}

room_text_check check_room_topic(std::string_view raw) noexcept {
  return check_room_text(raw, 0, limits::max_room_topic_chars);
}

bool is_valid_username(std::string_view s) noexcept {
  if (s.empty() || s.size() > limits::max_username_bytes) return false;
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(s.front())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace chat
