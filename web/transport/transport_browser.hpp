// The transport of a browser (or of Node with `ws` and fetch): one WebSocket
// through emscripten/websocket.h, HTTP through fetch(), setTimeout for wake-ups.
#pragma once

#include "transport/transport.hpp"

#include <cstdint>

namespace chat::web {

/** Minutes east of UTC at an instant, from the JS Date of the host. */
int local_utc_offset_minutes(std::int64_t epoch_ms);

class browser_transport final : public transport {
 public:
  browser_transport() = default;
  ~browser_transport() override;
  browser_transport(const browser_transport&) = delete;
  browser_transport& operator=(const browser_transport&) = delete;

  void set_listener(transport_listener* listener) override { listener_ = listener; }
  void open_socket(const std::string& path) override;
  void send(const std::string& text) override;
  void close_socket(int code, const std::string& reason) override;
  void http(const http_request& request) override;
  void wake_at(std::int64_t at_ms) override;
  std::int64_t now_ms() const override;

  /** Entry points for the callbacks (C linkage glue calls these). */
  void deliver_http(std::uint64_t id, int status, const char* body, int retry_after);
  void deliver_wake();
  transport_listener* listener() const { return listener_; }

 private:
  void drop_socket();

  transport_listener* listener_ = nullptr;
  int socket_ = 0;  // EMSCRIPTEN_WEBSOCKET_T, 0 = none
  long timer_ = 0;
};

}  // namespace chat::web
