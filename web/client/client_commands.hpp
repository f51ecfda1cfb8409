// What ChatClient asks its shell to do (commands) and what the shell reports
// back (HTTP responses). Plain data: the browser shell, the Node harness and
// the native tests all carry these out the same way.
#pragma once

#include <chat/codes.hpp>

#include <cstdint>
#include <string>
#include <variant>

namespace chat::web {

/** Which API call a request is, so its response can be routed. */
enum class HttpKind { me, login, employees, logout };

/** One same-origin HTTP request; `path` starts with "/api/". */
struct HttpRequest {
  std::uint64_t id = 0;
  HttpKind kind = HttpKind::me;
  std::string method;  ///< "GET" or "POST"
  std::string path;
  std::string body;  ///< JSON, empty for GET
  bool keepalive = false;  ///< the request outlives the page (a reload or close does not cancel it)
  friend bool operator==(const HttpRequest&, const HttpRequest&) = default;
};

/** The answer to HttpRequest `id`. `status` 0 means the server could not be reached. */
struct HttpResponse {
  std::uint64_t id = 0;
  int status = 0;
  std::string body;
  int retry_after_s = -1;  ///< the Retry-After header in seconds, -1 when absent
};

namespace cmd {
/** Open the WebSocket at this same-origin path (with ?v=1 and since=). */
struct OpenSocket {
  std::string path;
  friend bool operator==(const OpenSocket&, const OpenSocket&) = default;
};
/** Send one text frame on the open socket. */
struct Send {
  std::string text;
  friend bool operator==(const Send&, const Send&) = default;
};
/** Close the socket; no close event is expected back for it. */
struct CloseSocket {
  int code = close_code::normal;
  std::string reason;
  friend bool operator==(const CloseSocket&, const CloseSocket&) = default;
};
/** Start an HTTP request; the shell reports its HttpResponse. */
struct Http {
  HttpRequest request;
  friend bool operator==(const Http&, const Http&) = default;
};
/** Call tick() at (or soon after) this time, in epoch milliseconds. */
struct WakeAt {
  std::int64_t at_ms = 0;
  friend bool operator==(const WakeAt&, const WakeAt&) = default;
};
/** Show this as the document (tab) title. */
struct SetTitle {
  std::string title;
  friend bool operator==(const SetTitle&, const SetTitle&) = default;
};
}  // namespace cmd

using Command = std::variant<cmd::OpenSocket, cmd::Send, cmd::CloseSocket, cmd::Http, cmd::WakeAt, cmd::SetTitle>;

}  // namespace chat::web
