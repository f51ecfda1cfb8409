// Text selection in a message body, as bytes of the original text: the word
// around a byte (double-click), and what the clipboard gets for a byte range
// (docs/client.md, "Selecting and copying"). Plain C++, tested natively.
#pragma once

#include "client/markup.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace chat::web::markup {

/** A byte range [begin, end) of a body. */
struct byte_range {
  std::size_t begin = 0, end = 0;
  bool empty() const { return end <= begin; }
  friend bool operator==(const byte_range&, const byte_range&) = default;
};

/** `offset` moved back to the first byte of the UTF-8 sequence it is in (clamped to the body). */
std::size_t utf8_floor(std::string_view body, std::size_t offset);

/** The word holding the byte at `offset`, as a double-click selects it: a run of
 *  word characters (letters, digits, marks, '_', emoji and their joiners), or else
 *  the run of spaces or the single punctuation character there. Empty past the end. */
byte_range word_at(std::string_view body, std::size_t offset);

/** What the clipboard gets for the selection [begin, end) (either order): the original
 *  bytes of that range, ends moved to UTF-8 boundaries, markers inside it included;
 *  the whole body, markers and all, when the range covers every shown byte. */
std::string copy_text(std::string_view body, const document& doc, std::size_t begin, std::size_t end);

}  // namespace chat::web::markup
