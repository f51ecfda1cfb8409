// Autobahn sections 1-5: framing (text, binary), pings and pongs, reserved
// bits, opcodes, fragmentation. Autobahn's echo is the chat's broadcast; each
// case says where the chat's own rules change the answer.
#include "autobahn/ab_case.hpp"

namespace chat::test::autobahn {
namespace {

constexpr std::uint16_t normal = 1000, protocol_error = 1002, unsupported = 1003;

/** The server fails the connection with `code` after the answers `ok`. */
test_case fails(std::string id, std::string what, std::vector<step> steps, std::uint16_t code,
                std::vector<answer> ok = {}) {
  return make(std::move(id), std::move(what), std::move(steps), std::move(ok), {code}, false);
}

/** Autobahn's OK answers `ok`, NON-STRICT none: a message before a protocol error. */
test_case message_then_error(std::string id, std::string what, std::vector<step> steps, std::vector<answer> ok) {
  auto c = fails(std::move(id), std::move(what), std::move(steps), protocol_error, std::move(ok));
  c.has_non_strict = true;
  return c;
}

}  // namespace

std::vector<test_case> section_1() {
  std::vector<test_case> v;
  // 1.1: text frames of growing length, echoed by Autobahn's peer. Chat: a
  // blank body is answered `error empty`; over 4000 characters `error too_long`.
  v.push_back(make("1.1.1", "text, empty payload", {text("")}, {err("empty")}));
  v.push_back(make("1.1.2", "text, 125 bytes", {text(repeat("*", 125))}, {msg(repeat("*", 125))}));
  v.push_back(make("1.1.3", "text, 126 bytes", {text(repeat("*", 126))}, {msg(repeat("*", 126))}));
  v.push_back(make("1.1.4", "text, 127 bytes", {text(repeat("*", 127))}, {msg(repeat("*", 127))}));
  v.push_back(make("1.1.5", "text, 128 bytes", {text(repeat("*", 128))}, {msg(repeat("*", 128))}));
  v.push_back(make("1.1.6", "text, 65535 bytes", {text(repeat("*", 65535))}, {err("too_long")}));
  v.push_back(make("1.1.7", "text, 65536 bytes", {text(repeat("*", 65536))}, {err("too_long")}));
  v.push_back(make("1.1.8", "text, 65536 bytes in chops of 997", {text(repeat("*", 65536), true, 997)},
                   {err("too_long")}));
  // 1.2: binary frames, echoed by Autobahn's peer. Chat: close 1003 at the first.
  const std::size_t sizes[] = {0, 125, 126, 127, 128, 65535, 65536};
  for (std::size_t i = 0; i < 7; ++i) {
    v.push_back(fails("1.2." + std::to_string(i + 1), "binary, " + std::to_string(sizes[i]) + " bytes",
                      {binary("\xfe", sizes[i])}, unsupported));
  }
  v.push_back(fails("1.2.8", "binary, 65536 bytes in chops of 997", {binary("\xfe", 65536, 997)}, unsupported));
  return v;
}

std::vector<test_case> section_2() {
  std::vector<test_case> v;
  // 2: pings are answered with pongs of the same payload (as in Autobahn).
  v.push_back(make("2.1", "ping, no payload", {ping()}, {pong("")}));
  v.push_back(make("2.2", "ping, small text payload", {ping("Hello, world!")}, {pong("Hello, world!")}));
  const std::string bin("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8);
  v.push_back(make("2.3", "ping, small binary payload", {ping(bin)}, {pong(bin)}));
  v.push_back(make("2.4", "ping, 125 bytes", {ping(repeat("\xfe", 125))}, {pong(repeat("\xfe", 125))}));
  v.push_back(fails("2.5", "ping, 126 bytes (too long for a control frame)", {ping(repeat("\xfe", 126))},
                    protocol_error));
  v.push_back(make("2.6", "ping, 125 bytes in chops of 1", {ping(repeat("\xfe", 125), 1)}, {pong(repeat("\xfe", 125))}));
  v.push_back(make("2.7", "unsolicited pong, no payload, then close", {send({.opcode = 10, .payload = {}}), close_frame(close_payload(normal))},
                   {}, {normal}, false));
  v.push_back(make("2.8", "unsolicited pong with payload, then close",
                   {send({.opcode = 10, .payload = "unsolicited pong payload"}), close_frame(close_payload(normal))}, {},
                   {normal}, false));
  v.push_back(make("2.9", "unsolicited pong, then ping",
                   {send({.opcode = 10, .payload = "unsolicited pong payload"}), ping("ping payload")},
                   {pong("ping payload")}));
  for (std::size_t chop : {std::size_t{0}, std::size_t{1}}) {
    test_case c = make(chop ? "2.11" : "2.10", chop ? "10 pings in chops of 1" : "10 pings", {}, {});
    for (int i = 0; i < 10; ++i) {
      c.steps.push_back(ping("payload-" + std::to_string(i), chop));
      c.ok.push_back(pong("payload-" + std::to_string(i)));
    }
    v.push_back(std::move(c));
  }
  return v;
}

std::vector<test_case> section_3() {
  const std::string hello = "Hello, world!";
  auto with_rsv = [](frame_spec f, std::uint8_t rsv) {
    f.rsv = rsv;
    return send(std::move(f));
  };
  std::vector<test_case> v;
  // 3: a reserved bit set fails the connection (1002). 3.2-3.4: the message
  // before the bad frame is broadcast to its sender before the close (OK;
  // Autobahn calls a server that drops it NON-STRICT).
  v.push_back(fails("3.1", "text with RSV1", {with_rsv({.opcode = 1, .payload = hello}, 1)}, protocol_error));
  v.push_back(message_then_error("3.2", "text, text with RSV2, ping",
                                 {text(hello), with_rsv({.opcode = 1, .payload = hello}, 2), ping()}, {msg(hello)}));
  v.push_back(message_then_error(
      "3.3", "text, text with RSV3, ping, each its own write",
      {send({.opcode = 1, .payload = hello, .sync = true}), with_rsv({.opcode = 1, .payload = hello, .sync = true}, 3),
       send({.opcode = 9, .payload = {}, .sync = true})},
      {msg(hello)}));
  v.push_back(message_then_error("3.4", "text, text with RSV4, ping, in chops of 1",
                                 {text(hello, true, 1), with_rsv({.opcode = 1, .payload = hello, .chop = 1}, 4), ping({}, 1)},
                                 {msg(hello)}));
  const std::string bin("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8);
  v.push_back(fails("3.5", "binary with RSV5", {with_rsv({.opcode = 2, .payload = bin}, 5)}, protocol_error));
  v.push_back(fails("3.6", "binary with RSV6", {with_rsv({.opcode = 2, .payload = hello}, 6)}, protocol_error));
  v.push_back(fails("3.7", "close with RSV7", {with_rsv({.opcode = 8, .payload = {}}, 7)}, protocol_error));
  return v;
}

std::vector<test_case> section_4() {
  const std::string hello = "Hello, world!";
  std::vector<test_case> v;
  // 4: reserved opcodes fail the connection (1002); a message before one is
  // broadcast first (OK; without it NON-STRICT).
  auto opcodes = [&](const std::string& group, std::uint8_t first) {
    const std::uint8_t op = first;
    v.push_back(fails(group + ".1", "reserved opcode " + std::to_string(op), {send({.opcode = op, .payload = {}})}, protocol_error));
    v.push_back(fails(group + ".2", "reserved opcode " + std::to_string(op + 1) + " with payload",
                      {send({.opcode = static_cast<std::uint8_t>(op + 1), .payload = "reserved opcode payload"})},
                      protocol_error));
    v.push_back(message_then_error(group + ".3", "text, reserved opcode " + std::to_string(op + 2) + ", ping",
                                   {text(hello), send({.opcode = static_cast<std::uint8_t>(op + 2), .payload = {}}), ping()},
                                   {msg(hello)}));
    v.push_back(message_then_error(
        group + ".4", "text, reserved opcode " + std::to_string(op + 3) + " with payload, ping",
        {text(hello), send({.opcode = static_cast<std::uint8_t>(op + 3), .payload = hello}), ping()}, {msg(hello)}));
    v.push_back(message_then_error(
        group + ".5", "text, reserved opcode " + std::to_string(op + 4) + " with payload, ping, in chops of 1",
        {text(hello, true, 1), send({.opcode = static_cast<std::uint8_t>(op + 4), .payload = hello, .chop = 1}),
         ping({}, 1)},
        {msg(hello)}));
  };
  opcodes("4.1", 3);
  opcodes("4.2", 11);
  return v;
}

std::vector<test_case> section_5() {
  std::vector<test_case> v;
  // 5: fragmentation. A fragmented control frame, a continuation without a
  // message, a new message inside one: 1002.
  v.push_back(fails("5.1", "ping in 2 fragments",
                    {send({.opcode = 9, .payload = "fragment1", .fin = false}), cont("fragment2", true)}, protocol_error));
  v.push_back(fails("5.2", "pong in 2 fragments",
                    {send({.opcode = 10, .payload = "fragment1", .fin = false}), cont("fragment2", true)},
                    protocol_error));
  const char* how[] = {"", ", each its own write", ", in chops of 1"};
  auto frame = [](std::uint8_t op, std::string p, bool fin, int mode) {
    return send({.opcode = op, .payload = std::move(p), .fin = fin, .chop = mode == 2 ? 1u : 0u, .sync = mode == 1});
  };
  for (int mode = 0; mode < 3; ++mode) {
    v.push_back(make("5." + std::to_string(3 + mode), std::string("text in 2 fragments") + how[mode],
                     {frame(1, "fragment1", false, mode), frame(0, "fragment2", true, mode)},
                     {msg("fragment1fragment2")}));
  }
  for (int mode = 0; mode < 3; ++mode) {
    v.push_back(make("5." + std::to_string(6 + mode), std::string("text in 2 fragments, a ping between") + how[mode],
                     {frame(1, "fragment1", false, mode), frame(9, "ping payload", true, mode),
                      frame(0, "fragment2", true, mode)},
                     {pong("ping payload"), msg("fragment1fragment2")}));
  }
  for (int mode = 0; mode < 3; ++mode) {
    v.push_back(fails("5." + std::to_string(9 + mode),
                      std::string("continuation (final) without a message, then text") + how[mode],
                      {frame(0, "non-continuation payload", true, mode), frame(1, "Hello, world!", true, mode)},
                      protocol_error));
  }
  for (int mode = 0; mode < 3; ++mode) {
    v.push_back(fails("5." + std::to_string(12 + mode),
                      std::string("continuation (not final) without a message, then text") + how[mode],
                      {frame(0, "non-continuation payload", false, mode), frame(1, "Hello, world!", true, mode)},
                      protocol_error));
  }
  // 5.15: the first message is whole and broadcast before the 1002 (OK).
  auto c515 = fails("5.15", "text in 2 fragments, then a continuation and a text inside a message",
                    {text("fragment1", false), cont("fragment2", true), cont("fragment3", false), text("fragment4")},
                    protocol_error, {msg("fragment1fragment2")});
  c515.has_non_strict = true;
  v.push_back(std::move(c515));
  v.push_back(fails("5.16", "continuation, then text and continuation, twice",
                    {cont("fragment1", false), text("fragment2", false), cont("fragment3", true), cont("fragment1", false),
                     text("fragment2", false), cont("fragment3", true)},
                    protocol_error));
  v.push_back(fails("5.17", "final continuation, then text and continuation, twice",
                    {cont("fragment1", true), text("fragment2", false), cont("fragment3", true), cont("fragment1", true),
                     text("fragment2", false), cont("fragment3", true)},
                    protocol_error));
  v.push_back(fails("5.18", "text in 2 fragments, both with the text opcode",
                    {text("fragment1", false), text("fragment2", true)}, protocol_error));
  // 5.19/5.20: Autobahn waits 1 s before the second part; here the driver
  // waits for the first pong instead (the same order, no sleep).
  for (int mode = 0; mode < 2; ++mode) {
    const int m = mode;  // 0: coalesced, 1: each frame its own write
    v.push_back(make(mode ? "5.20" : "5.19",
                     std::string("text in 5 fragments with 2 pings, the second part later") + how[mode],
                     {frame(1, "fragment1", false, m), frame(0, "fragment2", false, m), frame(9, "pongme 1!", true, m),
                      wait_answers(1), frame(0, "fragment3", false, m), frame(0, "fragment4", false, m),
                      frame(9, "pongme 2!", true, m), frame(0, "fragment5", true, m)},
                     {pong("pongme 1!"), pong("pongme 2!"), msg("fragment1fragment2fragment3fragment4fragment5")}));
  }
  return v;
}

}  // namespace chat::test::autobahn
