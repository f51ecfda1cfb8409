// The caps on bytes held in unfinished frames (see partial_budget.hpp).
#include "ws/partial_budget.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace chat::server::ws {

std::string address_group(const std::string& address) {
  if (address.find(':') == std::string::npos) return address;
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, address.c_str(), bytes) != 1) return address;
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes, mapped, sizeof mapped) == 0) return address;  // an IPv4 peer: itself
  std::memset(bytes + 8, 0, 8);
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, bytes, text, sizeof text)) return address;
  return std::string(text) + "/64";
}

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
