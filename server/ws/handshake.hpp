// The chat socket's opening handshake (RFC 6455 §4.2) as decisions on plain
// values, without sockets or Beast: which upgrade requests are refused before
// the session check (404), which after it (426, 400, and 503 when the
// handshake took longer than its timeout), and the bytes of the 101 that
// accepts the rest. http_session reads the request, asks http_api for the
// session check, and only carries out what these functions decide.
#pragma once

#include "http/http_types.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace chat::server::ws {

using handshake_clock = std::chrono::steady_clock;

/** Before the session check: 404 unless `path` is the chat socket's. */
std::optional<http_response> refuse_upgrade_target(std::string_view path);

/** The answer to an admitted upgrade request: the 101's bytes, or a refusal
 *  after which the connection closes. */
struct handshake_reply {
  std::optional<http_response> refusal;
  std::string response;  ///< the 101 Switching Protocols, head only, when accepted
  std::string early;     ///< client bytes that came right after the request: they belong to the WebSocket
};

/** After the session check admitted the request: 503 `handshake_timeout` if
 *  more than `timeout` passed from `started` (the accepted connection, or the
 *  end of the response before it on a kept-alive one) to `now`; else 426
 *  unless `version` is "13", 400 unless `key` is a Sec-WebSocket-Key; else
 *  the 101 with its Sec-WebSocket-Accept, and `early` (bytes read past the
 *  request) kept for the WebSocket. */
handshake_reply answer_upgrade(std::string_view version, std::string_view key, std::string_view early,
                               handshake_clock::time_point started, handshake_clock::time_point now,
                               std::chrono::seconds timeout);

}  // namespace chat::server::ws
