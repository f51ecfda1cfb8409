// ChatSession wires a ChatClient to a Transport: it feeds transport events to
// the client with the current time and carries out the client's commands.
// Plain C++: the same glue runs in the browser, in Node and in native tests.
#pragma once

#include "client/chat_client.hpp"
#include "transport/transport.hpp"

#include <functional>
#include <string>

namespace chat::web {

/** Runs a ChatClient over a Transport. */
class ChatSession final : public TransportListener {
 public:
  ChatSession(ChatClient& client, Transport& transport);
  ~ChatSession() override;
  ChatSession(const ChatSession&) = delete;
  ChatSession& operator=(const ChatSession&) = delete;

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
  void on_socket_frame(std::string_view text) override;
  void on_socket_close(int code, std::string_view reason) override;
  void on_http(const HttpResponse& response) override;
  void on_wake() override;

 private:
  ChatClient& client_;
  Transport& transport_;
};

}  // namespace chat::web
