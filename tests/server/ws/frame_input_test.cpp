// The session's incoming side without a socket: frames split across reads are
// kept until whole, frames read into an outside buffer are parsed there and
// only the unfinished rest is copied, parsing stops when the session says so,
// and a plain socket's idle input holds no buffer.
#include "ws/frame_input.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace chat::server;

namespace {

/** A masked client text frame (short form). */
std::string text_frame(const std::string& payload) {
  const char key[4] = {'\x11', '\x22', '\x33', '\x44'};
  std::string f;
  f.push_back('\x81');
  f.push_back(static_cast<char>(0x80 | payload.size()));
  f.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
  return f;
}

/** Copies `bytes` into the input's room, as a read would. */
void read_into(ws::frame_input& in, const std::string& bytes) {
  auto [at, room] = in.room();
  REQUIRE(room >= bytes.size());
  std::memcpy(at, bytes.data(), bytes.size());
  in.filled(bytes.size());
}

}  // namespace

TEST_CASE("a frame split across reads is kept until whole, then handed out once", "[frame_input]") {
  ws::frame_input in(1024, 64 * 1024, true);
  std::vector<std::string> texts;
  auto on_event = [&](const ws::event& ev) {
    if (ev.what == ws::event::kind::text) texts.emplace_back(ev.data);
  };
  auto go = [] { return true; };
  const auto both = text_frame("hello") + text_frame("world");
  read_into(in, both.substr(0, 8));
  in.consume_held(on_event, go);
  CHECK(texts.empty());
  CHECK(in.held() == 8);
  read_into(in, both.substr(8));
  in.consume_held(on_event, go);
  CHECK(texts == std::vector<std::string>{"hello", "world"});
  CHECK(in.held() == 0);
}

TEST_CASE("bytes read outside are parsed in place, only the unfinished rest is kept", "[frame_input]") {
  ws::frame_input in(1024, 64 * 1024, false);
  std::vector<std::string> texts;
  auto on_event = [&](const ws::event& ev) {
    if (ev.what == ws::event::kind::text) texts.emplace_back(ev.data);
  };
  auto go = [] { return true; };
  std::string outside = text_frame("one") + text_frame("two").substr(0, 4);
  in.consume(outside.data(), outside.size(), on_event, go);
  CHECK(texts == std::vector<std::string>{"one"});
  CHECK(in.held() == 4);
  read_into(in, text_frame("two").substr(4));
  in.consume_held(on_event, go);
  CHECK(texts == std::vector<std::string>{"one", "two"});
  CHECK(in.held() == 0);
  CHECK(in.room().second >= 4096);  // a new buffer only when asked for one
}

TEST_CASE("parsing stops when the session says so and the rest is dropped", "[frame_input]") {
  ws::frame_input in(1024, 64 * 1024, true);
  int seen = 0;
  bool open = true;
  in.hold(text_frame("a") + text_frame("b") + text_frame("c"));
  in.consume_held([&](const ws::event&) { open = ++seen < 2; }, [&] { return open; });
  CHECK(seen == 2);
  CHECK(in.held() == 0);
}
