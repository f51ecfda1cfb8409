// Message-body and username rules: what the server refuses and the client warns about.
#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace chat;

namespace {
std::string repeat(const std::string& unit, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += unit;
  return s;
}
}  // namespace

TEST_CASE("UTF-8 validity", "[validation]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\u00e9\u03a9\u0416\u4e2d\U0001F600"));
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));                      // U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));                // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));                        // overlong NUL
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));                    // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));                    // UTF-16 surrogate
  CHECK_FALSE(is_valid_utf8("\x80"));                            // stray continuation
  CHECK_FALSE(is_valid_utf8("abc\xe2\x82"));                     // truncated at the end
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK(is_valid_utf8(std::string("nul\0inside", 10)));          // NUL is valid UTF-8
}

TEST_CASE("length counts code points, not bytes", "[validation]") {
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("\u00e9\u03a9\u0416") == 3);
  CHECK(utf8_length("\U0001F600\U0001F600") == 2);
}

TEST_CASE("trim removes ASCII and Unicode white space at both ends only", "[validation]") {
  CHECK(trim("  hi  ") == "hi");
  CHECK(trim("\t\r\n hi there \n") == "hi there");
  CHECK(trim("\u00a0\u3000hi\u2003\u200b") == "hi");
  CHECK(trim("a  b") == "a  b");
  CHECK(trim("   ").empty());
  CHECK(trim("").empty());
  CHECK(trim("\u00e9") == "\u00e9");
}

TEST_CASE("message bodies: 1..4000 characters after trimming", "[validation]") {
  REQUIRE(limits::max_message_chars == 4000);

  SECTION("4000 multibyte characters are accepted, 4001 are too long") {
    const std::string at_limit = repeat("\u0416", 4000);  // 2 bytes each
    const auto ok = check_message_body(at_limit);
    CHECK(ok.status == body_status::ok);
    CHECK(ok.chars == 4000);
    CHECK(check_message_body(repeat("\u0416", 4001)).status == body_status::too_long);
    CHECK(check_message_body(repeat("\U0001F600", 4000)).status == body_status::ok);   // 16000 bytes
    CHECK(check_message_body(repeat("\U0001F600", 4001)).status == body_status::too_long);
  }
  SECTION("white space around does not count") {
    const auto r = check_message_body("  " + repeat("x", 4000) + " \n");
    CHECK(r.status == body_status::ok);
    CHECK(r.text.size() == 4000);
  }
  SECTION("blank bodies are empty") {
    for (std::string blank : {"", " ", "\n\n\t", "\u3000\u00a0", "\u200b"}) {
      CHECK(check_message_body(blank).status == body_status::empty);
    }
  }
  SECTION("invalid UTF-8 is its own verdict") {
    CHECK(check_message_body("ok\xff").status == body_status::invalid_utf8);
  }
  SECTION("control characters and bidi overrides are kept verbatim") {
    const std::string text = "a\x01\u202e\u2066b";
    const auto r = check_message_body(text);
    CHECK(r.status == body_status::ok);
    CHECK(r.text == text);
  }
  CHECK(body_error_code(body_status::too_long) == "too_long");
  CHECK(body_error_code(body_status::empty) == "empty");
  CHECK_FALSE(body_error_text(body_status::too_long).empty());
}

TEST_CASE("usernames", "[validation]") {
  for (const char* ok : {"user1", "eric", "a", "first.last", "x_y-z", "A1"}) CHECK(is_valid_username(ok));
  for (const char* bad : {"", ".dot", "-dash", "has space", "semi;colon", "quote'", "\u00e9ric", "a/b"}) {
    CHECK_FALSE(is_valid_username(bad));
  }
  CHECK(is_valid_username(std::string(limits::max_username_bytes, 'a')));
  CHECK_FALSE(is_valid_username(std::string(limits::max_username_bytes + 1, 'a')));
}

TEST_CASE("a body known to be UTF-8 gets the same verdict without a second check", "[validation]") {
  for (const std::string& body : {std::string("  hi  "), std::string("   "), repeat("x", 4001), repeat("\u0416", 4000)}) {
    const auto valid = validate_utf8(body);
    REQUIRE(valid);
    const auto a = check_message_body(*valid);
    const auto b = check_message_body(std::string_view(body));
    CHECK(a.status == b.status);
    CHECK(a.text == b.text);
    CHECK(a.chars == b.chars);
  }
  CHECK(check_message_body(std::string_view("caf\xc3")).status == body_status::invalid_utf8);
}

TEST_CASE("room names and topics: any script, trimmed, bounded, no control characters", "[validation]") {
  for (const char* ok : {"Chat Room", "general", "\u958b\u767a\u30c1\u30fc\u30e0", "caf\u00e9 \U0001F600"}) {
    const auto r = check_room_name(ok);
    CHECK(r.status == room_text_status::ok);
    CHECK(r.text == ok);
  }
  CHECK(check_room_name("  team  ").text == "team");
  CHECK(check_room_name(" \u3000 ").status == room_text_status::empty);
  CHECK(check_room_name("").status == room_text_status::empty);
  CHECK(check_room_name(repeat("\u0416", limits::max_room_name_chars)).status == room_text_status::ok);
  CHECK(check_room_name(repeat("x", limits::max_room_name_chars + 1)).status == room_text_status::too_long);
  CHECK(check_room_name("caf\xc3").status == room_text_status::invalid_utf8);
  for (const char* bad : {"two\nlines", "tab\there", "bell\x07", "del\x7f", "c1\u0085x"}) {
    CHECK(check_room_name(bad).status == room_text_status::control_char);
  }
  CHECK(check_room_topic("").status == room_text_status::ok);
  CHECK(check_room_topic(repeat("t", limits::max_room_topic_chars)).status == room_text_status::ok);
  CHECK(check_room_topic(repeat("t", limits::max_room_topic_chars + 1)).status == room_text_status::too_long);
  CHECK(check_room_topic("a\nb").status == room_text_status::control_char);
}
