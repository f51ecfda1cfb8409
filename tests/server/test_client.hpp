// Test clients over real loopback sockets: HTTP requests (also raw bytes, for
// the traversal cases) and a WebSocket client with deadlines on every wait.
// Beast stays inside test_client.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace chat::test {

using headers = std::vector<std::pair<std::string, std::string>>;
using namespace std::chrono_literals;

/** An HTTP response as a client sees it; header names are lower-case. */
struct http_reply {
  unsigned status = 0;
  std::map<std::string, std::string> fields;
  std::string body;
  bool has(const std::string& name) const { return fields.count(name) > 0; }
  std::string header(const std::string& name) const {
    const auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  }
};

/** One request on a new connection (Connection: close). Throws on a socket error or timeout. */
http_reply http(std::uint16_t port, const std::string& method, const std::string& target, const headers& h = {},
                const std::string& body = {});

/** Like http(), from another local address (`from`, such as 127.0.0.2): the server sees that peer. */
http_reply http_from(const std::string& from, std::uint16_t port, const std::string& method, const std::string& target,
                     const headers& h = {}, const std::string& body = {});

/** Sends `raw` bytes as the whole request and parses whatever response comes back. */
http_reply http_raw(std::uint16_t port, const std::string& raw);

/** Like http(), over TLS (the server's certificate is not verified: tests use self-signed ones). */
http_reply https(std::uint16_t port, const std::string& method, const std::string& target, const headers& h = {},
                 const std::string& body = {});

/** A keep-alive HTTP connection for several requests in a row. */
class http_connection {
 public:
  explicit http_connection(std::uint16_t port);
  ~http_connection();
  http_reply request(const std::string& method, const std::string& target, const headers& h = {},
                     const std::string& body = {});

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/** Logs in; returns the token (throws unless 200). */
std::string login(std::uint16_t port, const std::string& user, const std::string& password);

/** A WebSocket client of /websocket/chatroom. */
class ws_client {
 public:
  /** Connects and completes the upgrade (throws if refused). `target` is the
   *  path and query; `token` (if any) goes in a session cookie. A small
   *  receive buffer makes a non-reading client fill up quickly. With `tls`
   *  it speaks wss (the certificate is not verified). */
  ws_client(std::uint16_t port, const std::string& target, const std::string& token = {}, const headers& h = {},
            bool small_receive_buffer = false, bool tls = false);
  ~ws_client();

  void send_text(const std::string& text);
  void send_binary(const std::string& data);

  /** The next text frame, or nullopt if none came within `timeout` or the socket closed. The default
   *  is a deadline for a server round trip on a loaded machine under ASan, not a "nothing came" wait. */
  std::optional<std::string> read(std::chrono::milliseconds timeout = 10000ms);
  /** Reads until the server closes (true) or the deadline passes (false), discarding frames into `seen`. */
  bool wait_closed(std::chrono::milliseconds timeout = 10000ms, std::vector<std::string>* seen = nullptr);
  bool closed() const;
  /** The close code the server sent (0 if none yet / the socket just dropped). */
  std::uint16_t close_code() const;
  /** Sends a normal close and waits (bounded) for the answer. */
  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/** The HTTP status of an upgrade request to `target` (101 when accepted). */
unsigned upgrade_status(std::uint16_t port, const std::string& target, const headers& h = {});

}  // namespace chat::test
