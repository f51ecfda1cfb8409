// What chat_client asks its shell to do (commands) and what the shell reports
// back (HTTP responses). Plain data: the browser shell, the Node harness and
// the native tests all carry these out the same way.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace chat::web {

/** Which API call a request is, so its response can be routed. */
enum class http_kind { me, login, employees, logout };

/** One same-origin HTTP request; `path` starts with "/api/". */
struct http_request {
  std::uint64_t id = 0;
  http_kind kind = http_kind::me;
  std::string method;  ///< "GET" or "POST"
  std::string path;
  std::string body;  ///< JSON, empty for GET
  bool keepalive = false;  ///< the request outlives the page (a reload or close does not cancel it)
  friend bool operator==(const http_request&, const http_request&) = default;
};

/** The answer to http_request `id`. `status` 0 means the server could not be reached. */
struct http_response {
  std::uint64_t id = 0;
  int status = 0;
  std::string body;
  int retry_after_s = -1;  ///< the Retry-After header in seconds, -1 when absent
};

namespace cmd {
/** Open the WebSocket at this same-origin path (with ?v=1 and since=). */
struct open_socket {
  std::string path;
  friend bool operator==(const open_socket&, const open_socket&) = default;
};
/** Send one text frame on the open socket. */
struct send {
  std::string text;
  friend bool operator==(const send&, const send&) = default;
};
/** Close the socket; no close event is expected back for it. */
struct close_socket {
  int code = 1000;
  std::string reason;
  friend bool operator==(const close_socket&, const close_socket&) = default;
};
/** Start an HTTP request; the shell reports its http_response. */
struct http {
  http_request request;
  friend bool operator==(const http&, const http&) = default;
};
/** Call tick() at (or soon after) this time, in epoch milliseconds. */
struct wake_at {
  std::int64_t at_ms = 0;
  friend bool operator==(const wake_at&, const wake_at&) = default;
};
/** Show this as the document (tab) title. */
struct set_title {
  std::string title;
  friend bool operator==(const set_title&, const set_title&) = default;
};
}  // namespace cmd

using command = std::variant<cmd::open_socket, cmd::send, cmd::close_socket, cmd::http, cmd::wake_at, cmd::set_title>;

}  // namespace chat::web
