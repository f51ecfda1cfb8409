// The small interface between chat_client's commands and the outside world:
// one WebSocket, same-origin HTTP, a wake-up timer and the clock. The browser
// implementation (transport_browser.cpp) wraps emscripten/websocket.h and
// fetch(); tests use a fake.
#pragma once

#include "client/client_commands.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace chat::web {

/** What a transport reports. */
class transport_listener {
 public:
  virtual ~transport_listener() = default;
  virtual void on_socket_open() = 0;
  virtual void on_socket_message(std::string_view text) = 0;
  /** The socket closed or failed; `code` is the close code (1006 when it never opened). */
  virtual void on_socket_close(int code, std::string_view reason) = 0;
  virtual void on_http(const http_response& response) = 0;
  virtual void on_wake() = 0;
};

/** One WebSocket at a time, HTTP requests, one timer. */
class transport {
 public:
  virtual ~transport() = default;
  virtual void set_listener(transport_listener* listener) = 0;
  /** Opens a socket to this same-origin path, replacing (silently) any previous one. */
  virtual void open_socket(const std::string& path) = 0;
  virtual void send(const std::string& text) = 0;
  /** Closes the socket; its close event is not reported. */
  virtual void close_socket(int code, const std::string& reason) = 0;
  virtual void http(const http_request& request) = 0;
  /** Calls on_wake() at about `at_ms` (epoch ms), replacing the previous timer. */
  virtual void wake_at(std::int64_t at_ms) = 0;
  virtual std::int64_t now_ms() const = 0;
};

}  // namespace chat::web
