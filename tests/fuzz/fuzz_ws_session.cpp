// libFuzzer target: the buffering of a ws_session's incoming side, as the
// session drives it. ws_session itself is tied to its socket, so this runs
// the parts that own the buffering, with the session's own calls in its own
// order: Beast's parser reads the upgrade request (server/http/http_read.hpp's
// limits), ws::answer_upgrade keeps the bytes read past it ("early"), and a
// ws::frame_input charged to a partial_budget parses them first (as a read
// into an outside buffer, as ws_session::on_joined does), then
// the rest as reads arrive: for a plain socket into an outside buffer while it
// holds nothing and into its own room() while a frame is unfinished, for TLS
// always into room(). Events go through ws::session_phase as handle() does
// (text only while open, a ping answered with a pong while open, parsing
// stops after the peer's close or a protocol error).
//
// The input is a small program of client frames (text, fragments, pings,
// pongs, closes, binary, raw bytes) masked as a browser would send them. The
// wire bytes are then delivered split at every offset (128 spread evenly
// over longer ones; the first part with the upgrade request in the same read,
// the rest in reads of 1-31 bytes), on both paths: every delivery must give the events of the whole; the buffer
// never holds more than one frame, its charge is exactly what it holds, and
// everything is given back at the end.
#include "fuzz_check.hpp"

#include "http/http_read.hpp"
#include "ws/frame_input.hpp"
#include "ws/handshake.hpp"
#include "ws/partial_budget.hpp"
#include "ws/session_phase.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

namespace ws = chat::server::ws;
using kind = ws::event::kind;

const std::string request =
    "GET /websocket/chatroom?v=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

/** Reads the fuzz input front to back; zeros once it is used up. */
struct input {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t byte() { return n ? (--n, *p++) : 0; }
  bool empty() const { return n == 0; }
};

/** One masked client frame. */
std::string frame(bool fin, std::uint8_t opcode, const std::string& payload, std::uint8_t mask_seed) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | opcode);
  const std::size_t n = payload.size();
  if (n < 126) {
    f += static_cast<char>(0x80 | n);
  } else {
    f += static_cast<char>(0x80 | 126);
    f += static_cast<char>(n >> 8);
    f += static_cast<char>(n & 0xFF);
  }
  const char mask[4] = {static_cast<char>(mask_seed), static_cast<char>(mask_seed * 7 + 1), 0x5A,
                        static_cast<char>(~mask_seed)};
  f.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
  return f;
}

/** The client's bytes after its upgrade request, from the fuzz program. */
std::string program(input& in) {
  std::string wire;
  while (!in.empty() && wire.size() < 4096) {
    const std::uint8_t op = in.byte();
    const std::uint8_t m = in.byte();
    auto payload = [&](std::size_t n) {
      std::string s;
      for (std::size_t i = 0; i < n && !in.empty(); ++i) s += static_cast<char>(in.byte());
      return s;
    };
    switch (op & 7) {
      case 0: wire += frame(true, 1, payload(op >> 3), m); break;                    // text
      case 1: wire += frame(true, 9, payload((op >> 3) % 126), m); break;            // ping
      case 2: wire += frame(true, 10, payload((op >> 3) % 126), m); break;           // pong
      case 3: {                                                                      // close with a code
        std::string body;
        body += static_cast<char>(0x03);
        body += static_cast<char>(0xE8 + (op >> 3) % 24);  // 1000..1023
        wire += frame(true, 8, body + payload(m % 8), m);
        break;
      }
      case 4:                                                                        // a fragmented text
        wire += frame(false, 1, payload(op >> 3), m);
        wire += frame(true, 9, payload(m % 8), m);  // a ping between the fragments
        wire += frame(true, 0, payload(m % 64), m);
        break;
      case 5: wire += frame(true, 1, std::string(200 + 40 * (op >> 3), 'x'), m); break;  // longer text
      case 6: wire += payload((op >> 3) % 8); break;                                    // raw bytes
      case 7: wire += frame(true, (op >> 3) % 2 ? 2 : 8, payload(m % 4), m); break;     // binary, close
    }
  }
  return wire;
}

struct seen {
  kind what;
  std::string data;
  std::uint16_t code;
  bool operator==(const seen& o) const { return what == o.what && data == o.data && code == o.code; }
};

/** The bytes read past the upgrade request when `first` arrives in one read. */
std::string early_bytes(const std::string& first) {
  namespace http = boost::beast::http;
  boost::beast::flat_buffer buffer;
  auto room = buffer.prepare(first.size());
  std::memcpy(room.data(), first.data(), first.size());
  buffer.commit(first.size());
  chat::server::request_parser parser;
  chat::server::limit_request(parser);
  boost::beast::error_code ec;
  const auto used = parser.put(buffer.cdata(), ec);
  FUZZ_CHECK(!ec && parser.is_done(), "the upgrade request did not parse");
  buffer.consume(used);
  const auto unread = buffer.cdata();
  const auto now = ws::handshake_clock::now();
  auto reply = ws::answer_upgrade("13", "dGhlIHNhbXBsZSBub25jZQ==",
                                  {static_cast<const char*>(unread.data()), unread.size()}, now, now,
                                  std::chrono::seconds(30));
  FUZZ_CHECK(!reply.refusal, "the upgrade was refused");
  return reply.early;
}

/** The session's events for `wire`, its first `split` bytes in the upgrade's
 *  read and the rest in reads of `steps` sizes, over TLS or a plain socket. */
std::vector<seen> run(const std::string& wire, std::size_t split, const std::vector<std::size_t>& steps, bool tls,
                      std::size_t max) {
  static std::vector<char> scratch(64 * 1024 + 64);  // the shard's shared read buffer
  ws::partial_budget budget(1 << 30, 1 << 30);
  std::vector<seen> out;
  {
    ws::frame_input inputs(max, tls);
    inputs.limit(budget, "127.0.0.1");
    ws::session_phase phase;
    phase.start();
    auto on_event = [&](const ws::event& ev) {
      switch (ev.what) {
        case kind::text:
          if (phase.is(ws::phase::open)) out.push_back({kind::text, std::string(ev.data), 0});
          return;
        case kind::ping:
          if (phase.is(ws::phase::open)) out.push_back({kind::ping, std::string(ev.data), 0});
          return;
        case kind::close: {
          std::uint16_t answer = 0;
          phase.peer_closes(ev.code, answer);
          out.push_back({kind::close, std::string(ev.data), answer});
          return;
        }
        case kind::fail:
          phase.peer_failed(ev.code);
          out.push_back({kind::fail, {}, ev.code});
          return;
        default:
          out.push_back({ev.what, std::string(ev.data), 0});
          return;
      }
    };
    auto go = [&] { return phase.parses_input(); };
    auto check = [&] {
      FUZZ_CHECK(inputs.held() <= ws::frame_input::max_frame_wire(max), "holds more than one frame");
      FUZZ_CHECK(inputs.charged() == budget.total(), "the charge is not what the budget holds");
    };
    std::string early = early_bytes(request + wire.substr(0, split));
    inputs.consume(early.data(), early.size(), on_event, go);  // as ws_session::on_joined
    check();
    std::size_t pos = split, k = 0;
    while (pos < wire.size() && go()) {
      std::size_t arrived = std::min(steps[k++ % steps.size()], wire.size() - pos);
      while (arrived > 0 && go()) {  // one readable event may take several reads
        if (!tls && inputs.held() == 0) {
          const std::size_t n = std::min(arrived, scratch.size());
          std::memcpy(scratch.data(), wire.data() + pos, n);
          pos += n;
          arrived -= n;
          inputs.consume(scratch.data(), n, on_event, go);
          std::fill_n(scratch.begin(), n, '\xEE');  // the next session reuses it
        } else {
          const auto [at, room] = inputs.room();
          FUZZ_CHECK(room > 0, "no room with an unlimited budget");
          const std::size_t n = std::min(arrived, room);
          std::memcpy(at, wire.data() + pos, n);
          pos += n;
          arrived -= n;
          inputs.filled(n);
          inputs.consume_held(on_event, go);
        }
        check();
      }
    }
    inputs.release();
    FUZZ_CHECK(inputs.held() == 0 && inputs.charged() == 0, "release kept bytes");
  }
  FUZZ_CHECK(budget.total() == 0, "the budget was not given back");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  input in{data, size};
  const std::uint8_t mode = in.byte();
  static constexpr std::size_t limits[] = {64 * 1024, 300, 1000, 16};
  const std::size_t max = limits[mode & 3];
  std::vector<std::size_t> steps;
  for (int k = 0; k < 4; ++k) steps.push_back(1 + (in.byte() & 31));
  const std::string wire = program(in);
  const auto whole = run(wire, wire.size(), {1}, false, max);
  for (const bool tls : {false, true}) {
    FUZZ_CHECK(run(wire, 0, {wire.size() + 1}, tls, max) == whole, "one read after the upgrade differs");
    // Every offset up to 128 bytes; beyond, 128 offsets spread evenly, and the end.
    const std::size_t stride = std::max<std::size_t>(1, wire.size() / 128);
    for (std::size_t split = 0; split <= wire.size(); split += stride) {
      FUZZ_CHECK(run(wire, split, steps, tls, max) == whole, "a split gave other events than the whole");
    }
    FUZZ_CHECK(run(wire, wire.size(), steps, tls, max) == whole, "everything with the upgrade differs");
  }
  return 0;
}
