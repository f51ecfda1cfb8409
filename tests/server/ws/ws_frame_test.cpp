// The WebSocket framing of ws_frame without sockets: server frame headers in
// their three length forms, the handshake's accept key, and the reader of
// client frames (masking, lengths, fragmentation with control frames between
// the fragments, the size limit, UTF-8, close frames, and input that arrives
// a byte at a time).
#include "ws/ws_frame.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace chat::server;
using ws::event;
using kind = ws::event::kind;

namespace {

constexpr char default_key[4] = {'\x37', '\xfa', '\x21', '\x3d'};

/** A client frame: masked with `key` unless `masked` is false; `length_bytes`
 *  forces the 7-bit (0), 16-bit (2) or 64-bit (8) length form. */
std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true, bool masked = true,
                         int length_bytes = -1, const char* key = default_key) {
  std::string f;
  f.push_back(static_cast<char>((fin ? 0x80 : 0) | opcode));
  const std::uint64_t n = payload.size();
  if (length_bytes < 0) length_bytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const char mask_bit = masked ? '\x80' : 0;
  if (length_bytes == 0) {
    f.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
  } else {
    f.push_back(static_cast<char>(mask_bit | (length_bytes == 2 ? 126 : 127)));
    for (int i = length_bytes - 1; i >= 0; --i) f.push_back(static_cast<char>(n >> (8 * i)));
  }
  if (masked) f.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    f.push_back(masked ? static_cast<char>(payload[i] ^ key[i & 3]) : payload[i]);
  }
  return f;
}

/** What the reader made of a byte stream, one entry per event (need_more excluded). */
struct parsed {
  std::vector<kind> kinds;
  std::vector<std::string> data;  ///< text, ping/pong payloads, close reasons
  std::uint16_t code = 0;         ///< of the last close or fail
  std::size_t consumed = 0;
};

/** Feeds `bytes` to a reader `step` bytes at a time (0: all at once), keeping
 *  the unconsumed rest as a session does, until it fails or runs dry. */
parsed read_all(const std::string& bytes, std::size_t max = 1 << 20, std::size_t step = 0) {
  ws::frame_reader reader(max);
  parsed out;
  std::string buffer;
  std::size_t fed = 0;
  for (;;) {
    const std::size_t more = step == 0 ? bytes.size() - fed : std::min(step, bytes.size() - fed);
    buffer.append(bytes, fed, more);
    fed += more;
    for (;;) {
      event ev;
      const std::size_t used = reader.next(buffer.data(), buffer.size(), ev);
      if (ev.what == kind::need_more) break;
      out.kinds.push_back(ev.what);
      out.data.emplace_back(ev.data);
      if (ev.what == kind::close || ev.what == kind::fail) out.code = ev.code;
      if (ev.what == kind::fail) return out;
      buffer.erase(0, used);
      out.consumed += used;
    }
    if (fed == bytes.size()) return out;
  }
}

std::uint16_t fail_code(const std::string& bytes, std::size_t max = 1 << 20) {
  const auto p = read_all(bytes, max);
  return !p.kinds.empty() && p.kinds.back() == kind::fail ? p.code : 0;
}

}  // namespace

TEST_CASE("server frame headers use the 7-, 16- and 64-bit length forms at their bounds", "[ws_frame]") {
  struct sample {
    std::size_t n;
    std::string header;
  };
  const std::vector<sample> samples = {
      {0, std::string("\x81\x00", 2)},
      {125, "\x81\x7d"},
      {126, std::string("\x81\x7e\x00\x7e", 4)},
      {65535, "\x81\x7e\xff\xff"},
      {65536, std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10)},
      {1u << 24, std::string("\x81\x7f\x00\x00\x00\x00\x01\x00\x00\x00", 10)},
  };
  for (const auto& s : samples) {
    INFO(s.n);
    CHECK(ws::header_size(s.n) == s.header.size());
    char out[10];
    REQUIRE(ws::write_header(out, ws::opcode::text, s.n) == s.header.size());
    CHECK(std::string(out, s.header.size()) == s.header);
  }
  std::string frame = "x";
  ws::append_frame(frame, ws::opcode::ping, "hi");
  CHECK(frame == std::string("x\x89\x02hi"));

  const auto w = ws::make_wire(ws::opcode::text, std::string(300, 'a'));
  CHECK(w->frames == 1);
  CHECK(w->bytes.size() == 304);
  CHECK(w->bytes.substr(0, 4) == std::string("\x81\x7e\x01\x2c", 4));
}

TEST_CASE("close frames carry the code and a reason cut on a UTF-8 boundary", "[ws_frame]") {
  const auto c = ws::make_close(1013, "later");
  CHECK(c->bytes == std::string("\x88\x07\x03\xf5later", 9));

  std::string reason(120, 'a');
  reason += "\xc3\xa9\xc3\xa9";  // é é: the 123-byte cut would split the second one
  const auto cut = ws::make_close(1001, reason);
  const std::size_t payload = static_cast<unsigned char>(cut->bytes[1]);
  CHECK(payload <= 125);
  CHECK(payload == 2 + 122);  // 120 'a' and one é
  CHECK(cut->bytes.substr(4) == std::string(120, 'a') + "\xc3\xa9");
}

TEST_CASE("the handshake key is checked and answered as RFC 6455 says", "[ws_frame]") {
  CHECK(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(ws::valid_key("dGhlIHNhbXBsZSBub25jZQ=="));
  CHECK_FALSE(ws::valid_key(""));
  CHECK_FALSE(ws::valid_key("dGhlIHNhbXBsZSBub25jZQ"));      // no padding
  CHECK_FALSE(ws::valid_key("dGhlIHNhbXBsZSBub25jZQ==x"));   // too long
  CHECK_FALSE(ws::valid_key("dGhlIHNhbXBsZSBub25j*Q=="));    // not base64
}

TEST_CASE("masked text frames of 7-, 16- and 64-bit lengths are unmasked", "[ws_frame]") {
  // RFC 6455 §5.7: a masked "Hello".
  const std::string hello("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  auto p = read_all(hello);
  REQUIRE(p.kinds == std::vector<kind>{kind::text});
  CHECK(p.data[0] == "Hello");
  CHECK(p.consumed == hello.size());

  for (const std::size_t n : {std::size_t{0}, std::size_t{125}, std::size_t{126}, std::size_t{65535},
                              std::size_t{65536}, std::size_t{70001}}) {
    INFO(n);
    std::string body;
    for (std::size_t i = 0; i < n; ++i) body.push_back(static_cast<char>('a' + i % 26));
    const auto frame = client_frame(0x1, body);
    CHECK(frame.size() == n + 4 + (n < 126 ? 2 : n < 65536 ? 4 : 10));
    p = read_all(frame);
    REQUIRE(p.kinds == std::vector<kind>{kind::text});
    CHECK(p.data[0] == body);
  }
}

TEST_CASE("frames arriving a byte at a time give the same events, and wanted() sizes the buffer", "[ws_frame]") {
  std::string stream = client_frame(0x1, "first") + client_frame(0x9, "ping!") + client_frame(0x1, std::string(300, 'x')) +
                       client_frame(0xA, "") + client_frame(0x1, "caf\xc3\xa9", false) + client_frame(0x0, "!") +
                       client_frame(0x8, "\x03\xe8" "bye");
  const auto whole = read_all(stream);
  for (const std::size_t step : {1, 2, 3, 7, 100}) {
    INFO(step);
    const auto bytewise = read_all(stream, 1 << 20, step);
    CHECK(bytewise.kinds == whole.kinds);
    CHECK(bytewise.data == whole.data);
    CHECK(bytewise.code == whole.code);
  }
  CHECK(whole.kinds == std::vector<kind>{kind::text, kind::ping, kind::text, kind::pong, kind::nothing, kind::text,
                                         kind::close});
  CHECK(whole.data[0] == "first");
  CHECK(whole.data[1] == "ping!");
  CHECK(whole.data[2] == std::string(300, 'x'));
  CHECK(whole.data[5] == "caf\xc3\xa9!");
  CHECK(whole.data[6] == "bye");
  CHECK(whole.code == 1000);

  // A partial frame consumes nothing; once its header is in, wanted() is its whole size.
  ws::frame_reader reader(1 << 20);
  auto frame = client_frame(0x1, std::string(1000, 'y'));
  event ev;
  CHECK(reader.next(frame.data(), 1, ev) == 0);
  CHECK(ev.what == kind::need_more);
  CHECK(reader.next(frame.data(), 8, ev) == 0);
  CHECK(ev.what == kind::need_more);
  CHECK(reader.wanted() == frame.size());
  CHECK(reader.next(frame.data(), frame.size(), ev) == frame.size());
  CHECK(ev.what == kind::text);
}

TEST_CASE("fragmented text is joined across fragments, with control frames between them", "[ws_frame]") {
  // "é" and "€" split between fragments; a ping and a pong in the middle.
  const std::string stream = client_frame(0x1, "a\xc3", false) + client_frame(0x9, "p") +
                             client_frame(0x0, "\xa9 \xe2\x82", false) + client_frame(0xA, "q") +
                             client_frame(0x0, "\xac z", true);
  const auto p = read_all(stream);
  CHECK(p.kinds == std::vector<kind>{kind::nothing, kind::ping, kind::nothing, kind::pong, kind::text});
  CHECK(p.data[1] == "p");
  CHECK(p.data[4] == "a\xc3\xa9 \xe2\x82\xac z");

  // The reader is ready for the next message afterwards.
  const auto again = read_all(stream + client_frame(0x1, "next"));
  REQUIRE(again.kinds.size() == 6);
  CHECK(again.kinds.back() == kind::text);
  CHECK(again.data.back() == "next");
}

TEST_CASE("protocol errors fail with 1002", "[ws_frame]") {
  CHECK(fail_code(client_frame(0x1, "plain", true, false)) == 1002);           // unmasked
  CHECK(fail_code("\xc1\x80" + std::string(4, 'k')) == 1002);                  // RSV1 without an extension
  CHECK(fail_code(client_frame(0x3, "x")) == 1002);                            // reserved data opcode
  CHECK(fail_code(client_frame(0xB, "x")) == 1002);                            // reserved control opcode
  CHECK(fail_code(client_frame(0x0, "x")) == 1002);                            // continuation without a message
  CHECK(fail_code(client_frame(0x9, "x", false)) == 1002);                     // fragmented control frame
  CHECK(fail_code(client_frame(0x9, std::string(126, 'x'))) == 1002);          // control frame over 125 bytes
  CHECK(fail_code(client_frame(0x1, "a", false) + client_frame(0x1, "b")) == 1002);  // new message inside one
  CHECK(fail_code(client_frame(0x1, "short", true, true, 2)) == 1002);         // 16-bit form for 5 bytes
  CHECK(fail_code(client_frame(0x1, std::string(300, 's'), true, true, 8)) == 1002);  // 64-bit form for 300
  std::string huge("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x00kkkk", 14);        // length with the top bit set
  CHECK(fail_code(huge) == 1002);
  CHECK(fail_code(client_frame(0x8, "\x03")) == 1002);                         // close payload of one byte
  CHECK(fail_code(client_frame(0x8, "\x03\xed")) == 1002);                     // close code 1005 is not sendable
  CHECK(fail_code(client_frame(0x8, "\x03\xe7")) == 1002);                     // 999
  CHECK(fail_code(client_frame(0x8, "\x13\x88")) == 1002);                     // 5000

  // After a failure every call fails again with the first code.
  ws::frame_reader reader(1024);
  auto bad = client_frame(0x1, "x", true, false);
  event ev;
  CHECK(reader.next(bad.data(), bad.size(), ev) == 0);
  CHECK(ev.what == kind::fail);
  auto good = client_frame(0x1, "fine");
  CHECK(reader.next(good.data(), good.size(), ev) == 0);
  CHECK(ev.what == kind::fail);
  CHECK(ev.code == 1002);
}

TEST_CASE("a message over the limit fails with 1009 as soon as its length is known", "[ws_frame]") {
  constexpr std::size_t max = 64 * 1024;
  CHECK(read_all(client_frame(0x1, std::string(max, 'm')), max).kinds == std::vector<kind>{kind::text});
  CHECK(fail_code(client_frame(0x1, std::string(max + 1, 'm')), max) == 1009);
  // Only the header has arrived: the size is refused before the payload is read.
  const auto header_only = client_frame(0x1, std::string(max + 1, 'm')).substr(0, 14);
  CHECK(fail_code(header_only, max) == 1009);
  // Fragments that together pass the limit.
  const std::string fragments = client_frame(0x1, std::string(max / 2, 'a'), false) +
                                client_frame(0x0, std::string(max / 2, 'b'), false) + client_frame(0x0, "c");
  CHECK(fail_code(fragments, max) == 1009);
  // So do binary ones, although their payload is never kept.
  CHECK(fail_code(client_frame(0x2, std::string(max, 'a'), false) + client_frame(0x0, "b"), max) == 1009);
  // Control frames are not messages: a ping in between does not count.
  const std::string with_ping = client_frame(0x1, std::string(max - 1, 'a'), false) + client_frame(0x9, "ping") +
                                client_frame(0x0, "z");
  const auto p = read_all(with_ping, max);
  REQUIRE(p.kinds == std::vector<kind>{kind::nothing, kind::ping, kind::text});
  CHECK(p.data[2].size() == max);
}

TEST_CASE("text that is not UTF-8 fails with 1007, in one frame or across fragments", "[ws_frame]") {
  CHECK(fail_code(client_frame(0x1, "caf\xc3 \xff\xfe")) == 1007);
  CHECK(fail_code(client_frame(0x1, "\xc0\xaf")) == 1007);               // overlong '/'
  CHECK(fail_code(client_frame(0x1, "\xe0\x80\xaf")) == 1007);           // overlong, three bytes
  CHECK(fail_code(client_frame(0x1, "\xed\xa0\x80")) == 1007);           // a surrogate
  CHECK(fail_code(client_frame(0x1, "\xf4\x90\x80\x80")) == 1007);       // above U+10FFFF
  CHECK(fail_code(client_frame(0x1, "ends in the middle \xe2\x82")) == 1007);
  CHECK(fail_code(client_frame(0x1, "a\xe2", false) + client_frame(0x0, "\x28\xa1")) == 1007);
  CHECK(fail_code(client_frame(0x1, "a\xe2\x82", false) + client_frame(0x0, "")) == 1007);  // unfinished at the end
  CHECK(fail_code(client_frame(0x8, "\x03\xe8\xff")) == 1007);            // a close reason too

  const auto ok = read_all(client_frame(0x1, "\xf0\x9f\x98\x80 \xe4\xb8\xad \xed\x9f\xbf \xf4\x8f\xbf\xbf"));
  REQUIRE(ok.kinds == std::vector<kind>{kind::text});
}

TEST_CASE("invalid UTF-8 fails at its first invalid byte, before its frame is whole (fail fast)", "[ws_frame]") {
  // Autobahn 6.4.3/6.4.4: valid text, then a byte that cannot be UTF-8, and the
  // rest of the frame never comes. Fed byte by byte, the reader fails on the
  // first invalid byte; before it, it only waits.
  const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
  for (const std::string& text : {kosme + "\xf4\x90\x80\x80" + "edited", std::string(300, 'a') + "\xed\xa0\x80 rest"}) {
    const auto frame = client_frame(0x1, text);
    const std::size_t header = frame.size() - text.size();
    const std::size_t bad = text.find_first_of(text.size() > 100 ? "\xa0" : "\x90");  // the first byte that cannot follow
    ws::frame_reader reader(1 << 20);
    std::string buffer;
    for (std::size_t i = 0; i < frame.size(); ++i) {
      buffer.push_back(frame[i]);
      event ev;
      const std::size_t used = reader.next(buffer.data(), buffer.size(), ev);
      CHECK(used == 0);
      if (i < header + bad) {
        REQUIRE(ev.what == kind::need_more);
        continue;
      }
      CHECK(i == header + bad);
      CHECK(ev.what == kind::fail);
      CHECK(ev.code == 1007);
      break;
    }
  }
  // Across fragments too: the continuation's invalid byte fails it while it arrives.
  const auto first = client_frame(0x1, "caf", false);
  auto stream = first + client_frame(0x0, "\xc3\x28 and more that never arrives");
  ws::frame_reader reader(1 << 20);
  event ev;
  CHECK(reader.next(stream.data(), first.size(), ev) == first.size());
  CHECK(ev.what == kind::nothing);
  const std::size_t partial = first.size() + 2 + 4 + 2;  // header, key, "\xc3\x28"
  CHECK(reader.next(stream.data() + first.size(), partial - first.size(), ev) == 0);
  CHECK(ev.what == kind::fail);
  CHECK(ev.code == 1007);
  // Valid text split anywhere still arrives whole and unchanged.
  const std::string valid = std::string(200, 'b') + kosme + "\xf0\x9f\x98\x80";
  for (const std::size_t step : {1, 3, 5, 64}) {
    const auto p = read_all(client_frame(0x1, valid), 1 << 20, step);
    REQUIRE(p.kinds == std::vector<kind>{kind::text});
    CHECK(p.data[0] == valid);
  }
}

TEST_CASE("binary messages are reported once and their fragments are skipped", "[ws_frame]") {
  const auto p = read_all(client_frame(0x2, "\x01\x02", false) + client_frame(0x0, "\x03", false) +
                          client_frame(0x0, "\x04") + client_frame(0x1, "after"));
  CHECK(p.kinds == std::vector<kind>{kind::binary, kind::nothing, kind::nothing, kind::text});
  CHECK(p.data.back() == "after");
}

TEST_CASE("close frames give the peer's code and reason, or 1005 without a code", "[ws_frame]") {
  auto p = read_all(client_frame(0x8, ""));
  REQUIRE(p.kinds == std::vector<kind>{kind::close});
  CHECK(p.code == 1005);
  p = read_all(client_frame(0x8, "\x0f\xa0going \xc3\xa9"));
  REQUIRE(p.kinds == std::vector<kind>{kind::close});
  CHECK(p.code == 4000);
  CHECK(p.data[0] == "going \xc3\xa9");
  for (const std::uint16_t code : {1000, 1001, 1003, 1007, 1009, 1011, 1013, 3000, 4999}) {
    CHECK(ws::valid_close_code(code));
  }
  for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
    CHECK_FALSE(ws::valid_close_code(code));
  }
}

TEST_CASE("the UTF-8 checker accepts a sequence split at any byte", "[ws_frame]") {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    INFO(cut);
    ws::utf8_checker u;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    CHECK(u.feed(p, cut));
    CHECK(u.feed(p + cut, text.size() - cut));
    CHECK(u.complete());
  }
  ws::utf8_checker u;
  const unsigned char half[] = {0xe2, 0x82};
  CHECK(u.feed(half, 2));
  CHECK_FALSE(u.complete());
}
