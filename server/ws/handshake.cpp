// The opening handshake's decisions: the refusals and the 101.
#include "ws/handshake.hpp"

#include "http/http_api.hpp"
#include "ws/ws_frame.hpp"

#include <chat/codes.hpp>

namespace chat::server::ws {

std::optional<http_response> refuse_upgrade_target(std::string_view path) {
  if (path != chat_socket_path) return json_error(404, http_error::not_found, "There is no such WebSocket.");
  return std::nullopt;
}

handshake_reply answer_upgrade(std::string_view version, std::string_view key, std::string_view early,
                               handshake_clock::time_point started, handshake_clock::time_point now,
                               std::chrono::seconds timeout) {
  handshake_reply reply;
  if (now - started > timeout) {
    reply.refusal = json_error(503, http_error::handshake_timeout, "Opening the connection took too long; try again.");
    return reply;
  }
  if (version != "13") {
    auto res = json_error(426, http_error::upgrade_required, "This server speaks WebSocket version 13.");
    res.set("Sec-WebSocket-Version", "13");
    reply.refusal = std::move(res);
    return reply;
  }
  if (!valid_key(key)) {
    reply.refusal = json_error(400, http_error::bad_request, "That is not a WebSocket handshake.");
    return reply;
  }
  reply.response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " + accept_key(key) + "\r\nServer: chatroom-server\r\n\r\n";
  reply.early = std::string(early);
  return reply;
}

}  // namespace chat::server::ws
