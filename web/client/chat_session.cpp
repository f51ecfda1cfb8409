// Event in, commands out (see chat_session.hpp).
#include "client/chat_session.hpp"

#include <type_traits>
#include <variant>

namespace chat::web {

ChatSession::ChatSession(ChatClient& client, Transport& transport) : client_(client), transport_(transport) {
  transport_.set_listener(this);
}

ChatSession::~ChatSession() { transport_.set_listener(nullptr); }

void ChatSession::pump() {
  for (auto& c : client_.take_commands()) {
    std::visit(
        [&](auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, cmd::OpenSocket>) transport_.open_socket(x.path);
          if constexpr (std::is_same_v<T, cmd::Send>) transport_.send(x.text);
          if constexpr (std::is_same_v<T, cmd::CloseSocket>) transport_.close_socket(x.code, x.reason);
          if constexpr (std::is_same_v<T, cmd::Http>) transport_.http(x.request);
          if constexpr (std::is_same_v<T, cmd::WakeAt>) transport_.wake_at(x.at_ms);
          if constexpr (std::is_same_v<T, cmd::SetTitle>) {
            if (on_title) on_title(x.title);
          }
        },
        c);
  }
  if (on_change) on_change();
}

void ChatSession::on_socket_open() {
  apply([](ChatClient& c, std::int64_t now) { c.on_socket_open(now); });
}

void ChatSession::on_socket_frame(std::string_view text) {
  apply([&](ChatClient& c, std::int64_t now) { c.on_socket_frame(text, now); });
}

void ChatSession::on_socket_close(int code, std::string_view reason) {
  apply([&](ChatClient& c, std::int64_t now) { c.on_socket_close(code, reason, now); });
}

void ChatSession::on_http(const HttpResponse& response) {
  apply([&](ChatClient& c, std::int64_t now) { c.on_http(response, now); });
}

void ChatSession::on_wake() {
  apply([](ChatClient& c, std::int64_t now) { c.tick(now); });
}

}  // namespace chat::web
