// Sliding-window failure counting (see login_throttle.hpp).
#include "auth/login_throttle.hpp"

#include <algorithm>

namespace chat::server {

login_throttle::login_throttle(int max_failures, std::chrono::seconds window, std::size_t max_keys)
    : max_failures_(max_failures), window_(window), max_keys_(max_keys) {}

std::int64_t login_throttle::retry_after(std::string_view key, clock::time_point now) {
  std::lock_guard lock(mu_);
  const auto it = failures_.find(std::string(key));
  if (it == failures_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
  if (static_cast<int>(times.size()) < max_failures_) return 0;
  const auto wait = times.front() + window_ - now;
  return std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(wait).count());
}

void login_throttle::record_failure(std::string_view key, clock::time_point now) {
  std::lock_guard lock(mu_);
  if (failures_.size() >= max_keys_) prune(now);
  if (failures_.size() >= max_keys_) return;  // still full of live keys: the address limit still applies
  auto& times = failures_[std::string(key)];
  times.push_back(now);
  while (static_cast<int>(times.size()) > max_failures_) times.pop_front();
}

void login_throttle::clear(std::string_view key) {
  std::lock_guard lock(mu_);
  failures_.erase(std::string(key));
}

void login_throttle::prune(clock::time_point now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || now - it->second.back() >= window_) {
      it = failures_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace chat::server
