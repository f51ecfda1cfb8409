// The frames of the WebSocket protocol (docs/protocol.md §4), both directions:
// encode to a JSON text frame, decode into a frame or a protocol_error. Decoding
// never throws and never aborts (it also runs inside the wasm client).
#pragma once

#include <chat/model.hpp>
#include <chat/result.hpp>
#include <chat/validation.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chat {

// ---------------------------------------------------------------- server → client

/** `welcome`: who you are, who is online, and the newest message id (v=1 only). */
struct welcome_event {
  user_profile user;
  std::vector<std::string> online;
  std::int64_t last_id = 0;
  friend bool operator==(const welcome_event&, const welcome_event&) = default;
};

/** `history`: stored messages in id order. `limited` says older ones exist
 *  that this frame left out; `before` echoes a history request (extension).
 *  `horizon`, on a frame that reaches the start of the stored history (not
 *  limited) when retention removed messages: ids <= horizon are gone for
 *  good, so history starts after it. */
struct history_event {
  std::vector<chat_message> messages;
  bool limited = false;
  std::optional<std::int64_t> before;
  std::optional<std::int64_t> horizon = std::nullopt;
  friend bool operator==(const history_event&, const history_event&) = default;
};

enum class presence_change { join, leave };

/** `presence`: someone came online or went offline; `online` is the whole list. */
struct presence_event {
  presence_change event = presence_change::join;
  std::string username;
  std::vector<std::string> online;
  friend bool operator==(const presence_event&, const presence_event&) = default;
};

/** `error`: a refused request. `client_id` names the refused send (extension). */
struct error_event {
  std::string code;
  std::string message;
  std::string client_id;
  friend bool operator==(const error_event&, const error_event&) = default;
};

/** A `message` frame is the chat_message itself. */
using server_event = std::variant<chat_message, welcome_event, history_event, presence_event, error_event>;

// ---------------------------------------------------------------- client → server

/** A message to post. `plain` marks the seed's plain-text form (no JSON, no client_id). */
struct send_request {
  std::string message;
  std::string client_id;
  bool plain = false;
  friend bool operator==(const send_request&, const send_request&) = default;
};

/** A request for an older page: messages with id < before (all, if absent), newest `limit`. */
struct history_request {
  std::optional<std::int64_t> before;
  std::int64_t limit = 50;
  friend bool operator==(const history_request&, const history_request&) = default;
};

using client_request = std::variant<send_request, history_request>;

// ---------------------------------------------------------------- encode / decode

std::string encode(const chat_message& m);
std::string encode(const welcome_event& f);
std::string encode(const history_event& f);
std::string encode(const presence_event& f);
std::string encode(const error_event& f);
std::string encode(const server_event& f);

std::string encode(const send_request& f);
std::string encode(const history_request& f);
std::string encode(const client_request& f);

/** Decodes what a client sent. Any text frame that is not a JSON object with a
 *  "type" member is a message body (the seed's plain-text send). Errors:
 *  invalid_utf8, bad_request (wrong types, missing fields, unknown type, too deep). */
decode_result<client_request> decode_client(std::string_view text);
/** The same for text already known to be UTF-8 (never invalid_utf8). The
 *  strings of what it returns are valid UTF-8 too: JSON strings of valid text
 *  decode to valid text (a lone surrogate escape makes the JSON unreadable). */
decode_result<client_request> decode_client(valid_utf8 text);

/** Decodes what the server sent. Also accepts the seed server's flat
 *  {"username","message","time"} object as a message frame. */
decode_result<server_event> decode_server(std::string_view text);

/** A User as the API's JSON object text (for the HTTP layer and tests). */
std::string encode_user(const user_profile& u);
decode_result<user_profile> decode_user(std::string_view json_text);
/** A JSON array of Users, as GET /api/employees answers. */
std::string encode_users(const std::vector<user_profile>& users);
decode_result<std::vector<user_profile>> decode_users(std::string_view json_text);

/** True if `id` is a well-formed client_id (1..64 of [A-Za-z0-9-_.:]). */
bool is_valid_client_id(std::string_view id);

}  // namespace chat
