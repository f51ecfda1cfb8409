// The frames of the WebSocket protocol (docs/protocol.md §4), both directions:
// encode to a JSON text frame, decode into a frame or a ProtocolError. Decoding
// never throws and never aborts (it also runs inside the wasm client).
#pragma once

#include <chat/model.hpp>
#include <chat/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chat {

// ---------------------------------------------------------------- server → client

/** `welcome`: who you are, who is online, and the newest message id (v=1 only). */
struct WelcomeFrame {
  User user;
  std::vector<std::string> online;
  std::int64_t last_id = 0;
  friend bool operator==(const WelcomeFrame&, const WelcomeFrame&) = default;
};

/** `history`: stored messages in id order. `limited` says older ones exist
 *  that this frame left out; `before` echoes a history request (extension). */
struct HistoryFrame {
  std::vector<ChatMessage> messages;
  bool limited = false;
  std::optional<std::int64_t> before;
  friend bool operator==(const HistoryFrame&, const HistoryFrame&) = default;
};

enum class PresenceEvent { join, leave };

/** `presence`: someone came online or went offline; `online` is the whole list. */
struct PresenceFrame {
  PresenceEvent event = PresenceEvent::join;
  std::string username;
  std::vector<std::string> online;
  friend bool operator==(const PresenceFrame&, const PresenceFrame&) = default;
};

/** `error`: a refused request. `client_id` names the refused send (extension). */
struct ErrorFrame {
  std::string code;
  std::string message;
  std::string client_id;
  friend bool operator==(const ErrorFrame&, const ErrorFrame&) = default;
};

/** A `message` frame is the ChatMessage itself. */
using ServerFrame = std::variant<ChatMessage, WelcomeFrame, HistoryFrame, PresenceFrame, ErrorFrame>;

// ---------------------------------------------------------------- client → server

/** A message to post. `plain` marks the seed's plain-text form (no JSON, no client_id). */
struct SendFrame {
  std::string message;
  std::string client_id;
  bool plain = false;
  friend bool operator==(const SendFrame&, const SendFrame&) = default;
};

/** A request for an older page: messages with id < before (all, if absent), newest `limit`. */
struct HistoryRequest {
  std::optional<std::int64_t> before;
  std::int64_t limit = 50;
  friend bool operator==(const HistoryRequest&, const HistoryRequest&) = default;
};

using ClientFrame = std::variant<SendFrame, HistoryRequest>;

// ---------------------------------------------------------------- encode / decode

std::string encode(const ChatMessage& m);
std::string encode(const WelcomeFrame& f);
std::string encode(const HistoryFrame& f);
std::string encode(const PresenceFrame& f);
std::string encode(const ErrorFrame& f);
std::string encode(const ServerFrame& f);

std::string encode(const SendFrame& f);
std::string encode(const HistoryRequest& f);
std::string encode(const ClientFrame& f);

/** Decodes what a client sent. Any text frame that is not a JSON object with a
 *  "type" member is a message body (the seed's plain-text send). Errors:
 *  invalid_utf8, bad_request (wrong types, missing fields, unknown type, too deep). */
Result<ClientFrame> decode_client(std::string_view text);

/** Decodes what the server sent. Also accepts the seed server's flat
 *  {"username","message","time"} object as a message frame. */
Result<ServerFrame> decode_server(std::string_view text);

/** A User as the API's JSON object text (for the HTTP layer and tests). */
std::string encode_user(const User& u);
Result<User> decode_user(std::string_view json_text);
/** A JSON array of Users, as GET /api/employees answers. */
std::string encode_users(const std::vector<User>& users);
Result<std::vector<User>> decode_users(std::string_view json_text);

/** True if `id` is a well-formed client_id (1..64 of [A-Za-z0-9-_.:]). */
bool is_valid_client_id(std::string_view id);

}  // namespace chat
