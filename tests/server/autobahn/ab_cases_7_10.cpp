// Autobahn sections 7 (closing), 9 (limits and performance) and 10
// (auto-fragmentation), adapted to the chat's 64 KiB frame limit and its
// 4000-character messages.
#include "autobahn/ab_case.hpp"

namespace chat::test::autobahn {
namespace {

constexpr std::uint16_t normal = 1000, protocol_error = 1002, unsupported = 1003, invalid_payload = 1007,
                        too_big = 1009;

/** The client closes (in the steps); the server answers with one of `codes`. */
test_case closes(std::string id, std::string what, std::vector<step> steps, std::vector<std::uint16_t> codes,
                 std::vector<answer> ok = {}) {
  return make(std::move(id), std::move(what), std::move(steps), std::move(ok), std::move(codes), false);
}

/** The server fails the connection with `code`. */
test_case fails(std::string id, std::string what, std::vector<step> steps, std::uint16_t code) {
  return make(std::move(id), std::move(what), std::move(steps), {}, {code}, false);
}

std::string size_name(std::size_t n) {
  if (n >= (1u << 20)) return std::to_string(n >> 20) + " MiB";
  if (n >= 1024) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

}  // namespace

std::vector<test_case> section_7() {
  std::vector<test_case> v;
  const std::string hello = "Hello World!";
  // 7.1.1: the message is broadcast to its sender before the answer to its
  // close goes out (both arrive in one write).
  v.push_back(closes("7.1.1", "text, then close", {text(hello), close_frame(close_payload(normal))}, {normal},
                     {msg(hello)}));
  v.push_back(closes("7.1.2", "two closes", {close_frame(close_payload(normal)), close_frame({})}, {normal}));
  v.push_back(closes("7.1.3", "close, then ping (no pong)", {close_frame(close_payload(normal)), ping()}, {normal}));
  v.push_back(closes("7.1.4", "close, then text (ignored)", {close_frame(close_payload(normal)), text(hello)}, {normal}));
  v.push_back(closes("7.1.5", "fragment, close, fragment (no message)",
                     {text("fragment1", false), close_frame(close_payload(normal)), cont("fragment2", true)}, {normal}));
  // 7.1.6 (informational in Autobahn: a 256 KiB text, a text, a close, a
  // ping): the chat fails the 256 KiB frame at its header, 1009; only its
  // first 64 KiB are sent.
  v.push_back(fails("7.1.6", "256 KiB text, then text, close, ping: the first frame is over 64 KiB",
                    {send({.opcode = 1, .payload = "BAsd7&jh23", .length = 256 * 1024}), text(hello),
                     close_frame(close_payload(normal)), ping()},
                    too_big));
  v.push_back(closes("7.3.1", "close without payload", {close_frame({})}, {normal}));
  v.push_back(closes("7.3.2", "close with 1 byte of payload", {close_frame("a")}, {protocol_error}));
  v.push_back(closes("7.3.3", "close 1000", {close_frame(close_payload(normal))}, {normal}));
  v.push_back(closes("7.3.4", "close 1000 with a reason", {close_frame(close_payload(normal, "Hello World!"))}, {normal}));
  v.push_back(closes("7.3.5", "close 1000 with a 123-byte reason", {close_frame(close_payload(normal, repeat("*", 123)))},
                     {normal}));
  v.push_back(closes("7.3.6", "close 1000 with a 124-byte reason (126 bytes: too long)",
                     {close_frame(close_payload(normal, repeat("*", 124)))}, {protocol_error}));
  v.push_back(closes("7.5.1", "close with a reason that is not UTF-8",
                     {close_frame(close_payload(normal, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
                                                        "\x65\x64\x69\x74\x65\x64"))},
                     {protocol_error, invalid_payload}));
  // 7.7: valid codes; the answer is 1000 or the same code (the chat echoes it).
  const std::uint16_t valid_codes[] = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999};
  int i = 1;
  for (auto code : valid_codes) {
    v.push_back(closes("7.7." + std::to_string(i++), "close " + std::to_string(code), {close_frame(close_payload(code))},
                       {normal, code}));
  }
  // 7.9: invalid codes: 1002.
  const std::uint16_t invalid_codes[] = {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999};
  i = 1;
  for (auto code : invalid_codes) {
    v.push_back(closes("7.9." + std::to_string(i++), "close " + std::to_string(code) + " (invalid)",
                       {close_frame(close_payload(code))}, {protocol_error}));
  }
  // 7.13 (informational in Autobahn: 1000, the code or 1002): codes outside
  // 0-4999 are invalid here, 1002.
  v.push_back(closes("7.13.1", "close 5000", {close_frame(close_payload(5000))}, {protocol_error}));
  v.push_back(closes("7.13.2", "close 65535", {close_frame(close_payload(65535))}, {protocol_error}));
  return v;
}

std::vector<test_case> section_9() {
  std::vector<test_case> v;
  // 9.1/9.2: one text or binary frame of 64 KiB ... 16 MiB. Chat: 64 KiB of
  // text is over 4000 characters (too_long), a binary one closes 1003; over
  // 64 KiB closes 1009 at the header (the driver sends at most 64 KiB of it).
  const std::size_t big[] = {64 * 1024, 256 * 1024, 1 << 20, 4 << 20, 8 << 20, 16 << 20};
  for (int i = 0; i < 6; ++i) {
    const auto id = "9.1." + std::to_string(i + 1);
    auto s = send({.opcode = 1, .payload = "BAsd7&jh23", .length = big[i]});
    if (i == 0) {
      v.push_back(make(id, "text of 64 KiB", {s}, {err("too_long")}, {normal}, true));
    } else {
      v.push_back(fails(id, "text of " + size_name(big[i]), {s}, too_big));
    }
  }
  for (int i = 0; i < 6; ++i) {
    v.push_back(fails("9.2." + std::to_string(i + 1), "binary of " + size_name(big[i]),
                      {send({.opcode = 2, .payload = std::string("\x00\xfe\x23\xfa\xf0", 5), .length = big[i]})},
                      i == 0 ? unsupported : too_big));
  }
  // 9.3/9.4: a 4 MiB message in fragments of 64 bytes ... 4 MiB. Text: 1009
  // once the message passes 64 KiB (the driver sends fragments only until it
  // has); binary: 1003 at the first fragment, or 1009 if that is over 64 KiB.
  const std::size_t frag[] = {64, 256, 1024, 4096, 16384, 65536, 256 * 1024, 1 << 20, 4 << 20};
  for (int bin = 0; bin < 2; ++bin) {
    for (int i = 0; i < 9; ++i) {
      const std::size_t total = 4 << 20, size = frag[i];
      std::vector<step> steps;
      std::size_t sent = 0;
      for (std::size_t at = 0; at < total && sent <= 64 * 1024 + size; at += size) {
        const bool first = at == 0, last = at + size >= total;
        const auto op = static_cast<std::uint8_t>(first ? (bin ? 2 : 1) : 0);
        steps.push_back(send({.opcode = op, .payload = bin ? "\xfe" : "*", .fin = last, .length = size}));
        sent += size;
        if (bin && size <= 64 * 1024) break;  // the first fragment already closes
      }
      const auto code = size > 64 * 1024 ? too_big : (bin ? unsupported : too_big);
      v.push_back(fails((bin ? "9.4." : "9.3.") + std::to_string(i + 1),
                        std::string(bin ? "binary" : "text") + " of 4 MiB in fragments of " + size_name(size),
                        std::move(steps), code));
    }
  }
  // 9.5/9.6: one 1 MiB frame sent in chops of 64 ... 2048 bytes: 1009 at the header.
  for (int bin = 0; bin < 2; ++bin) {
    for (int i = 0; i < 6; ++i) {
      const std::size_t chop = std::size_t{64} << i;
      v.push_back(fails((bin ? "9.6." : "9.5.") + std::to_string(i + 1),
                        std::string(bin ? "binary" : "text") + " of 1 MiB in chops of " + std::to_string(chop),
                        {send({.opcode = static_cast<std::uint8_t>(bin ? 2 : 1),
                               .payload = bin ? std::string("\x00\xfe\x23\xfa\xf0", 5) : std::string("BAsd7&jh23"),
                               .chop = chop,
                               .length = 1 << 20})},
                        too_big));
    }
  }
  // 9.7: 1000 text messages of 0 ... 4096 bytes, each answered before the
  // next (Autobahn) — here at most 20 unanswered at a time. Chat: the empty
  // ones get `error empty`, the 4096-byte ones `error too_long`.
  const std::size_t lens[] = {0, 16, 64, 256, 1024, 4096};
  for (int i = 0; i < 6; ++i) {
    test_case c = make("9.7." + std::to_string(i + 1), "1000 text messages of " + size_name(lens[i]), {}, {}, {normal}, true);
    const std::string body(lens[i], '*');
    const answer a = lens[i] == 0 ? err("empty") : lens[i] > 4000 ? err("too_long") : msg(body);
    for (int n = 0; n < 1000; ++n) {
      if (n >= 20) c.steps.push_back(wait_answers(static_cast<std::size_t>(n - 19)));
      c.steps.push_back(text(body));
      c.ok.push_back(a);
    }
    v.push_back(std::move(c));
  }
  // 9.8: 1000 binary messages, each sent after the echo of the one before:
  // the first one closes 1003, so only it is sent.
  for (int i = 0; i < 6; ++i) {
    v.push_back(fails("9.8." + std::to_string(i + 1), "1000 binary messages of " + size_name(lens[i]),
                      {binary("\xfe", lens[i])}, unsupported));
  }
  return v;
}

std::vector<test_case> section_10() {
  // 10.1.1: a 64 KiB text message in frames of 1300 bytes (Autobahn checks how
  // its peer fragments; the chat answers over 4000 characters `too_long`).
  std::vector<step> steps;
  const std::size_t total = 65536, size = 1300;
  for (std::size_t at = 0; at < total; at += size) {
    steps.push_back(send({.opcode = static_cast<std::uint8_t>(at == 0 ? 1 : 0),
                          .payload = "*",
                          .fin = at + size >= total,
                          .length = std::min(size, total - at)}));
  }
  return {make("10.1.1", "64 KiB text in fragments of 1300 bytes", std::move(steps), {err("too_long")}, {normal}, true)};
}

}  // namespace chat::test::autobahn
