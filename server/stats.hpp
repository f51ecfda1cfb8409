// What the server counts about itself: the metric families of GET /metrics
// (docs/operations.md, "Metrics", says what each means) in one registry, and
// the peaks tests assert bounds with (no write queue ever outgrew its limit).
// Every update is a relaxed atomic: callable from any thread, no lock.
#pragma once

#include "metrics/metrics.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace chat::server {

/** The server's metrics. Families that read other parts (queue depths, the
 *  process) are added by the server once those exist. */
struct server_stats {
  server_stats();
  server_stats(const server_stats&) = delete;
  server_stats& operator=(const server_stats&) = delete;

  metrics::registry registry;  // first: every reference below points into it

  // Connections. Every accepted connection speaks HTTP until its upgrade;
  // then it counts as a WebSocket of its protocol.
  metrics::counter& http_accepted;
  metrics::gauge& http_open;
  /** [0] legacy, [1] v1. */
  std::array<metrics::counter*, 2> ws_accepted;
  std::array<metrics::gauge*, 2> ws_open;

  // The chat sockets' traffic.
  metrics::counter& ws_received_messages;  ///< text messages from clients
  metrics::counter& ws_received_bytes;
  metrics::counter& ws_sent_frames;
  metrics::counter& ws_sent_bytes;

  // Logins by outcome.
  metrics::counter& login_ok;
  metrics::counter& login_bad_credentials;
  metrics::counter& login_throttled;
  metrics::counter& login_disabled;
  metrics::counter& login_busy;
  metrics::counter& login_error;

  // The store: seconds per call, and messages per commit.
  metrics::histogram& store_commit_seconds;
  metrics::histogram& store_history_seconds;
  metrics::histogram& store_session_check_seconds;
  metrics::histogram& store_login_lookup_seconds;
  metrics::histogram& commit_batch_messages;

  /** The counter of WebSockets the server closed with `code` (codes it never sends count as "other"). */
  metrics::counter& ws_closed(std::uint16_t code);
  /** Sockets closed with 1013 (a queue overflowed, too many history requests, a store too busy for the join). */
  std::uint64_t overflow_closes() const;
  /** Sockets closed with 4029. */
  std::uint64_t rate_limit_closes() const;

  std::atomic<std::size_t> peak_queue_bytes{0};
  std::atomic<std::size_t> peak_queue_frames{0};

  /** Records a write queue's size if it is the largest seen. */
  void note_queue(std::size_t bytes, std::size_t frames) {
    auto raise = [](std::atomic<std::size_t>& peak, std::size_t v) {
      std::size_t cur = peak.load(std::memory_order_relaxed);
      while (v > cur && !peak.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
      }
    };
    raise(peak_queue_bytes, bytes);
    raise(peak_queue_frames, frames);
  }

 private:
  struct close_row {
    std::uint16_t code;
    metrics::counter* closed;
  };
  metrics::counter* closed_counter(std::uint16_t code) const;

  std::array<close_row, 11> closes_;  ///< every code the server sends; the last row is "other"
};

}  // namespace chat::server
