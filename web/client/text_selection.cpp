// Word boundaries and the copied text of a selection (see text_selection.hpp).
#include "client/text_selection.hpp"

#include <algorithm>
#include <cstdint>

namespace chat::web::markup {
namespace {

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/** The code point starting at `at` and its length in bytes (U+FFFD, 1 for a broken sequence). */
std::pair<std::uint32_t, std::size_t> decode(std::string_view s, std::size_t at) {
  const auto c = static_cast<unsigned char>(s[at]);
  const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || at + n > s.size()) return {0xFFFD, 1};
  std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t i = 1; i < n; ++i) {
    const auto d = static_cast<unsigned char>(s[at + i]);
    if (!continuation(d)) return {0xFFFD, 1};
    cp = (cp << 6) | (d & 0x3F);
  }
  return {cp, n};
}

enum class char_class { word, space, punct };

char_class classify(std::uint32_t cp) {
  if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) ||
      cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F) {
    return char_class::space;
  }
  if (cp < 0x80) {
    const bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
    return alnum ? char_class::word : char_class::punct;
  }
  // Punctuation and symbols outside ASCII that end a word: Latin-1's, general
  // punctuation (but the joiners ZWNJ/ZWJ, which belong to the emoji or word they join),
  // CJK punctuation, fullwidth ASCII punctuation, Arabic comma and full stop, Hebrew maqaf.
  const bool punct = (cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) || cp == 0xD7 || cp == 0xF7 ||
                     (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) || (cp >= 0x3001 && cp <= 0x3003) ||
                     (cp >= 0x3008 && cp <= 0x3011) || (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
                     cp == 0x060C || cp == 0x061F || cp == 0x06D4 || cp == 0x05BE;
  return punct ? char_class::punct : char_class::word;
}

}  // namespace

std::size_t utf8_floor(std::string_view body, std::size_t offset) {
  offset = std::min(offset, body.size());
  while (offset > 0 && offset < body.size() && continuation(static_cast<unsigned char>(body[offset]))) --offset;
  return offset;
}

byte_range word_at(std::string_view body, std::size_t offset) {
  const std::size_t at = utf8_floor(body, offset);
  if (at >= body.size()) return {body.size(), body.size()};
  const char_class k = classify(decode(body, at).first);
  std::size_t end = at + decode(body, at).second;
  if (k == char_class::punct) return {at, end};
  while (end < body.size()) {
    const auto [cp, n] = decode(body, end);
    if (classify(cp) != k) break;
    end += n;
  }
  std::size_t begin = at;
  while (begin > 0) {
    const std::size_t prev = utf8_floor(body, begin - 1);
    if (classify(decode(body, prev).first) != k) break;
    begin = prev;
  }
  return {begin, end};
}

std::string copy_text(std::string_view body, const document& doc, std::size_t begin, std::size_t end) {
  if (begin > end) std::swap(begin, end);
  begin = utf8_floor(body, begin);
  end = utf8_floor(body, end);
  // The first and last shown bytes: a range covering both is the whole message.
  std::size_t first = body.size(), last = 0;
  for (const block& b : doc.blocks) {
    for (const line& l : b.lines) {
      for (const run& r : l.runs) {
        if (r.end <= r.begin) continue;
        first = std::min(first, r.begin);
        last = std::max(last, r.end);
      }
    }
  }
  if (first < last && begin <= first && end >= last) return std::string(body);
  return std::string(body.substr(begin, end - begin));
}

}  // namespace chat::web::markup
