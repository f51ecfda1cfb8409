// The server's metric families (see stats.hpp; docs/operations.md documents each).
#include "stats.hpp"

#include <chat/codes.hpp>

#include <iterator>
#include <string>
#include <tuple>

namespace chat::server {
namespace {

constexpr char connections_accepted[] = "chatroom_connections_accepted_total";
constexpr char connections_accepted_help[] =
    "Connections accepted. protocol=http counts every TCP connection (each starts as HTTP); legacy and v1 "
    "count WebSocket upgrades to the chat socket by protocol.";
constexpr char connections_open[] = "chatroom_connections_open";
constexpr char connections_open_help[] =
    "Connections open now: http until a connection upgrades, then legacy or v1 while the WebSocket lives.";
constexpr char logins[] = "chatroom_logins_total";
constexpr char logins_help[] = "POST /api/login answers by result.";
constexpr char store_seconds[] = "chatroom_store_duration_seconds";
constexpr char store_seconds_help[] =
    "Seconds per store call: commit (one transaction of messages), history (a page of messages), session_check "
    "(a session token's lookup), login_lookup (a user's lookup by name).";

metrics::label_set label(const char* name, std::string value) { return {{name, std::move(value)}}; }

}  // namespace

server_stats::server_stats()
    : http_accepted(registry.add_counter(connections_accepted, connections_accepted_help, label("protocol", "http"))),
      http_open(registry.add_gauge(connections_open, connections_open_help, label("protocol", "http"))),
      ws_accepted{&registry.add_counter(connections_accepted, connections_accepted_help, label("protocol", "legacy")),
                  &registry.add_counter(connections_accepted, connections_accepted_help, label("protocol", "v1"))},
      ws_open{&registry.add_gauge(connections_open, connections_open_help, label("protocol", "legacy")),
              &registry.add_gauge(connections_open, connections_open_help, label("protocol", "v1"))},
      ws_received_messages(registry.add_counter(
          "chatroom_ws_received_messages_total",
          "Text messages received from clients on the chat socket (chat messages and requests).")),
      ws_received_bytes(registry.add_counter("chatroom_ws_received_bytes_total",
                                             "Bytes read from chat WebSockets (frame headers included).")),
      ws_sent_frames(registry.add_counter(
          "chatroom_ws_sent_frames_total",
          "WebSocket frames written to clients: events (one per message delivered), pings, pongs, closes.")),
      ws_sent_bytes(registry.add_counter("chatroom_ws_sent_bytes_total",
                                         "Bytes written to chat WebSockets (the 101 answer included).")),
      login_ok(registry.add_counter(logins, logins_help, label("result", "ok"))),
      login_bad_credentials(registry.add_counter(logins, logins_help, label("result", "bad_credentials"))),
      login_throttled(registry.add_counter(logins, logins_help, label("result", "throttled"))),
      login_disabled(registry.add_counter(logins, logins_help, label("result", "account_disabled"))),
      login_busy(registry.add_counter(logins, logins_help, label("result", "busy"))),
      login_error(registry.add_counter(logins, logins_help, label("result", "error"))),
      store_commit_seconds(registry.add_histogram(store_seconds, store_seconds_help, metrics::latency_buckets(),
                                                  label("operation", "commit"))),
      store_history_seconds(registry.add_histogram(store_seconds, store_seconds_help, metrics::latency_buckets(),
                                                   label("operation", "history"))),
      store_session_check_seconds(registry.add_histogram(store_seconds, store_seconds_help,
                                                         metrics::latency_buckets(),
                                                         label("operation", "session_check"))),
      store_login_lookup_seconds(registry.add_histogram(store_seconds, store_seconds_help,
                                                        metrics::latency_buckets(),
                                                        label("operation", "login_lookup"))),
      commit_batch_messages(registry.add_histogram("chatroom_commit_batch_messages",
                                                   "Messages stored per commit (one transaction, one broadcast).",
                                                   {1, 2, 4, 8, 16, 32, 64, 128, 256, 512})) {
  const std::uint16_t sent[] = {close_code::normal,         close_code::going_away,     close_code::protocol_error,
                                close_code::unknown_data,   close_code::bad_payload,    close_code::too_big,
                                close_code::internal_error, close_code::try_again_later, close_code::rate_limited,
                                close_code::session_ended};
  static_assert(std::size(sent) + 1 == std::tuple_size_v<decltype(closes_)>);
  constexpr char closes[] = "chatroom_ws_server_closes_total";
  constexpr char closes_help[] =
      "WebSockets the server closed, by close code: 1013 a client too slow to read (its queue overflowed) or a "
      "store too busy, 4029 the rate limit, 1009 a frame too big (docs/protocol.md, close codes).";
  std::size_t i = 0;
  for (const auto code : sent) {
    closes_[i++] = close_row{code, &registry.add_counter(closes, closes_help, label("code", std::to_string(code)))};
  }
  closes_[i] = close_row{0, &registry.add_counter(closes, closes_help, label("code", "other"))};

  registry.add_gauge_fn("chatroom_ws_queue_peak_bytes", "The largest outgoing queue one WebSocket had, in bytes.",
                        [this] { return static_cast<double>(peak_queue_bytes.load(std::memory_order_relaxed)); });
  registry.add_gauge_fn("chatroom_ws_queue_peak_frames", "The largest outgoing queue one WebSocket had, in frames.",
                        [this] { return static_cast<double>(peak_queue_frames.load(std::memory_order_relaxed)); });
}

metrics::counter* server_stats::closed_counter(std::uint16_t code) const {
  for (const auto& row : closes_) {
    if (row.code == code) return row.closed;
  }
  return closes_.back().closed;
}

metrics::counter& server_stats::ws_closed(std::uint16_t code) { return *closed_counter(code); }

std::uint64_t server_stats::overflow_closes() const {
  return closed_counter(close_code::try_again_later)->value();
}

std::uint64_t server_stats::rate_limit_closes() const { return closed_counter(close_code::rate_limited)->value(); }

}  // namespace chat::server
