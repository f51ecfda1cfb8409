// What the text path and the screen-reader mirror need from a parsed body
// (client/markup.hpp): the styled runs the browser lays out, the run under a
// byte offset (for links under the pointer) and the body as text and links.
// Plain C++, tested natively.
#pragma once

#include "client/markup.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web::markup {

/** The paragraphs web/js/text.js lays out (docs/client.md, "Formatting"), as JSON:
 *  {"p":[{"k":kind,"r":[[text,styles,byte begin],...]},...]}, one paragraph per shown
 *  line (kind 0 paragraph, 1 quote, 2 code), markers left out, every run with the
 *  byte offset in `body` where its text starts. */
std::string layout_spec(std::string_view body, const document& doc);

/** The run whose shown bytes hold `offset` of the body, or nullptr (markers, line breaks). */
const run* run_at(const document& doc, std::size_t offset);

/** A piece of shown text, a link when `href` is set. */
struct span {
  std::string text, href;
  friend bool operator==(const span&, const span&) = default;
};
/** The shown text (markers left out, lines joined by '\n') cut into text and links, in order. */
std::vector<span> link_spans(std::string_view body, const document& doc);

/** Only http, https and mailto links open (checked again where a link is opened). */
bool allowed_href(std::string_view href);

}  // namespace chat::web::markup
