// The Autobahn|Testsuite fuzzingclient cases (sections 1-7, 9, 10) as data:
// what each case sends and what a chat server must answer. Read from
// crossbario/autobahn-testsuite (autobahntestsuite/case/case*.py) and adapted
// to the chat: a valid text message comes back as the chat's broadcast of it
// (not an echo), a blank one as `error empty`, one over 4000 characters as
// `error too_long`, binary closes 1003 and a frame over 64 KiB 1009. The
// adaptation of each case is written beside it in ab_cases_*.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chat::test::autobahn {

/** One frame the client sends. `payload` is repeated up to `length` bytes when
 *  `length` is set (Autobahn's payload_len). */
struct frame_spec {
  std::uint8_t opcode = 1;
  std::string payload;
  bool fin = true;
  std::uint8_t rsv = 0;       ///< the three reserved bits (1..7)
  std::size_t chop = 0;       ///< send in pieces of this many bytes, each its own write (0: whole)
  bool sync = false;          ///< its own write, not coalesced with the frames around it
  std::size_t length = 0;     ///< payload length when `payload` is a pattern (0: payload as is)
};

/** A step of a case. */
struct step {
  enum class kind : std::uint8_t {
    frame,      ///< send `frame`
    raw,        ///< send `bytes` as they are (the start of a frame that never completes)
    wait,       ///< wait until `count` answers have arrived (Autobahn's continueLater)
    fail_fast,  ///< the server must close now, before anything more is sent
    open,       ///< the connection must still be open (Autobahn's "timeout A")
  };
  kind what = kind::frame;
  frame_spec frame;
  std::string bytes;
  std::size_t count = 0;
};

/** What the server sends back before its close: the chat's frames for the
 *  sender (its broadcast `message`, an `error`) and pongs. The two streams are
 *  compared each in its own order: a pong leaves at once, a broadcast after
 *  the message is stored. */
struct answer {
  enum class kind : std::uint8_t { message, error, pong };
  kind what = kind::message;
  std::string text;  ///< the message body, the error code, or the pong payload
  bool operator==(const answer& o) const { return what == o.what && text == o.text; }
};

/** One case: its steps, and the outcome Autobahn would call OK (and, where
 *  Autobahn has one, NON-STRICT), adapted to the chat. */
struct test_case {
  std::string id;             ///< "1.1.1"
  std::string what;           ///< Autobahn's description, shortened
  std::vector<step> steps;
  std::vector<answer> ok;     ///< the answers of a strict server
  bool has_non_strict = false;
  std::vector<answer> non_strict;  ///< answers Autobahn calls NON-STRICT
  /** The close codes the server may send; its close ends the case. */
  std::vector<std::uint16_t> close_codes{1000};
  /** True when the connection stays open after the steps: the driver sends a
   *  sentinel message, waits for its broadcast (so every answer is in: the
   *  chat's frames are in order) and closes with 1000. */
  bool sentinel = true;
};

/** Verdicts, as Autobahn's report has them. */
enum class verdict : std::uint8_t { ok, non_strict, failed };
const char* name(verdict v);

// Builders for the case tables.
/** A case; `codes` the close codes the server may send, `sentinel` as in test_case. */
test_case make(std::string id, std::string what, std::vector<step> steps, std::vector<answer> ok,
               std::vector<std::uint16_t> codes = {1000}, bool sentinel = true);
answer msg(std::string text);
answer err(std::string code);
answer pong(std::string payload);
step send(frame_spec f);
step text(std::string payload, bool fin = true, std::size_t chop = 0);
step binary(std::string payload, std::size_t length = 0, std::size_t chop = 0);
step cont(std::string payload, bool fin);
step ping(std::string payload = {}, std::size_t chop = 0);
step close_frame(std::string payload);
/** A close frame's payload: the code in network order, then `reason`. */
std::string close_payload(std::uint16_t code, std::string_view reason = {});
step wait_answers(std::size_t n);
step fail_fast();
step still_open();
step raw(std::string bytes);
/** `s` repeated to `n` bytes. */
std::string repeat(std::string_view s, std::size_t n);

/** The cases of each section. */
std::vector<test_case> section_1();
std::vector<test_case> section_2();
std::vector<test_case> section_3();
std::vector<test_case> section_4();
std::vector<test_case> section_5();
std::vector<test_case> section_6();
std::vector<test_case> section_7();
std::vector<test_case> section_9();
std::vector<test_case> section_10();

}  // namespace chat::test::autobahn
