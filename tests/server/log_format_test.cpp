// Log lines: the text line is today's, byte for byte; a JSON line is one
// object that any JSON parser reads back, with the details' key=value words
// as fields; --log-format json makes every line the real server writes one.
#include "log_format.hpp"
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <regex>
#include <sstream>

using namespace chat::server;
using chat::test::child_process;
using chat::test::temp_dir;
using json = nlohmann::json;

namespace {

constexpr const char* stamp = "2024-11-28T09:30:00.123Z";

json json_line(std::string_view event, std::string_view details, std::string_view level = "info") {
  const std::string line = log::format_line(log::format::json, stamp, level, event, details);
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1);  // one line, whatever the details hold
  const auto j = json::parse(line, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

}  // namespace

TEST_CASE("the text format is the one the server has always written", "[log]") {
  CHECK(log::format_line(log::format::text, stamp, "warn", "login", "user=amy addr=127.0.0.1 result=throttled") ==
        "2024-11-28T09:30:00.123Z warn login user=amy addr=127.0.0.1 result=throttled\n");
  CHECK(log::format_line(log::format::text, stamp, "info", "stopped", "") == "2024-11-28T09:30:00.123Z info stopped\n");
}

TEST_CASE("a JSON line has the time, level and event, and each key=value as a string field", "[log]") {
  const auto j = json_line("disconnect", "user=amy addr=127.0.0.1 close=1000", "warn");
  CHECK(j == json{{"time", stamp}, {"level", "warn"}, {"event", "disconnect"}, {"user", "amy"},
                  {"addr", "127.0.0.1"}, {"close", "1000"}});
  // time, level and event first, then the fields in the order of the details
  CHECK(log::format_line(log::format::json, stamp, "info", "logout", "addr=::1 n=2") ==
        R"({"time":"2024-11-28T09:30:00.123Z","level":"info","event":"logout","addr":"::1","n":"2"})" "\n");
  CHECK(json_line("stopped", "") == json{{"time", stamp}, {"level", "info"}, {"event", "stopped"}});
}

TEST_CASE("words that are not key=value stay in details, in order", "[log]") {
  auto j = json_line("busy", "user=amy addr=::1 v=1 guest the store queue is full");
  CHECK(j.at("user") == "amy");
  CHECK(j.at("addr") == "::1");
  CHECK(j.at("v") == "1");
  CHECK(j.at("details") == "guest the store queue is full");
  j = json_line("logout", "closing 2 websocket(s) of the session");
  CHECK(j.at("details") == "closing 2 websocket(s) of the session");
  // Keys are lower-case words; a repeated key and the line's own keys stay in details.
  j = json_line("x", "Path=/a =b 9=c a=1 a=2 time=now level=x details=y");
  CHECK(j.at("a") == "1");
  CHECK(j.at("time") == stamp);
  CHECK(j.at("level") == "info");
  CHECK(j.at("details") == "Path=/a =b 9=c a=2 time=now level=x details=y");
  CHECK(json_line("x", "empty= b=2").at("empty") == "");
}

TEST_CASE("field quotes what is not a plain word, and JSON reads it back exactly", "[log]") {
  CHECK(log::field("db", "/var/lib/chatroom/chatroom.db") == "db=/var/lib/chatroom/chatroom.db");
  CHECK(log::field("db", "/srv/chat data/x.db") == R"(db="/srv/chat data/x.db")");
  CHECK(log::field("v", "") == R"(v="")");
  const std::string nasty = std::string("a \"b\" \\c\nd\te\x01\x7f") + "\xc3\xa9";
  const auto quoted = log::field("db", nasty);
  CHECK(quoted.find('\n') == std::string::npos);
  CHECK(quoted == "db=\"a \\\"b\\\" \\\\c\\nd\\te\\x01\\x7f\xc3\xa9\"");
  const auto j = json_line("start", "url=http://x " + quoted + " " + log::field("web_root", "/w w") + " threads=2");
  CHECK(j.at("url") == "http://x");
  CHECK(j.at("db") == nasty);
  CHECK(j.at("web_root") == "/w w");
  CHECK(j.at("threads") == "2");
  CHECK_FALSE(j.contains("details"));
  // A quote that does not close where the word ends is text.
  CHECK(json_line("x", R"(a="b c)").at("details") == R"(a="b c)");
  CHECK(json_line("x", R"(a="b"c d=1)").at("details") == R"(a="b"c)");
}

TEST_CASE("JSON lines escape control characters and survive invalid UTF-8", "[log]") {
  const std::string line = log::format_line(log::format::json, stamp, "error", "http",
                                            std::string("error=\x1b[31mred path=\xff\xfe x\ny"));
  CHECK(line.find('\x1b') == std::string::npos);
  CHECK(line.find('\n') == line.size() - 1);
  const auto j = json::parse(line);
  CHECK(j.at("error") == "\x1b[31mred");
  CHECK(j.at("path") == "\xef\xbf\xbd\xef\xbf\xbd");  // each invalid byte is U+FFFD
  CHECK(j.at("details") == "x\ny");
}

TEST_CASE("with --log-format json every line the server writes is a JSON object", "[log][process]") {
  temp_dir d;
  std::filesystem::create_directories(d / "web w");  // a path with a space: quoted in the start line
  const auto db = (d / "chat.db").string();
  child_process p({"--port", "0", "--db", db, "--web-root", (d / "web w").string(), "--log-format", "json"});
  const auto line = p.read_line();
  REQUIRE(line);
  const auto port = chat::test::port_of(*line);
  // A login, a refused login, a connection and its end, then a stop: lines with and without details.
  const auto token = chat::test::login(port, "user1", "user1");
  CHECK(chat::test::http(port, "POST", "/api/login", {}, R"({"username":"user2","password":"wrong"})").status == 401);
  {
    auto a = chat::test::join_v1(port, token);
    a.ws->close();
  }
  REQUIRE(chat::test::wait_for([&] { return p.stderr_text().find("disconnect") != std::string::npos; }));
  p.signal(SIGTERM);
  REQUIRE(p.wait() == 0);

  std::istringstream err(p.stderr_text());
  std::vector<json> lines;
  for (std::string l; std::getline(err, l);) {
    INFO(l);
    const auto j = json::parse(l, nullptr, false);
    REQUIRE(j.is_object());
    CHECK(std::regex_match(j.at("time").get<std::string>(),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    CHECK((j.at("level") == "info" || j.at("level") == "warn" || j.at("level") == "error"));
    lines.push_back(j);
  }
  const auto find = [&](const std::string& event, const std::string& key, const std::string& value) {
    for (const auto& j : lines) {
      if (j.at("event") == event && j.value(key, "") == value) return true;
    }
    return false;
  };
  CHECK(find("database", "level", "info"));
  CHECK(find("start", "db", db));
  CHECK(find("start", "web_root", (d / "web w").string()));
  CHECK(find("login", "result", "ok"));
  CHECK(find("login", "result", "bad_credentials"));
  CHECK(find("connect", "user", "user1"));
  CHECK(find("disconnect", "user", "user1"));
  CHECK(find("signal", "details", "SIGTERM"));
  CHECK(find("stopped", "level", "info"));
}
