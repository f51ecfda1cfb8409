// WebSocket framing after the handshake (see ws_frame.hpp).
#include "ws/ws_frame.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace chat::server::ws {
namespace {

constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t max_control_payload = 125;

bool is_base64(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

std::uint64_t big_endian(const char* p, int bytes) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

/** XORs the payload with the 4-byte masking key, eight bytes at a time. */
void unmask(char* p, std::size_t n, const char* key) noexcept {
  std::uint32_t k4 = 0;
  std::memcpy(&k4, key, 4);
  const std::uint64_t k8 = (static_cast<std::uint64_t>(k4) << 32) | k4;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, p + i, 8);
    v ^= k8;
    std::memcpy(p + i, &v, 8);
  }
  for (; i < n; ++i) p[i] = static_cast<char>(p[i] ^ key[i & 3]);
}

}  // namespace

bool valid_close_code(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;  // registered and private use
  switch (code) {
    case 1000: case 1001: case 1002: case 1003: case 1007: case 1008:
    case 1009: case 1010: case 1011: case 1012: case 1013:
      return true;
    default:
      return false;  // below 1000, reserved (1004-1006, 1014, 1015, 1016-2999), above 4999
  }
}

bool valid_key(std::string_view key) noexcept {
  // 16 bytes are 22 base64 characters and "==".
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (std::size_t i = 0; i < 22; ++i) {
    if (!is_base64(key[i])) return false;
  }
  return true;
}

std::string accept_key(std::string_view key) {
  std::string input;
  input.reserve(key.size() + guid.size());
  input.append(key).append(guid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr);
  unsigned char out[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(out, digest, static_cast<int>(digest_size));
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::size_t header_size(std::size_t n) noexcept { return n < 126 ? 2 : n < 65536 ? 4 : 10; }

std::size_t write_header(char* out, opcode op, std::size_t n) noexcept {
  out[0] = static_cast<char>(0x80 | static_cast<unsigned>(op));
  if (n < 126) {
    out[1] = static_cast<char>(n);
    return 2;
  }
  if (n < 65536) {
    out[1] = 126;
    out[2] = static_cast<char>(n >> 8);
    out[3] = static_cast<char>(n);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<char>(static_cast<std::uint64_t>(n) >> (56 - 8 * i));
  return 10;
}

void append_frame(std::string& out, opcode op, std::string_view payload) {
  char header[10];
  out.append(header, write_header(header, op, payload.size()));
  out.append(payload);
}

wire_ref make_wire(opcode op, std::string_view payload) {
  auto w = std::make_shared<wire_buffer>();
  w->bytes.reserve(header_size(payload.size()) + payload.size());
  append_frame(w->bytes, op, payload);
  return w;
}

wire_ref make_close(std::uint16_t code, std::string_view reason) {
  std::size_t keep = std::min(reason.size(), max_control_payload - 2);
  // Never cut a UTF-8 sequence: back up over continuation bytes.
  while (keep < reason.size() && keep > 0 && (static_cast<unsigned char>(reason[keep]) & 0xC0) == 0x80) --keep;
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xff));
  payload.append(reason.substr(0, keep));
  return make_wire(opcode::close, payload);
}

bool utf8_checker::feed(const unsigned char* p, std::size_t n) noexcept {
  std::size_t i = 0;
  while (i < n) {
    if (need_ == 0) {
      // Fast path over ASCII, eight bytes at a time.
      while (i + 8 <= n) {
        std::uint64_t v = 0;
        std::memcpy(&v, p + i, 8);
        if (v & 0x8080808080808080ULL) break;
        i += 8;
      }
      if (i == n) break;
      const unsigned char b = p[i++];
      if (b < 0x80) continue;
      lo_ = 0x80;
      hi_ = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need_ = 1;
      } else if (b == 0xE0) {
        need_ = 2;
        lo_ = 0xA0;  // no overlongs
      } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
        need_ = 2;
      } else if (b == 0xED) {
        need_ = 2;
        hi_ = 0x9F;  // no surrogates
      } else if (b == 0xF0) {
        need_ = 3;
        lo_ = 0x90;  // no overlongs
      } else if (b >= 0xF1 && b <= 0xF3) {
        need_ = 3;
      } else if (b == 0xF4) {
        need_ = 3;
        hi_ = 0x8F;  // at most U+10FFFF
      } else {
        return false;
      }
    } else {
      const unsigned char b = p[i++];
      if (b < lo_ || b > hi_) return false;
      lo_ = 0x80;
      hi_ = 0xBF;
      --need_;
    }
  }
  return true;
}

std::uint32_t frame_reader::load_key(const char* key) noexcept {
  std::uint32_t k = 0;
  std::memcpy(&k, key, 4);
  return k;
}

bool frame_reader::check_early(const char* key, std::size_t have, std::uint64_t len, bool first) noexcept {
  const std::uint32_t k = load_key(key);
  if (early_len_ != len || early_key_ != k) {
    // A frame not seen before: its text starts here (a first text frame starts a new message).
    early_key_ = k;
    early_len_ = len;
    early_checked_ = 0;
  }
  if (early_checked_ == 0 && first) utf8_.reset();
  // Unmask a copy of the new bytes (the frame itself is unmasked once whole).
  const char* p = key + 4;
  unsigned char chunk[256];
  while (early_checked_ < have) {
    const std::size_t n = std::min(sizeof chunk, have - early_checked_);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = early_checked_ + i;
      chunk[i] = static_cast<unsigned char>(p[at] ^ key[at & 3]);
    }
    if (!utf8_.feed(chunk, n)) return false;
    early_checked_ += n;
  }
  return true;
}

std::size_t frame_reader::fail(event& ev, std::uint16_t code, const char* why) {
  if (!failed_) {
    failed_ = true;
    fail_code_ = code;
    fail_reason_ = why;
  }
  ev.what = event::kind::fail;
  ev.code = fail_code_;
  ev.reason = fail_reason_;
  return 0;
}

std::size_t frame_reader::next(char* data, std::size_t size, event& ev) {
  ev = event{};
  if (failed_) return fail(ev, fail_code_, fail_reason_);
  if (delivered_) {
    // The last call handed out the assembled message: start afresh (and give big buffers back).
    delivered_ = false;
    message_.clear();
    if (message_.capacity() > 4096) std::string().swap(message_);
  }
  wanted_ = 14;
  if (size < 2) return 0;
  const auto b0 = static_cast<unsigned char>(data[0]);
  const auto b1 = static_cast<unsigned char>(data[1]);
  const bool fin = (b0 & 0x80) != 0;
  const auto op = static_cast<opcode>(b0 & 0x0f);
  std::uint64_t len = b1 & 0x7f;

  if ((b0 & 0x70) != 0) return fail(ev, close_code::protocol_error, "reserved bits set");
  if ((b1 & 0x80) == 0) return fail(ev, close_code::protocol_error, "client frames must be masked");
  const bool control = (b0 & 0x08) != 0;
  switch (op) {
    case opcode::continuation:
    case opcode::text:
    case opcode::binary:
    case opcode::close:
    case opcode::ping:
    case opcode::pong:
      break;
    default:
      return fail(ev, close_code::protocol_error, "unknown opcode");
  }
  if (control && !fin) return fail(ev, close_code::protocol_error, "fragmented control frame");
  if (control && len > max_control_payload) return fail(ev, close_code::protocol_error, "control frame too long");

  std::size_t header = 2;
  if (len == 126) {
    if (size < 4) return 0;
    len = big_endian(data + 2, 2);
    header = 4;
    if (len < 126) return fail(ev, close_code::protocol_error, "length not in its shortest form");
  } else if (len == 127) {
    if (size < 10) return 0;
    len = big_endian(data + 2, 8);
    header = 10;
    if ((len >> 63) != 0) return fail(ev, close_code::protocol_error, "length out of range");
    if (len < 65536) return fail(ev, close_code::protocol_error, "length not in its shortest form");
  }
  header += 4;  // the masking key

  if (!control) {
    if (op == opcode::continuation && !in_message_) {
      return fail(ev, close_code::protocol_error, "continuation frame without a message");
    }
    if (op != opcode::continuation && in_message_) {
      return fail(ev, close_code::protocol_error, "new message inside a fragmented one");
    }
    const std::uint64_t before = op == opcode::continuation ? message_size_ : 0;
    if (len > max_ || before + len > max_) return fail(ev, close_code::too_big, "message too big");
  }
  const bool text = op == opcode::text || (op == opcode::continuation && message_text_);
  if (size < header || size - header < len) {
    wanted_ = header + static_cast<std::size_t>(len);
    // Fail fast: check the text that is here before the frame is whole.
    if (text && size > header && !check_early(data + header - 4, size - header, len, op == opcode::text)) {
      return fail(ev, close_code::bad_payload, "text is not UTF-8");
    }
    return 0;
  }

  const auto n = static_cast<std::size_t>(len);
  char* payload = data + header;
  unmask(payload, n, data + header - 4);
  const std::size_t used = header + n;
  const auto* bytes = reinterpret_cast<const unsigned char*>(payload);
  // The first `checked` payload bytes were checked while the frame arrived.
  const std::size_t checked = text && early_key_ == load_key(data + header - 4) && early_len_ == len ? early_checked_ : 0;
  early_checked_ = 0;
  early_len_ = 0;

  switch (op) {
    case opcode::ping:
      ev.what = event::kind::ping;
      ev.data = std::string_view(payload, n);
      return used;
    case opcode::pong:
      ev.what = event::kind::pong;
      ev.data = std::string_view(payload, n);
      return used;
    case opcode::close: {
      ev.what = event::kind::close;
      ev.code = close_code::no_status;
      if (n == 0) return used;
      if (n == 1) return fail(ev, close_code::protocol_error, "close frame of one byte");
      ev.code = static_cast<std::uint16_t>(big_endian(payload, 2));
      if (!valid_close_code(ev.code)) return fail(ev, close_code::protocol_error, "invalid close code");
      utf8_checker reason;
      if (!reason.feed(bytes + 2, n - 2) || !reason.complete()) {
        return fail(ev, close_code::bad_payload, "close reason is not UTF-8");
      }
      ev.data = std::string_view(payload + 2, n - 2);
      return used;
    }
    case opcode::text:
      if (checked == 0) utf8_.reset();
      if (!utf8_.feed(bytes + checked, n - checked)) return fail(ev, close_code::bad_payload, "text is not UTF-8");
      if (fin) {
        if (!utf8_.complete()) return fail(ev, close_code::bad_payload, "text is not UTF-8");
        ev.what = event::kind::text;
        ev.data = std::string_view(payload, n);
        return used;
      }
      in_message_ = true;
      message_text_ = true;
      message_size_ = n;
      message_.assign(payload, n);
      ev.what = event::kind::nothing;
      return used;
    case opcode::binary:
      if (!fin) {
        in_message_ = true;
        message_text_ = false;
        message_size_ = n;
      }
      ev.what = event::kind::binary;
      return used;
    case opcode::continuation:
      message_size_ += n;
      if (message_text_) {
        if (!utf8_.feed(bytes + checked, n - checked)) return fail(ev, close_code::bad_payload, "text is not UTF-8");
        message_.append(payload, n);
      }
      ev.what = event::kind::nothing;
      if (fin) {
        in_message_ = false;
        if (message_text_) {
          if (!utf8_.complete()) return fail(ev, close_code::bad_payload, "text is not UTF-8");
          ev.what = event::kind::text;
          ev.data = message_;
          delivered_ = true;
        }
        message_size_ = 0;
      }
      return used;
  }
  return fail(ev, close_code::protocol_error, "unknown opcode");
}

}  // namespace chat::server::ws
