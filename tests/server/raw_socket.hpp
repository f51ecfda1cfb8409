// A plain TCP client over POSIX sockets for the hardening tests: exact bytes
// out (half requests, smuggling shapes, masked WebSocket frames by hand),
// everything that comes back until the server closes, and ways to vanish
// (a reset without a close). Every wait has a deadline. No Beast here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat::test {

/** One connection to 127.0.0.1:port. */
class raw_socket {
 public:
  /** Connects; a `receive_buffer` > 0 shrinks the kernel's receive buffer first; `from` (an
   *  IPv4 address such as another loopback one, 127.0.0.2) is the address to connect from.
   *  Throws on failure. */
  explicit raw_socket(std::uint16_t port, int receive_buffer = 0, const char* from = nullptr);
  ~raw_socket();
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  /** Sends all of `bytes`; false if the connection failed (reset, closed) or the deadline passed. */
  bool send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /** Reads until `marker` has arrived (true) or the deadline passes or the peer closes (false). */
  bool read_until(std::string_view marker, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /** Reads until the peer closes (EOF or reset: true) or the deadline passes (false). */
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /** Reads what arrives within `timeout` (at most one read); false once nothing more can come. */
  bool read_for(std::chrono::milliseconds timeout) { return read_some(timeout); }

  /** Everything received so far. */
  const std::string& received() const { return in_; }
  bool closed() const { return closed_; }

  /** Closes at once with a TCP reset (SO_LINGER 0): the peer gets no close, no FIN. */
  void reset();
  /** Closes normally (FIN). */
  void close();

 private:
  /** Reads what is there within `timeout`; false when nothing more can come. */
  bool read_some(std::chrono::milliseconds timeout);

  int fd_ = -1;
  std::string in_;
  bool closed_ = false;
};

/** The bytes of a WebSocket upgrade request for `target` (path and query),
 *  with a session cookie when `token` is set and any `extra` header lines. */
std::string upgrade_request(std::uint16_t port, const std::string& target, const std::string& token = {},
                            const std::string& extra = {});

/** One masked client frame (FIN set): opcode 1 text, 2 binary, 8 close, 9 ping. */
std::string client_frame(std::uint8_t opcode, std::string_view payload);
/** The 14-byte header of a masked client text frame announcing `n` payload bytes (64-bit length form), no payload. */
std::string long_frame_header(std::uint64_t n);

/** The number of HTTP responses in `bytes` (status lines). */
int count_responses(std::string_view bytes);

/** The status of the first HTTP response in `bytes`, 0 if none. */
unsigned first_status(std::string_view bytes);

}  // namespace chat::test
