// The employee list by username (see user_directory.hpp).
#include "client/user_directory.hpp"

#include <chat/protocol.hpp>

namespace chat::web {

void user_directory::request() {
  requested_ = true;
  ctx_.http(http_kind::employees, "GET", "/api/employees");
}

void user_directory::request_if_missing() {
  if (!loaded_ && !requested_) request();
}

void user_directory::on_response(const http_response& r) {
  auto users = r.status == 200 ? decode_users(r.body) : decode_result<std::vector<user_profile>>(protocol_error{});
  if (!users) {
    requested_ = false;  // asked again at the next welcome
    return;
  }
  employees_.clear();
  for (auto& u : users.value()) {
    std::string key = u.username;
    employees_.emplace(std::move(key), std::move(u));
  }
  loaded_ = true;
}

void user_directory::refresh_for(bool known, std::int64_t now) {
  // Someone added after the employee list was fetched: fetch it again for their name and picture.
  if (!loaded_ || known || now < refresh_after_) return;
  refresh_after_ = now + 60'000;
  ctx_.http(http_kind::employees, "GET", "/api/employees");
}

void user_directory::clear() {
  employees_.clear();
  loaded_ = requested_ = false;
  refresh_after_ = 0;
}

const user_profile* user_directory::find(std::string_view username) const {
  const auto it = employees_.find(username);
  return it == employees_.end() ? nullptr : &it->second;
}

}  // namespace chat::web
