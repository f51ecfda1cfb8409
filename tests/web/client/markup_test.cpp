// Message markup: links, bold, italic, code, fenced blocks and quotes, and
// what stays text (unclosed markers, markers in code, javascript:, snake_case).
#include "client/markup.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace chat::web::markup;

namespace {

/** A compact picture of the parse: blocks split by " | " ("Q:" quote, "C:"
 *  code), lines by " / ", styled runs as {B:…} {I:…} {C:…} {L:…} (flags combine). */
std::string show(std::string_view text) {
  const document doc = parse(text);
  std::string out;
  for (const auto& b : doc.blocks) {
    if (!out.empty()) out += " | ";
    if (b.kind == block_kind::quote) out += "Q:";
    if (b.kind == block_kind::code) out += "C:";
    bool first = true;
    for (const auto& l : b.lines) {
      if (!first) out += " / ";
      first = false;
      for (const auto& r : l.runs) {
        REQUIRE(r.begin < r.end);
        REQUIRE(r.end <= text.size());
        const auto piece = std::string(text.substr(r.begin, r.end - r.begin));
        std::string flags;
        if (r.styles & bold) flags += 'B';
        if (r.styles & italic) flags += 'I';
        if (r.styles & code) flags += 'C';
        if (r.styles & style::link) flags += 'L';
        out += flags.empty() ? piece : "{" + flags + ":" + piece + "}";
      }
    }
  }
  return out;
}

std::vector<std::string> hrefs(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& b : parse(text).blocks)
    for (const auto& l : b.lines)
      for (const auto& r : l.runs)
        if (r.styles & style::link) out.push_back(r.href);
  return out;
}

}  // namespace

TEST_CASE("plain text is one run with the original offsets") {
  CHECK(show("hello there") == "hello there");
  const auto doc = parse("hello");
  REQUIRE(doc.blocks.size() == 1);
  CHECK(doc.blocks[0].lines[0].runs == std::vector<run>{run{0, 5, plain, {}}});
  CHECK(parse("").blocks.size() == 1);  // one empty line
}

TEST_CASE("bold, italic and code, alone and nested") {
  CHECK(show("a **b** c") == "a {B:b} c");
  CHECK(show("a _b_ c") == "a {I:b} c");
  CHECK(show("a `b` c") == "a {C:b} c");
  CHECK(show("**bold _both_ end**") == "{B:bold }{BI:both}{B: end}");
  CHECK(show("_it **both**_") == "{I:it }{BI:both}");
  CHECK(show("**`code` in bold**") == "{BC:code}{B: in bold}");
}

TEST_CASE("unclosed or empty markers are text") {
  CHECK(show("**not closed") == "**not closed");
  CHECK(show("_not closed") == "_not closed");
  CHECK(show("`not closed") == "`not closed");
  CHECK(show("****") == "****");
  CHECK(show("a ** b ** c") == "a ** b ** c");   // a space inside the markers
  CHECK(show("a _ b _ c") == "a _ b _ c");
  CHECK(show("2 * 3 * 4") == "2 * 3 * 4");
}

TEST_CASE("markers inside code are text, and code spans match their backtick count") {
  CHECK(show("`**not bold** _nor italic_`") == "{C:**not bold** _nor italic_}");
  CHECK(show("`https://example.com`") == "{C:https://example.com}");
  CHECK(show("``a ` b``") == "{C:a ` b}");
  CHECK(show("```inline```") == "{C:inline}");
  CHECK(show("**a `**` b**") == "{B:a }{BC:**}{B: b}");
}

TEST_CASE("underscores inside words are not italic") {
  CHECK(show("snake_case_name") == "snake_case_name");
  CHECK(show("call my_func_ now") == "call my_func_ now");
  CHECK(show("_a_b_") == "{I:a_b}");
  CHECK(show("x_日本_y") == "x_日本_y");
}

TEST_CASE("emoji and CJK inside bold and italic keep whole characters") {
  CHECK(show("**日本語もOK 👋**") == "{B:日本語もOK 👋}");
  CHECK(show("_👩‍💻 works_") == "{I:👩‍💻 works}");
  CHECK(show("前**太字**後") == "前{B:太字}後");
  const std::string text = "**עברית** _العربية_";
  const auto doc = parse(text);
  for (const auto& r : doc.blocks[0].lines[0].runs) {
    // Offsets never split a UTF-8 sequence.
    CHECK((static_cast<unsigned char>(text[r.begin]) & 0xC0) != 0x80);
    if (r.end < text.size()) CHECK((static_cast<unsigned char>(text[r.end]) & 0xC0) != 0x80);
  }
  CHECK(show(text) == "{B:עברית} {I:العربية}");
}

TEST_CASE("http, https and mailto URLs are links; nothing else is") {
  CHECK(show("see https://example.com/a?b=c#d now") == "see {L:https://example.com/a?b=c#d} now");
  CHECK(show("HTTP://EXAMPLE.COM") == "{L:HTTP://EXAMPLE.COM}");
  CHECK(show("mail mailto:amy@example.com") == "mail {L:mailto:amy@example.com}");
  CHECK(hrefs("go http://x.org/p") == std::vector<std::string>{"http://x.org/p"});
  CHECK(show("javascript:alert(1)") == "javascript:alert(1)");
  CHECK(show("data:text/html,<b>x</b>") == "data:text/html,<b>x</b>");
  CHECK(show("ftp://example.com www.example.com file:///etc/passwd") ==
        "ftp://example.com www.example.com file:///etc/passwd");
  CHECK(show("http:// https:///x mailto: mailto:@x") == "http:// https:///x mailto: mailto:@x");
  CHECK(show("xhttps://example.com") == "xhttps://example.com");
  CHECK(show("<b>not html</b>") == "<b>not html</b>");
}

TEST_CASE("trailing punctuation ends the sentence, not the URL") {
  CHECK(show("Look: https://example.com/a.") == "Look: {L:https://example.com/a}.");
  CHECK(show("https://example.com/a, and") == "{L:https://example.com/a}, and");
  CHECK(show("really https://example.com?!") == "really {L:https://example.com}?!");
  CHECK(show("'https://example.com'") == "'{L:https://example.com}'");
  CHECK(show("<https://example.com>") == "<{L:https://example.com}>");
  CHECK(show("\"https://example.com\"") == "\"{L:https://example.com}\"");
  CHECK(show("https://example.com/a.b/c") == "{L:https://example.com/a.b/c}");
}

TEST_CASE("parentheses belong to a URL only when they balance inside it") {
  CHECK(show("https://en.wikipedia.org/wiki/C_(language)") == "{L:https://en.wikipedia.org/wiki/C_(language)}");
  CHECK(show("(see https://example.com/x)") == "(see {L:https://example.com/x})");
  CHECK(show("(https://en.wikipedia.org/wiki/C_(language))") == "({L:https://en.wikipedia.org/wiki/C_(language)})");
  CHECK(show("https://example.com/a).") == "{L:https://example.com/a}).");
}

TEST_CASE("links inside formatting, and markers inside links") {
  CHECK(show("**https://example.com**") == "{BL:https://example.com}");
  CHECK(show("_see https://example.com/a_b_") == "{I:see }{IL:https://example.com/a_b}");
  CHECK(show("https://example.com/**x**") == "{L:https://example.com/**x}**");
  CHECK(hrefs("**https://example.com**") == std::vector<std::string>{"https://example.com"});
}

TEST_CASE("quote lines form a quote block with inline rules inside") {
  CHECK(show("> quoted **bold**\n>second\nafter") == "Q:quoted {B:bold} / second | after");
  CHECK(show("a > b") == "a > b");
  const std::string text = "> hi";
  const auto doc = parse(text);
  CHECK(doc.blocks[0].lines[0].begin == 0);
  CHECK(doc.blocks[0].lines[0].runs == std::vector<run>{run{2, 4, plain, {}}});
}

TEST_CASE("fenced code blocks keep their lines as code, markers and URLs untouched") {
  CHECK(show("before\n```cpp\nint **x** = 1;\nhttps://x.org _y_\n```\nafter") ==
        "before | C:{C:int **x** = 1;} / {C:https://x.org _y_} | after");
  CHECK(show("```\n\n  indented\n```") == "C: / {C:  indented}");
  CHECK(show("```\nnever closed\n> not a quote") == "C:{C:never closed} / {C:> not a quote}");
  CHECK(show("```\na\n```\n```\nb\n```") == "C:{C:a} | C:{C:b}");
}

TEST_CASE("lines keep their breaks and CRLF endings are not text") {
  CHECK(show("one\ntwo\n\nfour") == "one / two /  / four");
  CHECK(show("a\r\nb") == "a / b");
}
