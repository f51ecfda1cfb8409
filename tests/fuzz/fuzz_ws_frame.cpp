// libFuzzer target: raw bytes -> the server's reader of client WebSocket
// frames (server/ws_frame), as a ws_session feeds it. The first byte picks
// the message size limit and how the rest arrives (all at once, or in pieces
// of 1-31 bytes). Checks: the pieces give exactly the events of the whole;
// a text message is valid UTF-8 (by a decoder written independently here)
// and within the limit; failures close with 1002, 1007 or 1009 only and stay
// failed; a peer's close code is one it may send, or 1005.
#include "fuzz_check.hpp"

#include "ws/ws_frame.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using chat::server::ws::event;
using kind = event::kind;

/** UTF-8 as RFC 3629 defines it, by decoding each code point. */
bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(len) > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(len);
  }
  return true;
}

struct seen {
  kind what;
  std::string data;
  std::uint16_t code;
  bool operator==(const seen& o) const { return what == o.what && data == o.data && code == o.code; }
};

/** Feeds `bytes` in pieces of `step` (0: whole), as a session keeps the
 *  unconsumed rest of its buffer; stops at the first failure. */
std::vector<seen> run(const std::string& bytes, std::size_t max, std::size_t step) {
  chat::server::ws::frame_reader reader(max);
  std::vector<seen> out;
  std::string buffer;
  std::size_t fed = 0;
  for (;;) {
    const std::size_t more = step == 0 ? bytes.size() - fed : std::min(step, bytes.size() - fed);
    buffer.append(bytes, fed, more);
    fed += more;
    for (;;) {
      event ev;
      const std::size_t used = reader.next(buffer.data(), buffer.size(), ev);
      if (ev.what == kind::need_more) {
        FUZZ_CHECK(used == 0, "need_more consumed bytes");
        break;
      }
      FUZZ_CHECK(used <= buffer.size(), "consumed more than it had");
      out.push_back(seen{ev.what, std::string(ev.data), ev.code});
      if (ev.what == kind::fail) {
        FUZZ_CHECK(used == 0, "a failure consumed bytes");
        FUZZ_CHECK(ev.code == 1002 || ev.code == 1007 || ev.code == 1009, "failure with an unexpected code");
        event again;
        char dummy[2] = {'\x81', '\x80'};
        reader.next(dummy, sizeof dummy, again);
        FUZZ_CHECK(again.what == kind::fail && again.code == ev.code, "the reader recovered from a failure");
        return out;
      }
      FUZZ_CHECK(used > 0, "an event without consuming a frame");
      if (ev.what == kind::text) {
        FUZZ_CHECK(ev.data.size() <= max, "a text message over the limit");
        FUZZ_CHECK(valid_utf8(std::string(ev.data)), "a text message that is not UTF-8");
      }
      if (ev.what == kind::close) {
        FUZZ_CHECK(ev.code == 1005 || chat::server::ws::valid_close_code(ev.code), "a close code a peer may not send");
        FUZZ_CHECK(valid_utf8(std::string(ev.data)), "a close reason that is not UTF-8");
      }
      if (ev.what == kind::ping || ev.what == kind::pong) FUZZ_CHECK(ev.data.size() <= 125, "a long control frame");
      buffer.erase(0, used);
    }
    if (fed == bytes.size()) return out;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  static constexpr std::size_t limits[] = {64 * 1024, 16, 200, 70000};
  const std::size_t max = limits[mode & 3];
  const std::size_t step = (mode >> 2) & 31;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto whole = run(bytes, max, 0);
  if (step != 0) {
    const auto pieces = run(bytes, max, step);
    FUZZ_CHECK(pieces == whole, "pieces and the whole gave different events");
  }
  return 0;
}
