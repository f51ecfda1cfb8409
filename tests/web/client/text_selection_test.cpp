// Selection rules on message bodies: the word a double-click takes, and the
// original text a selected byte range puts on the clipboard.
#include "client/text_selection.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace chat::web::markup;

namespace {
std::string word(const std::string& body, std::size_t at) {
  const byte_range r = word_at(body, at);
  return body.substr(r.begin, r.end - r.begin);
}
std::string copied(const std::string& body, std::size_t begin, std::size_t end) { return copy_text(body, parse(body), begin, end); }
}  // namespace

TEST_CASE("a double-click takes the word under it, in any script") {
  const std::string body = "Hello, wörld_2 **bold** שלום עולם 你好。 👩‍💻x";
  CHECK(word(body, 0) == "Hello");
  CHECK(word(body, 4) == "Hello");
  CHECK(word(body, 5) == ",");
  CHECK(word(body, 6) == " ");
  CHECK(word(body, body.find("ö") + 1) == "wörld_2");  // the middle of a two-byte letter
  CHECK(word(body, body.find("bold") + 2) == "bold");  // markers are not part of the word
  CHECK(word(body, body.find("**")) == "*");
  CHECK(word(body, body.find("ש")) == "שלום");
  CHECK(word(body, body.find("עולם") + 3) == "עולם");
  CHECK(word(body, body.find("你")) == "你好");
  CHECK(word(body, body.find("。")) == "。");
  CHECK(word(body, body.find("💻")) == "👩‍💻x");  // the ZWJ sequence stays whole
  CHECK(word_at(body, body.size()).empty());
  CHECK(word_at("", 0).empty());
  CHECK(word("a  b", 2) == "  ");
}

TEST_CASE("the clipboard gets the original bytes of the range, markers inside it included") {
  const std::string body = "alpha **beta** gamma";
  CHECK(copied(body, 0, 5) == "alpha");
  CHECK(copied(body, 8, 12) == "beta");                  // inside the bold: no markers
  CHECK(copied(body, 12, 8) == "beta");                  // either order
  CHECK(copied(body, 0, 12) == "alpha **beta");          // the opening marker is inside the range
  CHECK(copied(body, 8, body.size()) == "beta** gamma");
  CHECK(copied(body, 3, 3).empty());
}

TEST_CASE("a range covering every shown byte copies the exact body") {
  CHECK(copied("**bold**", 2, 6) == "**bold**");
  CHECK(copied("> quote\n```\ncode\n```", 2, 16) == "> quote\n```\ncode\n```");
  const std::string emoji = "👨‍👩‍👧 _hi_";
  CHECK(copied(emoji, 0, emoji.size() - 1) == emoji);
  CHECK(copied(emoji, 0, 3) == "");  // inside the first code point: clamped to its start
}

TEST_CASE("range ends are clamped to the body and to UTF-8 boundaries") {
  const std::string body = "é日本 x";  // é: 2 bytes, 日 and 本: 3 each
  CHECK(copied(body, 1, 4) == "é");     // begin moves back to é's start, end back to 日's start
  CHECK(copied(body, 2, 100) == "日本 x");  // past the end: clamped
  CHECK(copied(body, 0, 100) == body);
  CHECK(copied(body, 2, 8) == "日本");
  CHECK(utf8_floor(body, 4) == 2);
  CHECK(utf8_floor(body, 999) == body.size());
}
