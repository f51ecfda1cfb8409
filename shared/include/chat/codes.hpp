// The codes the chat puts on the wire, defined once for the server and the
// client: WebSocket close codes (docs/protocol.md §5, RFC 6455 §7.4), the
// `code` of an `error` event (docs/protocol.md §4) and the `error` of an HTTP
// error answer (docs/protocol.md §2). tests/shared/codes_test.cpp
// checks them against the protocol document.
#pragma once

#include <cstdint>

namespace chat {

/** WebSocket close codes. */
namespace close_code {
inline constexpr std::uint16_t normal = 1000;           ///< logout, a replaced socket
inline constexpr std::uint16_t going_away = 1001;       ///< the server is shutting down
inline constexpr std::uint16_t protocol_error = 1002;   ///< a frame that breaks RFC 6455
inline constexpr std::uint16_t unknown_data = 1003;     ///< a binary frame
inline constexpr std::uint16_t no_status = 1005;        ///< never sent: a close frame without a code
inline constexpr std::uint16_t abnormal = 1006;         ///< never sent: the socket failed or never opened
inline constexpr std::uint16_t bad_payload = 1007;      ///< text that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008; ///< never sent by this server; a client reads it as "log in again"
inline constexpr std::uint16_t too_big = 1009;          ///< a message over the frame size limit
inline constexpr std::uint16_t internal_error = 1011;   ///< the server could not serve the socket (the store failed)
inline constexpr std::uint16_t try_again_later = 1013;  ///< the outgoing queue overflowed
inline constexpr std::uint16_t rate_limited = 4029;     ///< sustained flooding
inline constexpr std::uint16_t session_ended = 4401;    ///< the session the socket was opened with ended
}  // namespace close_code

/** The `code` of an `error` event: why a request was refused. */
namespace wire_error {
inline constexpr char too_long[] = "too_long";          ///< a body over max_message_chars
inline constexpr char empty[] = "empty";                ///< a blank body
inline constexpr char invalid_utf8[] = "invalid_utf8";  ///< text that is not UTF-8
inline constexpr char bad_request[] = "bad_request";    ///< malformed JSON, unknown type, wrong field types
inline constexpr char rate_limited[] = "rate_limited";  ///< over the message rate; dropped
inline constexpr char busy[] = "busy";                  ///< the queue of messages to store is full; not stored
inline constexpr char unavailable[] = "unavailable";    ///< the store failed; not stored, or no history page
inline constexpr char quota_exceeded[] = "quota_exceeded";  ///< the sender's stored messages reached its quota; not stored
}  // namespace wire_error

/** The `error` of an HTTP error answer (`{"error":…,"message":…}`), with its status. */
namespace http_error {
inline constexpr char bad_request[] = "bad_request";                ///< 400
inline constexpr char bad_credentials[] = "bad_credentials";        ///< 401: wrong username or password
inline constexpr char unauthorized[] = "unauthorized";              ///< 401: no live session
inline constexpr char forbidden_origin[] = "forbidden_origin";      ///< 403
inline constexpr char forbidden_address[] = "forbidden_address";    ///< 403: GET /metrics from an address not allowed
inline constexpr char account_disabled[] = "account_disabled";      ///< 403: the right password of a disabled account
inline constexpr char username_mismatch[] = "username_mismatch";    ///< 403: the upgrade's username is not the session's
inline constexpr char username_taken[] = "username_taken";          ///< 403: a guest name of a registered user
inline constexpr char not_found[] = "not_found";                    ///< 404
inline constexpr char method_not_allowed[] = "method_not_allowed";  ///< 405
inline constexpr char misdirected_request[] = "misdirected_request";  ///< 421: a Host the server does not serve
inline constexpr char body_too_large[] = "body_too_large";          ///< 413
inline constexpr char upgrade_required[] = "upgrade_required";      ///< 426
inline constexpr char throttled[] = "throttled";                    ///< 429
inline constexpr char connecting_too_fast[] = "connecting_too_fast";  ///< 429: upgrades from one address over --connect-rate
inline constexpr char too_many_address_connections[] = "too_many_address_connections";  ///< 429: --max-connections-per-address
inline constexpr char too_many_user_connections[] = "too_many_user_connections";        ///< 429: --max-connections-per-user
inline constexpr char headers_too_large[] = "headers_too_large";    ///< 431
inline constexpr char internal[] = "internal";                      ///< 500
inline constexpr char busy[] = "busy";                              ///< 503: a full queue (logins, the store)
inline constexpr char unavailable[] = "unavailable";                ///< 503: the database failed
inline constexpr char shutting_down[] = "shutting_down";            ///< 503
inline constexpr char handshake_timeout[] = "handshake_timeout";    ///< 503: the upgrade took too long
}  // namespace http_error

}  // namespace chat
