// The session's incoming side without a socket: frames split across reads are
// kept until whole, frames read into an outside buffer are parsed there and
// only the unfinished rest is copied, parsing stops when the session says so,
// and a plain socket's idle input holds no buffer.
#include "ws/frame_input.hpp"

#include "raw_socket.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

using namespace chat::server;
using chat::test::long_frame_header;

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
  ws::frame_input in(1024, true);
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
  ws::frame_input in(1024, false);
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
  CHECK(in.room().second >= 1024);  // a new buffer only when asked for one (at most one frame: 1024 + 14)
}

TEST_CASE("parsing stops when the session says so and the rest is dropped", "[frame_input]") {
  ws::frame_input in(1024, true);
  int seen = 0;
  bool open = true;
  std::string three = text_frame("a") + text_frame("b") + text_frame("c");
  in.consume(three.data(), three.size(), [&](const ws::event&) { open = ++seen < 2; }, [&] { return open; });
  CHECK(seen == 2);
  CHECK(in.held() == 0);
}

TEST_CASE("bytes that came with the upgrade are parsed whole however many frames they hold", "[frame_input]") {
  // A session parses them as a read into an outside buffer: every whole frame
  // is an event and only the unfinished rest is kept (at most one frame).
  ws::frame_input in(16, false);
  std::string early;
  for (int k = 0; k < 10; ++k) early += text_frame("frame " + std::to_string(k));
  early += text_frame("the last").substr(0, 5);
  std::vector<std::string> texts;
  in.consume(early.data(), early.size(), [&](const ws::event& ev) { texts.emplace_back(ev.data); }, [] { return true; });
  REQUIRE(texts.size() == 10);
  CHECK(texts.back() == "frame 9");
  CHECK(in.held() == 5);
}

namespace {

/** The 8-byte header of a masked client text frame announcing `n` payload bytes (16-bit length form). */
std::string mid_header(std::uint16_t n) {
  std::string h;
  h.push_back('\x81');
  h.push_back('\xfe');
  h.push_back(static_cast<char>(n >> 8));
  h.push_back(static_cast<char>(n & 0xff));
  h.append("\x11\x22\x33\x44", 4);
  return h;
}

}  // namespace

TEST_CASE("a header announcing a big frame reserves only what arrived, growing with the bytes", "[frame_input]") {
  ws::partial_budget budget(1 << 30, 1 << 30);
  ws::frame_input in(64 * 1024, false);
  in.limit(budget, "127.0.0.2");
  auto none = [](const ws::event&) {};
  auto go = [] { return true; };
  std::string header = long_frame_header(64 * 1024);
  in.consume(header.data(), header.size(), none, go);
  CHECK(in.held() == 14);
  CHECK(in.charged() <= 14 + ws::frame_input::read_room);  // not the 64 KiB the header announced
  CHECK(budget.held_by("127.0.0.2") == in.charged());
  // One byte at a time: the buffer stays small.
  for (int i = 0; i < 100; ++i) read_into(in, "x");
  in.consume_held(none, go);
  CHECK(in.held() == 114);
  CHECK(in.charged() <= 114 + ws::frame_input::read_room);
  // As the payload arrives the buffer doubles, never past one whole frame.
  std::size_t grown = 0;
  while (in.held() < 64 * 1024) {
    auto [at, room] = in.room();
    const auto n = std::min(room, 64 * 1024 + 14 - in.held() - 1);
    std::memset(at, 'y', n);
    in.filled(n);
    grown = std::max(grown, in.charged());
    if (n == 0) break;
  }
  CHECK(grown <= ws::frame_input::max_frame_wire(64 * 1024));
  in.release();
  CHECK(budget.total() == 0);
}

TEST_CASE("the budget refuses growth past the per-address or the total cap, and frees on release", "[frame_input]") {
  ws::partial_budget budget(3 * 8192, 2 * 8192);
  auto none = [](const ws::event&) {};
  auto go = [] { return true; };
  auto start = [&](ws::frame_input& in, const char* address) {
    in.limit(budget, address);
    std::string head = mid_header(60000) + std::string(3000, 'z');
    in.consume(head.data(), head.size(), none, go);
    return !in.refused();
  };
  ws::frame_input a1(64 * 1024, false), a2(64 * 1024, false), a3(64 * 1024, false);
  CHECK(start(a1, "10.0.0.1"));
  CHECK(start(a2, "10.0.0.1"));
  CHECK_FALSE(start(a3, "10.0.0.1"));  // a third of about 7 KiB passes 16 KiB for the address
  CHECK(a3.held() == 0);
  CHECK(budget.held_by("10.0.0.1") == a1.charged() + a2.charged());
  ws::frame_input b1(64 * 1024, false), b2(64 * 1024, false), b3(64 * 1024, false);
  CHECK(start(b1, "10.0.0.2"));
  CHECK_FALSE(start(b2, "10.0.0.2"));  // the total (24 KiB) is reached first
  a1.release();
  CHECK(start(b3, "10.0.0.2"));  // what a1 held is free again
  // An IPv6 host is charged per /64.
  CHECK(chat::server::address_group("2001:db8:1:2:aaaa::1") == chat::server::address_group("2001:db8:1:2:bbbb::9"));
  CHECK(chat::server::address_group("2001:db8:1:2:aaaa::1") != chat::server::address_group("2001:db8:1:3::1"));
  CHECK(chat::server::address_group("127.0.0.2") == "127.0.0.2");
}

TEST_CASE("a fragmented message is held and charged until its final frame", "[frame_input]") {
  ws::partial_budget budget(1 << 30, 1 << 30);
  ws::frame_input in(64 * 1024, false);
  in.limit(budget, "127.0.0.2");
  std::vector<std::string> texts;
  auto on_event = [&](const ws::event& ev) {
    if (ev.what == ws::event::kind::text) texts.emplace_back(ev.data);
  };
  auto go = [] { return true; };
  std::string first = text_frame(std::string(100, 'a'));
  first[0] = '\x01';  // text, not final
  in.consume(first.data(), first.size(), on_event, go);
  CHECK(in.pending());
  CHECK(in.fragmented());
  CHECK(in.charged() >= 100);
  std::string last = text_frame("b");
  last[0] = '\x80';  // continuation, final
  in.consume(last.data(), last.size(), on_event, go);
  CHECK(texts == std::vector<std::string>{std::string(100, 'a') + "b"});
  CHECK_FALSE(in.pending());
  CHECK(in.charged() == 0);
}
