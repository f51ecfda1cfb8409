// Every limit of the system, in one place. docs/protocol.md quotes these values;
// the server's command-line flags default to them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chat::limits {

// --- protocol (PROTOCOL.md §4) ---------------------------------------------
/// Longest message body, in Unicode code points, after trimming.
inline constexpr std::size_t max_message_chars = 4000;
/// The client starts warning when the composer holds this many characters.
inline constexpr std::size_t warn_message_chars = 3600;
/// Largest WebSocket frame a client may send; larger ones close with 1009.
inline constexpr std::size_t max_frame_bytes = 64 * 1024;
/// Messages in the history frame sent on connect (without since=).
inline constexpr std::size_t history_on_connect = 50;
/// Largest page a history request gets, whatever limit it asks for.
inline constexpr std::size_t history_max_page = 200;
/// History requests of one connection are answered one at a time, in order;
/// at most this many may wait behind the one being answered, one more closes
/// the socket with 1013 (it can reconnect with since=).
inline constexpr std::size_t max_waiting_history_requests = 16;
/// Most messages a since= resume sends at once; beyond it `limited` is true and
/// the client pages back with history requests.
inline constexpr std::size_t resume_max = 1000;
/// Largest history frame (or a seed client's resume), in bytes of encoded
/// messages: a page that would be bigger keeps its newest messages and says
/// `limited` (the client pages back). The server also keeps history frames
/// within half of a socket's queue bound.
inline constexpr std::size_t max_history_frame_bytes = 256 * 1024;
/// History reads (a history request, a since= resume on connect) per
/// connection: a bucket of `history_burst` refilled at `history_per_second`
/// (--history-rate, --history-burst); per user (a guest: per address) twice
/// both. A read beyond the buckets waits for its token; one that would wait
/// longer than history_max_wait_s is refused (a request: error rate_limited;
/// a join: close 1013).
inline constexpr double history_per_second = 4.0;
inline constexpr double history_burst = 8.0;
inline constexpr int history_max_wait_s = 10;
/// Longest client_id, in bytes (ASCII letters, digits, '-', '_', '.', ':').
inline constexpr std::size_t max_client_id_bytes = 64;
/// Longest username, in bytes (ASCII letters, digits, '.', '_', '-').
inline constexpr std::size_t max_username_bytes = 32;
/// Deepest JSON nesting decoded; deeper input is refused before parsing.
inline constexpr int max_json_depth = 32;

// --- conversations (the v2 design of docs/protocol.md §6; store-side so far) --
/// Longest room name, in Unicode code points after trimming (at least one).
inline constexpr std::size_t max_room_name_chars = 64;
/// Longest room topic, in Unicode code points after trimming (may be empty).
inline constexpr std::size_t max_room_topic_chars = 250;
/// Most members of a direct message (the smallest is two).
inline constexpr std::size_t max_dm_members = 8;

// --- server ------------------------------------------------------------------
/// A session's outgoing queue may hold this many bytes / frames; past either
/// bound the client is closed with 1013 (it can resume with since=).
inline constexpr std::size_t max_queue_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_queue_frames = 4096;
/// Per-user message rate: a token bucket of `rate_burst` refilled at
/// `rate_per_second`. Each refused message gets error rate_limited; after
/// `rate_strikes` refusals within one burst window the socket closes with 4029.
inline constexpr double rate_per_second = 5.0;
inline constexpr double rate_burst = 20.0;
inline constexpr int rate_strikes = 10;
/// WebSocket handshake and idle timeouts; the server pings at half the idle time.
inline constexpr int ws_handshake_timeout_s = 30;
inline constexpr int ws_idle_timeout_s = 60;
/// A client frame (or fragmented message) must arrive whole within this many
/// seconds of its first byte; else the socket closes with 1013 (--frame-timeout).
inline constexpr int ws_frame_timeout_s = 15;
/// Bytes held for clients' unfinished frames (and fragmented messages), per
/// client address (IPv6: per /64) and in all; a growth past either closes that
/// socket with 1013 (--max-partial-bytes-per-address, --max-partial-bytes).
inline constexpr std::size_t max_partial_bytes_per_address = 2 * 1024 * 1024;
inline constexpr std::size_t max_partial_bytes = 64 * 1024 * 1024;
/// Open WebSockets per user (tabs, devices) and per client address (IPv6: per /64;
/// an office behind one NAT), and upgrade attempts per address: a bucket of
/// connect_burst refilled at connect_rate a second (a restart's reconnect storm
/// of an office fits the burst). Flags --max-connections-per-user,
/// --max-connections-per-address, --connect-rate, --connect-burst.
inline constexpr std::size_t max_connections_per_user = 32;
inline constexpr std::size_t max_connections_per_address = 2000;
inline constexpr double connect_rate = 50.0;
inline constexpr double connect_burst = 500.0;
/// Presence events: at most one per client per this interval, with the list as it is then.
inline constexpr int presence_interval_ms = 1000;
/// HTTP: header and body limits and the time allowed to send a request.
inline constexpr std::size_t max_http_header_bytes = 8 * 1024;
inline constexpr std::size_t max_http_body_bytes = 16 * 1024;
/// Most bytes of a request held unparsed at once (a chunk header with its
/// extensions must fit); past it the request gets 400.
inline constexpr std::size_t max_http_read_buffer_bytes = max_http_header_bytes + max_http_body_bytes;
inline constexpr int http_read_timeout_s = 15;
/// Time allowed to send one response (big files to slow clients included).
inline constexpr int http_write_timeout_s = 120;
/// Login throttling (docs/security.md): failures are counted per (username,
/// client address) and per client address (IPv4 /32, IPv6 /64). A key that
/// reaches its limit is locked (429 with Retry-After) for login_lock_first_s,
/// doubling with each further lock up to login_lock_max_s; a key without a
/// failure or a lock for login_quiet_reset_s starts afresh. A correct password
/// clears its (username, address) key; nothing else is ever locked.
inline constexpr int login_max_failures = 5;
inline constexpr int login_address_max_failures = 20;
inline constexpr int login_lock_first_s = 30;
inline constexpr int login_lock_max_s = 15 * 60;
inline constexpr int login_quiet_reset_s = 15 * 60;
/// Session lifetime.
inline constexpr std::int64_t session_ttl_s = 7 * 24 * 3600;
/// Every this many seconds the server checks the sessions of its open
/// WebSockets again and closes (4401) those whose session ended elsewhere:
/// expired, or revoked by `chatroom-server user passwd|disable` in another
/// process. One query for all of them, on the store worker.
inline constexpr int session_check_interval_s = 5;

// --- server internals ----------------------------------------------------------
/// A closing WebSocket whose peer does not complete the close handshake (for
/// example because it stopped reading) is torn down after this many seconds.
inline constexpr int ws_close_timeout_s = 10;
/// Messages accepted but not yet committed; past it a send gets error busy.
inline constexpr std::size_t max_pending_writes = 65536;
/// Most messages the writer commits in one SQLite transaction.
inline constexpr std::size_t max_write_batch = 512;
/// While messages keep coming, one commit (and so one broadcast, one write per
/// socket) at most every this many milliseconds; a message after a quiet
/// spell is committed at once (--commit-interval). 10 rather than 5: 15-25 %
/// less server CPU per delivery under a fan-out load (docs/performance.md)
/// for at most 5 ms more wait per message, and only while the room is busy.
inline constexpr int commit_interval_ms = 10;
/// Password verifications in the hashing pool (waiting or being checked); past it logins get 503.
inline constexpr std::size_t max_pending_logins = 64;
/// Keys the login throttle remembers at most; when full, a new key evicts the
/// one least recently failed (it never stops recording).
inline constexpr std::size_t max_throttle_keys = 100000;
/// Longest password accepted by the API, in bytes.
inline constexpr std::size_t max_password_bytes = 1024;
/// On SIGINT/SIGTERM the server waits at most this long for sockets to close.
inline constexpr int shutdown_grace_s = 5;
/// Static files: smallest compressible file served gzipped, and the most
/// memory the cache of compressed files may hold.
inline constexpr std::size_t gzip_min_bytes = 1024;
inline constexpr std::size_t static_cache_bytes = 64 * 1024 * 1024;

}  // namespace chat::limits
