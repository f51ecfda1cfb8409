// The caps on bytes held in unfinished frames (see partial_budget.hpp).
#include "ws/partial_budget.hpp"

namespace chat::server::ws {

bool partial_budget::charge(const std::string& address, std::size_t bytes) {
  std::lock_guard lock(mu_);
  if (bytes > max_total_ - total_) return false;
  auto& held = by_address_[address];
  if (bytes > max_per_address_ - held) {
    if (held == 0) by_address_.erase(address);
    return false;
  }
  held += bytes;
  total_ += bytes;
  return true;
}

void partial_budget::release(const std::string& address, std::size_t bytes) {
  std::lock_guard lock(mu_);
  const auto it = by_address_.find(address);
  if (it == by_address_.end()) return;
  const auto n = bytes < it->second ? bytes : it->second;
  it->second -= n;
  total_ -= n;
  if (it->second == 0) by_address_.erase(it);
}

std::size_t partial_budget::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::size_t partial_budget::held_by(const std::string& address) const {
  std::lock_guard lock(mu_);
  const auto it = by_address_.find(address);
  return it == by_address_.end() ? 0 : it->second;
}

bool partial_lease::set(std::size_t bytes) {
  if (bytes == held_) return true;
  if (budget_) {
    if (bytes > held_) {
      if (!budget_->charge(address_, bytes - held_)) return false;
    } else {
      budget_->release(address_, held_ - bytes);
    }
  }
  held_ = bytes;
  return true;
}

}  // namespace chat::server::ws
