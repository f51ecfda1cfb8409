// Token buckets and strikes (see rate_limiter.hpp).
#include "room/rate_limiter.hpp"

#include <algorithm>

namespace chat::server {

rate_limiter::rate_limiter(double per_second, double burst) : per_second_(per_second), burst_(std::max(1.0, burst)) {}

bool rate_limiter::allow(std::string_view user, clock::time_point now) {
  if (!enabled()) return true;
  std::lock_guard lock(mu_);
  if (buckets_.size() > 100000) {
    // Forget users whose bucket has refilled: they lose nothing.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double elapsed = std::chrono::duration<double>(now - it->second.last).count();
      it = it->second.tokens + elapsed * per_second_ >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(std::string(user), bucket{burst_, now});
  auto& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

rate_limiter::clock::duration rate_limiter::burst_window() const {
  if (!enabled()) return clock::duration::zero();
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(burst_ / per_second_));
}

bool strike_counter::strike(int max, rate_limiter::clock::duration window, rate_limiter::clock::time_point now) {
  if (count_ == 0 || now - first_ > window) {
    count_ = 0;
    first_ = now;
  }
  return ++count_ >= max;
}

}  // namespace chat::server
