// Counters the server keeps about itself; tests read them to assert bounds
// (for example that no write queue ever outgrew its limit).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace chat::server {

/** Lock-free counters, updated from any thread. */
struct server_stats {
  std::atomic<std::uint64_t> ws_accepted{0};
  std::atomic<std::uint64_t> overflow_closes{0};
  std::atomic<std::uint64_t> rate_limit_closes{0};
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
};

}  // namespace chat::server
