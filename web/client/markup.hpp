// The light formatting of message bodies, as in Slack and Mattermost: links
// (http, https and mailto only), **bold**, _italic_, `code`, fenced ``` code
// blocks and "> " quote lines. Nothing else is interpreted (no HTML, no
// images). Plain C++: the list draws what this returns, the tests check it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web::markup {

/** Style flags of a run; they combine (bold | italic | link). */
enum style : unsigned { plain = 0, bold = 1u << 0, italic = 1u << 1, code = 1u << 2, link = 1u << 3 };

/** Shown text: the bytes [begin, end) of the original body, markers left out. */
struct run {
  std::size_t begin = 0, end = 0;
  unsigned styles = plain;
  std::string href;  ///< the link's target (the URL as written) when styles & link
  friend bool operator==(const run&, const run&) = default;
};

/** One source line: its runs in order (empty for a blank line). */
struct line {
  std::size_t begin = 0, end = 0;  ///< the whole source line, markers included, no '\n'
  std::vector<run> runs;
};

enum class block_kind { paragraph, quote, code };

/** Consecutive lines of one kind: a paragraph, a quote (its "> " left out) or a
 *  fenced code block (its fences left out; each line one code run). */
struct block {
  block_kind kind = block_kind::paragraph;
  std::vector<line> lines;
};

/** The formatted body. Every run's offsets index the text it was parsed from,
 *  so a selection maps back to the original text for copying. */
struct document {
  std::vector<block> blocks;
};

/** Parses a message body. Never fails: what is not markup is text. */
document parse(std::string_view text);

/** The link a URL starting at `text[at]` makes, or 0: its length after the
 *  trailing-punctuation rules (only http://, https:// and mailto:). */
std::size_t link_length(std::string_view text, std::size_t at);

}  // namespace chat::web::markup
