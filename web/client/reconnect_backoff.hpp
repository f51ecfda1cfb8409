// Exponential backoff with jitter for reconnect attempts.
#pragma once

#include <cstdint>

namespace chat::web {

/** Delays between reconnect attempts: the cap doubles from `base_ms` up to
 *  `max_ms`, and each delay is drawn from [cap/2, cap) so that clients which
 *  lost the server together do not come back together ("equal jitter"). */
class reconnect_backoff {
 public:
  reconnect_backoff(std::int64_t base_ms, std::int64_t max_ms) : base_ms_(base_ms), max_ms_(max_ms) {}

  /** The delay before the next attempt; `random01` is uniform in [0, 1). */
  std::int64_t next_delay(double random01);

  /** After a successful connection the next failure starts small again. */
  void reset() { attempts_ = 0; }

  /** Delays handed out since the last reset. */
  int attempts() const { return attempts_; }

 private:
  std::int64_t base_ms_;
  std::int64_t max_ms_;
  int attempts_ = 0;
};

}  // namespace chat::web
