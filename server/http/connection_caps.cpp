// Connection caps (see connection_caps.hpp).
#include "http/connection_caps.hpp"

#include "http/address_list.hpp"
#include "log.hpp"

#include <chat/codes.hpp>

#include <algorithm>
#include <cmath>

namespace chat::server {

namespace {

/** Seconds a client refused for open connections is told to wait: one of them must close first. */
constexpr int retry_after_full_s = 5;

http_response too_many(std::string_view code, std::string_view message) {
  auto res = json_error(429, code, message);
  res.headers.emplace_back("Retry-After", std::to_string(retry_after_full_s));
  return res;
}

}  // namespace

/** One counted connection; uncounted when destroyed. */
struct connection_caps::slot {
  slot(connection_caps& caps, std::string user, std::string group)
      : caps_(caps), user_(std::move(user)), group_(std::move(group)) {}
  ~slot() { caps_.release(user_, group_); }
  slot(const slot&) = delete;
  slot& operator=(const slot&) = delete;
  connection_caps& caps_;
  std::string user_;
  std::string group_;
};

connection_caps::connection_caps(connection_limits limits)
    : limits_(limits), attempts_(limits.attempts_per_second, limits.attempt_burst) {}

std::optional<http_response> connection_caps::refuse_attempt(std::string_view address, clock::time_point now) {
  const std::string group = address_group(address);
  if (attempts_.allow(group, now)) return std::nullopt;
  log::warn("upgrade", "refused=" + std::string(http_error::connecting_too_fast) + " addr=" + log::clean(address));
  auto res = json_error(429, http_error::connecting_too_fast,
                        "Too many connection attempts from this address; try again shortly (--connect-rate).");
  const int wait_s = static_cast<int>(std::ceil(1.0 / limits_.attempts_per_second));
  res.headers.emplace_back("Retry-After", std::to_string(std::max(1, wait_s)));
  return res;
}

connection_caps::verdict connection_caps::take(const std::string& user, std::string_view address) {
  std::string group = address_group(address);
  {
    std::lock_guard lock(mu_);
    auto& by_address = addresses_[group];
    auto& by_user = users_[user];
    const bool address_full = limits_.per_address > 0 && by_address >= limits_.per_address;
    const bool user_full = !address_full && limits_.per_user > 0 && by_user >= limits_.per_user;
    if (address_full || user_full) {
      if (by_address == 0) addresses_.erase(group);  // refused: nothing counted
      if (by_user == 0) users_.erase(user);
      const auto code = address_full ? http_error::too_many_address_connections : http_error::too_many_user_connections;
      log::warn("upgrade", "refused=" + std::string(code) + " user=" + log::clean(user) + " addr=" + log::clean(address));
      if (address_full) {
        return {nullptr, too_many(code, "Too many connections are open from this address (--max-connections-per-address).")};
      }
      return {nullptr, too_many(code, "Too many connections are open for this user (--max-connections-per-user).")};
    }
    ++by_address;
    ++by_user;
  }
  // Released when its owner (the socket's session) lets go, on any thread.
  return {std::make_shared<const slot>(*this, user, std::move(group)), std::nullopt};
}

void connection_caps::release(const std::string& user, const std::string& group) {
  std::lock_guard lock(mu_);
  if (auto it = addresses_.find(group); it != addresses_.end() && --it->second == 0) addresses_.erase(it);
  if (auto it = users_.find(user); it != users_.end() && --it->second == 0) users_.erase(it);
}

std::size_t connection_caps::of_user(const std::string& user) const {
  std::lock_guard lock(mu_);
  const auto it = users_.find(user);
  return it == users_.end() ? 0 : it->second;
}

std::size_t connection_caps::of_address(std::string_view address) const {
  std::lock_guard lock(mu_);
  const auto it = addresses_.find(address_group(address));
  return it == addresses_.end() ? 0 : it->second;
}

}  // namespace chat::server
