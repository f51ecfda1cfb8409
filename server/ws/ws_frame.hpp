// Our WebSocket framing (RFC 6455) for the phase after the handshake, without
// Beast: the handshake's accept key, server frame headers, buffers of frames
// shared by every session that sends them, and an incremental reader of client
// frames (masking, fragmentation, control frames, the message size limit,
// UTF-8 checked across fragments and as the bytes of a frame arrive). No
// sockets here, so the reader is unit-tested and fuzzed on its own.
#pragma once

#include <chat/codes.hpp>
#include <chat/validation.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chat::server::ws {

/** Frame opcodes (RFC 6455 §5.2). */
enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

/** The close codes (defined once, in shared's chat/codes.hpp). */
namespace close_code = chat::close_code;

/** True for a code a peer may put in a close frame (the reserved ones are not). */
bool valid_close_code(std::uint16_t code) noexcept;

/** True if `key` is a Sec-WebSocket-Key: base64 of 16 bytes (RFC 6455 §4.2.1). */
bool valid_key(std::string_view key) noexcept;
/** Sec-WebSocket-Accept for `key`: base64(SHA-1(key + the RFC's GUID)). */
std::string accept_key(std::string_view key);

/** Bytes of a server frame header for a payload of `n` bytes: 2, 4 or 10. */
std::size_t header_size(std::size_t n) noexcept;
/** Writes the header of a final, unmasked frame into `out` (header_size(n)
 *  bytes); returns its size. */
std::size_t write_header(char* out, opcode op, std::size_t n) noexcept;
/** Appends a whole server frame (header and payload) to `out`. */
void append_frame(std::string& out, opcode op, std::string_view payload);

/** Server frames back to back, immutable once built and shared by every
 *  session that sends them. A broadcast batch also indexes its message frames
 *  (`ids`, `offsets`) so a session can start after the messages it already has. */
struct wire_buffer {
  std::string bytes;
  std::vector<std::int64_t> ids;        ///< message id of each frame (broadcast batches only)
  std::vector<std::uint32_t> offsets;   ///< where each frame starts in `bytes` (broadcast batches only)
  std::size_t frames = 1;               ///< frames in `bytes`
};
using wire_ref = std::shared_ptr<const wire_buffer>;

/** One server frame in a buffer of its own. */
wire_ref make_wire(opcode op, std::string_view payload);
/** A close frame with `code` and `reason` (cut to the 123 bytes a control frame allows, on a UTF-8 boundary). */
wire_ref make_close(std::uint16_t code, std::string_view reason);

/** Incremental UTF-8 validation (no overlongs, no surrogates, at most U+10FFFF),
 *  fed piece by piece: a sequence may be split between fragments. */
class utf8_checker {
 public:
  /** Checks the next bytes; false as soon as they cannot be valid UTF-8. */
  bool feed(const unsigned char* p, std::size_t n) noexcept;
  /** True when no sequence is left unfinished. */
  bool complete() const noexcept { return need_ == 0; }
  void reset() noexcept { need_ = 0; }

 private:
  std::uint8_t need_ = 0;   ///< continuation bytes still expected
  std::uint8_t lo_ = 0x80;  ///< the range allowed for the next continuation byte
  std::uint8_t hi_ = 0xBF;
};

/** What frame_reader::next found. */
struct event {
  enum class kind : std::uint8_t {
    need_more,  ///< the frame at the front is not complete yet (nothing consumed)
    nothing,    ///< a frame was consumed with nothing to act on (a fragment, a binary continuation)
    text,       ///< a whole text message: `data`
    binary,     ///< the first frame of a binary message (the payload is not kept)
    ping,       ///< `data` = the payload to echo in a pong
    pong,
    close,      ///< `code` = the peer's code (1005 when it gave none), `data` = its reason
    fail,       ///< the connection must fail: close with `code`, `reason` says why
  };
  kind what = kind::need_more;
  std::string_view data;
  /** A text message's `data`, which the reader checked as UTF-8 while it arrived. */
  valid_utf8 text() const noexcept { return valid_utf8::already_checked(data); }
  std::uint16_t code = 0;
  const char* reason = "";
};

/** Reads client frames from a byte buffer. Each call looks at one frame at the
 *  start of the buffer and acts only once it is whole (except that text is
 *  checked as UTF-8 as it arrives: invalid text fails at its first invalid
 *  byte, before its frame is whole); payloads are unmasked in
 *  place, so `event::data` points into the caller's buffer (or, for a
 *  fragmented message, into the reader) and is valid until the next call. */
class frame_reader {
 public:
  explicit frame_reader(std::size_t max_message) : max_(max_message) {}

  /** Parses the frame at data[0, size). Returns the bytes consumed: 0 with
   *  need_more (call again with more bytes) or fail (stop reading: after a
   *  fail every call fails again). */
  std::size_t next(char* data, std::size_t size, event& ev);

  /** The size of the whole frame the last need_more was waiting for, when its
   *  header was complete (else 14: the longest header); to size a buffer. */
  std::size_t wanted() const noexcept { return wanted_; }
  /** Bytes the reader holds (the fragments of a text message so far). */
  std::size_t held() const noexcept { return message_.capacity(); }
  /** True between the first and the final frame of a fragmented message. */
  bool fragmented() const noexcept { return in_message_; }
  /** Bytes held for the fragmented message under way (0 when none is). */
  std::size_t message_bytes() const noexcept { return in_message_ ? message_.capacity() : 0; }

 private:
  std::size_t fail(event& ev, std::uint16_t code, const char* why);
  static std::uint32_t load_key(const char* key) noexcept;
  /** Fail fast: feeds the `have` payload bytes of an unfinished text frame (or
   *  text continuation; `first`: a text frame) that were not checked yet to
   *  the UTF-8 check; `key` is its masking key, `len` its payload length.
   *  False at the first invalid byte. */
  bool check_early(const char* key, std::size_t have, std::uint64_t len, bool first) noexcept;

  std::size_t max_;
  std::string message_;        ///< the text fragments so far
  std::size_t message_size_ = 0;
  std::size_t wanted_ = 0;
  utf8_checker utf8_;
  std::size_t early_checked_ = 0;  ///< payload bytes of the unfinished frame at the front already checked
  std::uint64_t early_len_ = 0;    ///< ... that frame's payload length and masking key, to know it again
  std::uint32_t early_key_ = 0;
  bool in_message_ = false;    ///< a non-final data frame was read
  bool message_text_ = false;  ///< ... and its message is text
  bool delivered_ = false;     ///< message_ was handed out by the last call
  bool failed_ = false;
  std::uint16_t fail_code_ = 0;
  const char* fail_reason_ = "";
};

}  // namespace chat::server::ws
