// client_driver wires a chat_client to a transport: it feeds transport events to
// the client with the current time and carries out the client's commands.
// Plain C++: the same glue runs in the browser, in Node and in native tests.
#pragma once

#include "client/chat_client.hpp"
#include "transport/transport.hpp"

#include <functional>
#include <string>

namespace chat::web {

/** Runs a chat_client over a transport. */
class client_driver final : public transport_listener {
 public:
  client_driver(chat_client& client, transport& transport);
  ~client_driver() override;
  client_driver(const client_driver&) = delete;
  client_driver& operator=(const client_driver&) = delete;

  /** Called with the new document title whenever it changes. */
  std::function<void(const std::string&)> on_title;
  /** Called after every change the client went through (the UI redraws). */
  std::function<void()> on_change;

  /** Carries out what the client asked for since the last call. */
  void pump();

  /** Runs `event` on the client with the current time, then pump(). */
  template <class F>
  void apply(F&& event) {
    event(client_, transport_.now_ms());
    pump();
  }

  void on_socket_open() override;
  void on_socket_message(std::string_view text) override;
  void on_socket_close(int code, std::string_view reason) override;
  void on_http(const http_response& response) override;
  void on_wake() override;

 private:
  chat_client& client_;
  transport& transport_;
};

}  // namespace chat::web
