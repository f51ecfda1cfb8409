// Frames of docs/protocol.md §4: every frame round-trips, every class of bad
// input becomes a protocol_error value, and the seed's plain-text rule holds.
#include <chat/limits.hpp>
#include <chat/protocol.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

using namespace chat;

namespace {

chat_message sample_message() {
  return chat_message{42, "eric", "hi \"there\" \\ <b>\n\u00e9\u03a9\u0416 \U0001F600", 1732752000123, "c-7f3a"};
}

user_profile sample_user() { return user_profile{7, "eric", "Eric", "Lin", "Eric Lin", "/avatars/eric.png", "Product Manager"}; }

template <class T>
T decode_server_as(const std::string& text) {
  auto r = decode_server(text);
  INFO(text);
  REQUIRE(r);
  REQUIRE(std::holds_alternative<T>(r.value()));
  return std::get<T>(r.value());
}

template <class T>
T decode_client_as(const std::string& text) {
  auto r = decode_client(text);
  INFO(text);
  REQUIRE(r);
  REQUIRE(std::holds_alternative<T>(r.value()));
  return std::get<T>(r.value());
}

std::string client_error(const std::string& text) {
  auto r = decode_client(text);
  INFO(text);
  REQUIRE_FALSE(r);
  CHECK_FALSE(r.error().message.empty());
  return r.error().code;
}

std::string server_error(const std::string& text) {
  auto r = decode_server(text);
  INFO(text);
  REQUIRE_FALSE(r);
  return r.error().code;
}

}  // namespace

TEST_CASE("message frames round-trip with the seed's field names", "[protocol]") {
  const chat_message m = sample_message();
  const std::string text = encode(m);
  CHECK(text.rfind(R"({"type":"message","id":42,"username":"eric","message":)", 0) == 0);
  CHECK(text.find(R"("time":1732752000123)") != std::string::npos);
  CHECK(text.find(R"("client_id":"c-7f3a")") != std::string::npos);
  CHECK(decode_server_as<chat_message>(text) == m);
}

TEST_CASE("a message without client_id omits the field", "[protocol]") {
  chat_message m = sample_message();
  m.client_id.clear();
  const std::string text = encode(m);
  CHECK(text.find("client_id") == std::string::npos);
  CHECK(decode_server_as<chat_message>(text) == m);
}

TEST_CASE("64-bit ids and times survive the JSON round trip", "[protocol]") {
  // 2^53 + 1 is not representable as a double: this fails if any step goes through one.
  for (std::int64_t big : {std::int64_t{9007199254740993}, std::numeric_limits<std::int64_t>::max()}) {
    chat_message m = sample_message();
    m.id = big;
    m.time = big - 1;
    const auto back = decode_server_as<chat_message>(encode(m));
    CHECK(back.id == big);
    CHECK(back.time == big - 1);
  }
  welcome_event w{sample_user(), {}, 9007199254740993};
  CHECK(decode_server_as<welcome_event>(encode(w)).last_id == 9007199254740993);
  history_request h{9007199254740993, 50};
  CHECK(decode_client_as<history_request>(encode(h)).before == 9007199254740993);
}

TEST_CASE("the seed server's flat message object decodes as a message", "[protocol]") {
  const auto m = decode_server_as<chat_message>(R"({"username":"user1","message":"hello","time":1507809721548})");
  CHECK(m.username == "user1");
  CHECK(m.message == "hello");
  CHECK(m.time == 1507809721548);
  CHECK(m.id == 0);
  CHECK(m.client_id.empty());
}

TEST_CASE("welcome, history, presence and error frames round-trip", "[protocol]") {
  welcome_event w{sample_user(), {"amy", "eric"}, 42};
  CHECK(decode_server_as<welcome_event>(encode(w)) == w);
  CHECK(encode(w).find(R"("jobTitle":"Product Manager")") != std::string::npos);

  history_event h{{sample_message(), chat_message{43, "amy", "yo", 1732752000999, ""}}, true, std::nullopt};
  CHECK(decode_server_as<history_event>(encode(h)) == h);
  history_event paged{{}, false, 17};
  CHECK(decode_server_as<history_event>(encode(paged)) == paged);
  history_event start{{}, false, 17, 12};  // history starts after id 12 (retention)
  CHECK(encode(start) == R"({"type":"history","messages":[],"limited":false,"before":17,"horizon":12})");
  CHECK(decode_server_as<history_event>(encode(start)) == start);

  for (auto ev : {presence_change::join, presence_change::leave}) {
    presence_event p{ev, "amy", {"amy", "eric"}};
    CHECK(decode_server_as<presence_event>(encode(p)) == p);
  }
  CHECK(encode(presence_event{presence_change::leave, "amy", {}}).find(R"("event":"leave")") != std::string::npos);

  error_event e{"too_long", "The message is longer than 4000 characters.", "c-1"};
  CHECK(decode_server_as<error_event>(encode(e)) == e);
  error_event bare{"rate_limited", "slow down", ""};
  CHECK(encode(bare).find("client_id") == std::string::npos);
  CHECK(decode_server_as<error_event>(encode(bare)) == bare);

  // The variant overload encodes like the concrete one.
  CHECK(encode(server_event{w}) == encode(w));
}

TEST_CASE("client frames round-trip", "[protocol]") {
  send_request s{"hello \u00e9", "c-7f3a:1", false};
  CHECK(encode(s) == R"({"type":"send","message":"hello é","client_id":"c-7f3a:1"})");
  CHECK(decode_client_as<send_request>(encode(s)) == s);

  send_request plain{"just text", "", true};
  CHECK(encode(plain) == "just text");
  CHECK(decode_client_as<send_request>(encode(plain)) == plain);

  history_request h{42, 50};
  CHECK(encode(h) == R"({"type":"history","before":42,"limit":50})");
  CHECK(decode_client_as<history_request>(encode(h)) == h);
  history_request latest{std::nullopt, 20};
  CHECK(decode_client_as<history_request>(encode(latest)) == latest);
  CHECK(encode(client_request{h}) == encode(h));
}

TEST_CASE("text that is not a JSON object with type is a message body (seed rule)", "[protocol]") {
  for (std::string text : {"hello", "", "   ", "42", "\"quoted\"", "[1,2]", "{\"message\":\"x\"}", "{not json",
                           "null", "{\"Type\":\"send\"}"}) {
    const auto f = decode_client_as<send_request>(text);
    CHECK(f.plain);
    CHECK(f.message == text);
    CHECK(f.client_id.empty());
  }
}

TEST_CASE("typed client frames with wrong types or missing fields are bad_request", "[protocol]") {
  for (std::string text : {
           R"({"type":1})",
           R"({"type":null})",
           R"({"type":"send"})",
           R"({"type":"send","message":5})",
           R"({"type":"send","message":["x"]})",
           R"({"type":"send","message":"x","client_id":7})",
           R"({"type":"send","message":"x","client_id":"has space"})",
           R"({"type":"send","message":"x","client_id":"<script>"})",
           R"({"type":"history","before":"42"})",
           R"({"type":"history","before":4.5})",
           R"({"type":"history","before":-1})",
           R"({"type":"history","before":0})",
           R"({"type":"history","limit":0})",
           R"({"type":"history","limit":-50})",
           R"({"type":"history","limit":true})",
           R"({"type":"teleport"})",
           R"({"type":""})",
       }) {
    CHECK(client_error(text) == "bad_request");
  }
  const std::string long_id(limits::max_client_id_bytes + 1, 'a');
  CHECK(client_error(R"({"type":"send","message":"x","client_id":")" + long_id + "\"}") == "bad_request");
  const std::string ok_id(limits::max_client_id_bytes, 'a');
  CHECK(decode_client_as<send_request>(R"({"type":"send","message":"x","client_id":")" + ok_id + "\"}").client_id ==
        ok_id);
}

TEST_CASE("huge and negative numbers are refused, not wrapped", "[protocol]") {
  CHECK(client_error(R"({"type":"history","before":9223372036854775808})") == "bad_request");   // INT64_MAX + 1
  CHECK(client_error(R"({"type":"history","before":18446744073709551616})") == "bad_request");  // > UINT64_MAX
  CHECK(client_error(R"({"type":"history","before":1e300})") == "bad_request");
  // Beyond double range the text is not JSON at all, so by the seed rule it is a message body.
  CHECK(decode_client_as<send_request>(R"({"type":"history","before":1e400})").plain);
  CHECK(client_error(R"({"type":"history","limit":-9223372036854775808})") == "bad_request");
  CHECK(decode_client_as<history_request>(R"({"type":"history","before":9223372036854775807})").before ==
        std::numeric_limits<std::int64_t>::max());
  CHECK(server_error(R"({"type":"message","id":-5,"username":"a","message":"b","time":1})") == "bad_request");
  CHECK(server_error(R"({"type":"message","id":1e30,"username":"a","message":"b","time":1})") == "bad_request");
  CHECK(server_error(R"({"type":"welcome","user":{"id":1,"username":"a"},"online":[],"last_id":-1})") ==
        "bad_request");
}

TEST_CASE("malformed server frames are protocol errors", "[protocol]") {
  for (std::string text : {
           "", "not json", "[]", "42", R"({"type":"nope"})", R"({"type":7})",
           R"({"type":"message","username":"a","message":"b"})",
           R"({"type":"message","username":"a","message":"b","time":"noon"})",
           R"({"type":"message","username":1,"message":"b","time":1})",
           R"({"type":"welcome","online":[],"last_id":1})",
           R"({"type":"welcome","user":{"id":"1","username":"a"},"online":[],"last_id":1})",
           R"({"type":"welcome","user":{"id":1,"username":"a"},"online":[1],"last_id":1})",
           R"({"type":"history","messages":{}})",
           R"({"type":"history","messages":[{"username":"a"}]})",
           R"({"type":"history","messages":[],"limited":"yes"})",
           R"({"type":"history","messages":[],"horizon":0})",
           R"({"type":"history","messages":[],"horizon":"12"})",
           R"({"type":"history","messages":[],"horizon":-3})",
           R"({"type":"presence","event":"wave","username":"a","online":[]})",
           R"({"type":"presence","event":"join","online":[]})",
           R"({"type":"error","message":"no code"})",
       }) {
    CHECK(server_error(text) == "bad_request");
  }
}

TEST_CASE("invalid UTF-8 is refused as invalid_utf8 in both directions", "[protocol]") {
  for (std::string bad : {std::string("\xff"), std::string("ab\xc3"), std::string("\xc0\xaf"),
                          std::string("\xed\xa0\x80"), std::string("{\"type\":\"send\",\"message\":\"\xfe\"}")}) {
    CHECK(client_error(bad) == "invalid_utf8");
    CHECK(server_error(bad) == "invalid_utf8");
  }
}

TEST_CASE("deep nesting is decoded without recursion and without crashing", "[protocol]") {
  const int depth = 60000;  // a 64 KiB frame's worth of brackets
  const std::string arrays = std::string(depth, '[') + std::string(depth, ']');
  CHECK(decode_client_as<send_request>(arrays).plain);
  CHECK(server_error(arrays) == "bad_request");

  std::string objects;
  for (int i = 0; i < depth / 6; ++i) objects += "{\"a\":";
  objects += "1";
  objects += std::string(depth / 6, '}');
  CHECK(decode_client_as<send_request>(objects).plain);  // an object, but without "type"

  // A typed frame whose body is a deep value: the deep part is dropped, so the field is missing.
  const std::string typed = R"({"type":"send","message":)" + arrays + "}";
  CHECK(client_error(typed) == "bad_request");
  // Unclosed nesting is simply not JSON.
  CHECK(decode_client_as<send_request>(std::string(depth, '{')).plain);
}

TEST_CASE("users and user lists encode with the API's field names", "[protocol]") {
  const user_profile u = sample_user();
  const std::string text = encode_user(u);
  CHECK(text == R"({"id":7,"username":"eric","firstname":"Eric","lastname":"Lin","name":"Eric Lin",)"
                R"("picurl":"/avatars/eric.png","jobTitle":"Product Manager"})");
  auto back = decode_user(text);
  REQUIRE(back);
  CHECK(back.value() == u);
  auto list = decode_users(encode_users({u, user_profile{8, "amy", "", "", "", "", ""}}));
  REQUIRE(list);
  REQUIRE(list.value().size() == 2);
  CHECK(list.value()[1].username == "amy");
  CHECK_FALSE(decode_users("{}"));
  CHECK_FALSE(decode_user(R"({"id":1})"));
}

TEST_CASE("control characters and quotes are escaped so a frame stays one JSON object", "[protocol]") {
  chat_message m = sample_message();
  m.message = std::string("a\"},{\"type\":\"welcome\"\x01\x1f\n\t") + "\u202e";
  const std::string text = encode(m);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.find('\x01') == std::string::npos);
  CHECK(decode_server_as<chat_message>(text).message == m.message);
}

TEST_CASE("decoding text known to be UTF-8 gives the same answers and UTF-8 strings", "[protocol]") {
  for (const std::string text : {R"({"type":"send","message":"caf\u00e9 \ud83d\ude00","client_id":"c1"})",
                                 R"({"type":"send","message":"nul \u0000 byte"})", R"({"type":"send","message":"\ud800"})",
                                 R"({"type":"history","before":3})", R"({"type":"bogus"})", "plain \xc3\xa9 text"}) {
    INFO(text);
    const auto valid = validate_utf8(text);
    REQUIRE(valid);
    const auto checked = decode_client(*valid);
    const auto unchecked = decode_client(text);
    REQUIRE(checked.ok() == unchecked.ok());
    if (!checked) {
      CHECK(checked.error().code == unchecked.error().code);
      continue;
    }
    CHECK(checked.value() == unchecked.value());
    if (const auto* send = std::get_if<send_request>(&checked.value())) CHECK(is_valid_utf8(send->message));
  }
  CHECK_FALSE(validate_utf8("caf\xc3"));
  CHECK(validate_utf8("caf\xc3\xa9")->text() == "caf\xc3\xa9");
}
