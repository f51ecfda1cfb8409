// Percent-decoding and query parameters of request targets, as the upgrade
// (?v=1, ?since=, ?username=) and the static files read them.
#include "http/url.hpp"

#include <catch2/catch.hpp>

using namespace chat::server;

TEST_CASE("percent escapes decode, bad ones are refused", "[url]") {
  CHECK(percent_decode("a%20b%2Fc", false) == std::string("a b/c"));
  CHECK(percent_decode("caf%C3%a9", false) == std::string("caf\xC3\xA9"));
  CHECK(percent_decode("a+b", false) == std::string("a+b"));
  CHECK(percent_decode("a+b", true) == std::string("a b"));
  CHECK(percent_decode("%2B", true) == std::string("+"));
  CHECK(percent_decode("raw|^ bytes\xff", false) == std::string("raw|^ bytes\xff"));
  CHECK(percent_decode("%00", false) == std::string(1, '\0'));
  for (const char* bad : {"%", "%2", "%zz", "a%g1", "%%", "abc%"}) {
    INFO(bad);
    CHECK_FALSE(percent_decode(bad, true));
  }
}

TEST_CASE("query parameters: decoded, the last of a repeated key counts", "[url]") {
  const std::string_view t = "/websocket/chatroom?v=1&username=Amy+R%C3%A9&since=42&flag&since=43#since=9";
  CHECK(query_param(t, "v") == std::string("1"));
  CHECK(query_param(t, "username") == std::string("Amy R\xC3\xA9"));
  CHECK(query_param(t, "since") == std::string("43"));
  CHECK(query_param(t, "flag") == std::string(""));
  CHECK_FALSE(query_param(t, "missing"));
  CHECK_FALSE(query_param("/websocket/chatroom", "v"));
  CHECK(query_param("/x?user%6Eame=a", "username") == std::string("a"));  // keys decode too
  CHECK_FALSE(query_param("/x?since=1&since=%zz", "since"));              // the last one is unreadable
  CHECK(query_param("/x?since=%zz&since=1", "since") == std::string("1"));
  CHECK(query_param("/x?a=1&&b=2", "b") == std::string("2"));
  CHECK(query_param("/x?a=b=c", "a") == std::string("b=c"));
  CHECK(target_path("/a/b?c#d") == "/a/b");
  CHECK(target_path("/a#b?c") == "/a");
}
