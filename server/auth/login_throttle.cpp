// Failure counting with doubling locks and a bounded table (see login_throttle.hpp).
#include "auth/login_throttle.hpp"

#include <algorithm>

namespace chat::server {
namespace {

std::int64_t ceil_seconds(login_throttle::clock::duration d) {
  return std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(d).count());
}

}  // namespace

login_throttle::login_throttle(std::size_t max_keys) : max_keys_(std::max<std::size_t>(1, max_keys)) {}

std::int64_t login_throttle::retry_after(std::string_view key, clock::time_point now) const {
  std::lock_guard lock(mu_);
  const auto it = index_.find(key);
  if (it == index_.end() || it->second->lock_until <= now) return 0;
  return ceil_seconds(it->second->lock_until - now);
}

std::int64_t login_throttle::record_failure(std::string_view key, const throttle_rule& rule,
                                            clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    recent_.splice(recent_.begin(), recent_, it->second);  // now the most recent
  } else {
    if (index_.size() >= max_keys_) {  // full: forget the key that failed least recently
      index_.erase(recent_.back().key);
      recent_.pop_back();
    }
    recent_.push_front(entry{std::string(key)});
    it = index_.emplace(recent_.front().key, recent_.begin()).first;
  }
  entry& e = *it->second;
  if (e.lock_until > now) return 0;  // a failure racing its own lock: already answered
  if (now - std::max(e.last, e.lock_until) >= rule.quiet_reset) {
    e.failures = 0;
    e.locks = 0;
  }
  e.last = now;
  if (++e.failures < rule.max_failures) return 0;
  auto period = rule.first_lock;
  for (int i = 0; i < e.locks && period < rule.max_lock; ++i) period *= 2;
  period = std::min(period, rule.max_lock);
  e.lock_until = now + period;
  e.failures = 0;
  ++e.locks;
  return ceil_seconds(period);
}

void login_throttle::clear(std::string_view key) {
  std::lock_guard lock(mu_);
  const auto it = index_.find(key);
  if (it == index_.end()) return;
  const auto node = it->second;
  index_.erase(it);
  recent_.erase(node);
}

std::size_t login_throttle::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

}  // namespace chat::server
