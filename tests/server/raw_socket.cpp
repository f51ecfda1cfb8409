// POSIX TCP client for the hardening tests (see raw_socket.hpp).
#include "raw_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace chat::test {
namespace {

using clock = std::chrono::steady_clock;

int ms_left(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

raw_socket::raw_socket(std::uint16_t port, int receive_buffer, const char* from) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  if (from) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, from, &local.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
      ::close(fd_);
      throw std::runtime_error(std::string("cannot bind to ") + from);
    }
  }
  if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect failed");
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

raw_socket::~raw_socket() {
  if (fd_ >= 0) ::close(fd_);
}

bool raw_socket::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    pollfd p{fd_, POLLOUT, 0};
    if (ms_left(deadline) == 0 || ::poll(&p, 1, ms_left(deadline)) < 0) return false;
  }
  return true;
}

bool raw_socket::read_some(std::chrono::milliseconds timeout) {
  if (closed_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return ready == 0;  // nothing yet, or poll failed (treated as nothing)
  char buf[16384];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n > 0) {
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  closed_ = true;  // EOF, or a reset
  return false;
}

bool raw_socket::read_until(std::string_view marker, std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  while (in_.find(marker) == std::string::npos) {
    if (ms_left(deadline) == 0) return false;
    if (!read_some(std::chrono::milliseconds(ms_left(deadline)))) return in_.find(marker) != std::string::npos;
  }
  return true;
}

bool raw_socket::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  while (!closed_) {
    if (ms_left(deadline) == 0) return false;
    read_some(std::chrono::milliseconds(ms_left(deadline)));
  }
  return true;
}

void raw_socket::reset() {
  if (fd_ < 0) return;
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd_);
  fd_ = -1;
  closed_ = true;
}

void raw_socket::close() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  closed_ = true;
}

std::string upgrade_request(std::uint16_t port, const std::string& target, const std::string& token,
                            const std::string& extra) {
  std::string r = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                  "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  if (!token.empty()) r += "Cookie: session=" + token + "\r\n";
  r += extra;
  return r + "\r\n";
}

std::string long_frame_header(std::uint64_t n) {
  std::string h;
  h.push_back('\x81');
  h.push_back('\xff');
  for (int i = 7; i >= 0; --i) h.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  h.append("\x11\x22\x33\x44", 4);
  return h;
}

std::string client_frame(std::uint8_t opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) f.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
  for (unsigned char m : mask) f.push_back(static_cast<char>(m));
  for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return f;
}

int count_responses(std::string_view bytes) {
  int n = 0;
  for (std::size_t at = bytes.find("HTTP/1.1 "); at != std::string_view::npos; at = bytes.find("HTTP/1.1 ", at + 1)) {
    if (at == 0 || bytes.substr(at - 2, 2) == "\r\n") ++n;
  }
  return n;
}

unsigned first_status(std::string_view bytes) {
  if (bytes.rfind("HTTP/1.1 ", 0) != 0 || bytes.size() < 12) return 0;
  return static_cast<unsigned>(std::stoi(std::string(bytes.substr(9, 3))));
}

}  // namespace chat::test
