// Message markup (see markup.hpp): lines, then fences and quotes, then the
// inline rules within each line. Code spans and links are atoms: no marker
// inside them counts, and a closing marker is looked for around them.
#include "client/markup.hpp"

#include <algorithm>
#include <cctype>

namespace chat::web::markup {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_ascii_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 && static_cast<unsigned char>(c) < 0x80; }
/** Letters and digits of any script (every non-ASCII byte counts), for the `_` rule. */
bool is_word(char c) { return is_ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80; }

bool starts_with_nocase(std::string_view s, std::size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[at + i])) != prefix[i]) return false;
  }
  return true;
}

std::size_t backticks_at(std::string_view s, std::size_t at, std::size_t end) {
  std::size_t n = 0;
  while (at + n < end && s[at + n] == '`') ++n;
  return n;
}

/** A code span starting at `at`: its full length, delimiters included, or 0. */
std::size_t code_span_length(std::string_view s, std::size_t at, std::size_t end) {
  const std::size_t n = backticks_at(s, at, end);
  if (n == 0) return 0;
  for (std::size_t j = at + n; j < end;) {
    const std::size_t m = backticks_at(s, j, end);
    if (m == 0) { ++j; continue; }
    if (m == n) return j > at + n ? j + m - at : 0;
    j += m;
  }
  return 0;
}

/** A link may start only where a word does not go on (so "xhttp://" is no link). */
bool link_may_start(std::string_view s, std::size_t at, std::size_t begin) {
  return at == begin || !is_ascii_alnum(s[at - 1]);
}

/** What a closing-marker search steps over whole: a code span or a link. */
std::size_t atom_length(std::string_view s, std::size_t at, std::size_t begin, std::size_t end) {
  if (s[at] == '`') return code_span_length(s, at, end);
  if (link_may_start(s, at, begin)) return link_length(s.substr(0, end), at);
  return 0;
}

class inline_parser {
 public:
  inline_parser(std::string_view text, std::vector<run>& out) : s_(text), out_(out) {}

  void parse(std::size_t begin, std::size_t end, unsigned styles) {
    std::size_t i = begin, text_from = begin;
    auto flush = [&](std::size_t upto) {
      if (upto > text_from) out_.push_back(run{text_from, upto, styles, {}});
    };
    while (i < end) {
      const char c = s_[i];
      if (c == '`') {
        const std::size_t len = code_span_length(s_, i, end);
        const std::size_t n = backticks_at(s_, i, end);
        if (len == 0) { i += n; continue; }
        flush(i);
        out_.push_back(run{i + n, i + len - n, styles | code, {}});
        i += len;
        text_from = i;
        continue;
      }
      if (link_may_start(s_, i, begin)) {
        if (const std::size_t len = link_length(s_.substr(0, end), i)) {
          flush(i);
          out_.push_back(run{i, i + len, styles | link, std::string(s_.substr(i, len))});
          i += len;
          text_from = i;
          continue;
        }
      }
      if (c == '*' && i + 2 < end && s_[i + 1] == '*' && !is_space(s_[i + 2]) && !(styles & bold)) {
        if (const std::size_t k = closer_bold(i + 3, begin, end)) {
          flush(i);
          parse(i + 2, k, styles | bold);
          i = k + 2;
          text_from = i;
          continue;
        }
        i += 2;
        continue;
      }
      if (c == '_' && !(styles & italic) && (i == begin || !is_word(s_[i - 1])) && i + 1 < end &&
          !is_space(s_[i + 1]) && s_[i + 1] != '_') {
        if (const std::size_t k = closer_italic(i + 2, begin, end)) {
          flush(i);
          parse(i + 1, k, styles | italic);
          i = k + 1;
          text_from = i;
          continue;
        }
      }
      ++i;
    }
    flush(end);
  }

 private:
  /** The "**" that closes a bold opened before `from`, or 0. */
  std::size_t closer_bold(std::size_t from, std::size_t begin, std::size_t end) const {
    for (std::size_t k = from; k + 1 < end;) {
      if (const std::size_t len = atom_length(s_, k, begin, end)) { k += len; continue; }
      if (s_[k] == '*' && s_[k + 1] == '*' && !is_space(s_[k - 1])) return k;
      ++k;
    }
    return 0;
  }
  /** The "_" that closes an italic (not followed by a letter: "snake_case" stays text), or 0. */
  std::size_t closer_italic(std::size_t from, std::size_t begin, std::size_t end) const {
    for (std::size_t k = from; k < end;) {
      if (const std::size_t len = atom_length(s_, k, begin, end)) { k += len; continue; }
      if (s_[k] == '_' && !is_space(s_[k - 1]) && (k + 1 == end || !is_word(s_[k + 1]))) return k;
      ++k;
    }
    return 0;
  }

  std::string_view s_;
  std::vector<run>& out_;
};

/** A fence line: up to three spaces, then three or more backticks and an info
 *  string without backticks (so "```x```" on one line is a code span). */
bool is_fence(std::string_view s, std::size_t begin, std::size_t end) {
  std::size_t i = begin;
  while (i < end && i - begin < 3 && s[i] == ' ') ++i;
  const std::size_t n = backticks_at(s, i, end);
  if (n < 3) return false;
  return s.substr(i + n, end - i - n).find('`') == std::string_view::npos;
}

void add_line(document& doc, block_kind kind, line l) {
  if (doc.blocks.empty() || doc.blocks.back().kind != kind) {
    doc.blocks.push_back(block{kind, {}});
  }
  doc.blocks.back().lines.push_back(std::move(l));
}

}  // namespace

std::size_t link_length(std::string_view s, std::size_t at) {
  std::size_t scheme = 0;
  const bool mail = starts_with_nocase(s, at, "mailto:");
  if (mail) scheme = 7;
  else if (starts_with_nocase(s, at, "https://")) scheme = 8;
  else if (starts_with_nocase(s, at, "http://")) scheme = 7;
  else return 0;

  std::size_t e = at + scheme;
  while (e < s.size() && !is_space(s[e]) && s[e] != '<' && s[e] != '>' && s[e] != '"' && s[e] != '`') ++e;
  // Trailing punctuation ends the sentence, not the URL; a ")" belongs to it
  // only when it closes a "(" inside it (https://en.wikipedia.org/wiki/C_(language)).
  while (e > at + scheme) {
    const char c = s[e - 1];
    if (std::string_view(".,:;!?*_~'").find(c) != std::string_view::npos) { --e; continue; }
    if (c == ')') {
      const auto url = s.substr(at, e - at);
      if (std::count(url.begin(), url.end(), '(') < std::count(url.begin(), url.end(), ')')) { --e; continue; }
    }
    break;
  }
  const auto rest = s.substr(at + scheme, e - at - scheme);
  if (rest.empty()) return 0;
  if (mail) {
    const auto atsign = rest.find('@');
    if (atsign == std::string_view::npos || atsign == 0 || atsign + 1 == rest.size()) return 0;
  } else if (!is_word(rest[0])) {
    return 0;  // "http://" or "https:///x": no host
  }
  return e - at;
}

document parse(std::string_view text) {
  document doc;
  std::size_t pos = 0;
  bool in_code = false;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::size_t end = nl;
    if (end > pos && text[end - 1] == '\r') --end;

    if (in_code) {
      if (is_fence(text, pos, end) && text.substr(pos, end - pos).find_first_not_of(" `") == std::string_view::npos) {
        in_code = false;
      } else {
        line l{pos, end, {}};
        if (end > pos) l.runs.push_back(run{pos, end, code, {}});
        add_line(doc, block_kind::code, std::move(l));
      }
    } else if (is_fence(text, pos, end)) {
      in_code = true;  // an unclosed fence runs to the end, as in CommonMark
      doc.blocks.push_back(block{block_kind::code, {}});
    } else {
      line l{pos, end, {}};
      block_kind kind = block_kind::paragraph;
      std::size_t from = pos;
      if (end > pos && text[pos] == '>') {
        kind = block_kind::quote;
        from = pos + 1;
        if (from < end && text[from] == ' ') ++from;
      }
      inline_parser(text, l.runs).parse(from, end, plain);
      add_line(doc, kind, std::move(l));
    }
    if (nl == text.size()) break;
    pos = nl + 1;
  }
  return doc;
}

}  // namespace chat::web::markup
