// Events in, commands out (see client_driver.hpp).
#include "client/client_driver.hpp"

#include <type_traits>
#include <variant>

namespace chat::web {

client_driver::client_driver(chat_client& client, transport& transport) : client_(client), transport_(transport) {
  transport_.set_listener(this);
}

client_driver::~client_driver() { transport_.set_listener(nullptr); }

void client_driver::pump() {
  for (auto& c : client_.take_commands()) {
    std::visit(
        [&](auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, cmd::open_socket>) transport_.open_socket(x.path);
          if constexpr (std::is_same_v<T, cmd::send>) transport_.send(x.text);
          if constexpr (std::is_same_v<T, cmd::close_socket>) transport_.close_socket(x.code, x.reason);
          if constexpr (std::is_same_v<T, cmd::http>) transport_.http(x.request);
          if constexpr (std::is_same_v<T, cmd::wake_at>) transport_.wake_at(x.at_ms);
          if constexpr (std::is_same_v<T, cmd::set_title>) {
            if (on_title) on_title(x.title);
          }
        },
        c);
  }
  if (on_change) on_change();
}

void client_driver::on_socket_open() {
  apply([](chat_client& c, std::int64_t now) { c.on_socket_open(now); });
}

void client_driver::on_socket_message(std::string_view text) {
  apply([&](chat_client& c, std::int64_t now) { c.on_socket_message(text, now); });
}

void client_driver::on_socket_close(int code, std::string_view reason) {
  apply([&](chat_client& c, std::int64_t now) { c.on_socket_close(code, reason, now); });
}

void client_driver::on_http(const http_response& response) {
  apply([&](chat_client& c, std::int64_t now) { c.on_http(response, now); });
}

void client_driver::on_wake() {
  apply([](chat_client& c, std::int64_t now) { c.tick(now); });
}

}  // namespace chat::web
