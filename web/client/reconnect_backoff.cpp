// Exponential backoff with equal jitter (see reconnect_backoff.hpp).
#include "client/reconnect_backoff.hpp"

#include <algorithm>

namespace chat::web {

std::int64_t reconnect_backoff::next_delay(double random01) {
  std::int64_t cap = base_ms_;
  for (int i = 0; i < attempts_ && cap < max_ms_; ++i) cap *= 2;
  cap = std::min(cap, max_ms_);
  if (attempts_ < 64) ++attempts_;
  const double r = std::clamp(random01, 0.0, 1.0);
  const std::int64_t half = cap / 2;
  return std::min(cap, half + static_cast<std::int64_t>(r * static_cast<double>(cap - half)));
}

}  // namespace chat::web
