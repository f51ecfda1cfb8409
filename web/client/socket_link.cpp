// Opening, losing and reopening the WebSocket (see socket_link.hpp).
#include "client/socket_link.hpp"

#include <algorithm>

namespace chat::web {

socket_link::socket_link(client_context& ctx)
    : ctx_(ctx), backoff_(ctx.options().backoff_base_ms, ctx.options().backoff_max_ms) {}

std::string socket_link::path(std::int64_t last_id) {
  std::string p = "/websocket/chatroom?v=1";
  if (last_id > 0) p += "&since=" + std::to_string(last_id);
  return p;
}

void socket_link::open(std::int64_t last_id, std::int64_t now) {
  since_used_ = last_id;
  ctx_.emit(cmd::open_socket{path(last_id)});
  state_ = connection_state::connecting;
  opened_ = false;
  deadline_ = now + ctx_.options().connect_timeout_ms;
}

void socket_link::on_open() {
  if (state_ == connection_state::connecting) opened_ = true;
}

void socket_link::on_welcome() {
  state_ = connection_state::live;
  ever_live_ = true;
  backoff_.reset();
}

void socket_link::lost(std::int64_t now, std::int64_t least_ms) {
  opened_ = false;
  retry_at_ = now + std::max(least_ms, backoff_.next_delay(ctx_.random01()));
  state_ = connection_state::waiting;
}

void socket_link::abandon() { ctx_.emit(cmd::close_socket{4000, "connect timeout"}); }

void socket_link::close_for_logout() {
  if (active()) ctx_.emit(cmd::close_socket{1000, "logged out"});
}

void socket_link::reset() {
  state_ = connection_state::offline;
  opened_ = ever_live_ = false;
  probe_in_flight_ = false;
  since_used_ = 0;
  backoff_.reset();
}

bool socket_link::start_probe() {
  if (probe_in_flight_) return false;
  probe_in_flight_ = true;
  return true;
}

std::optional<std::int64_t> socket_link::next_wake() const {
  if (state_ == connection_state::waiting) return retry_at_;
  if (state_ == connection_state::connecting) return deadline_;
  return std::nullopt;
}

int socket_link::retry_in_s(std::int64_t now) const {
  if (state_ != connection_state::waiting) return 0;
  return static_cast<int>(std::max<std::int64_t>(0, (retry_at_ - now + 999) / 1000));
}

std::string socket_link::label(std::int64_t now) const {
  switch (state_) {
    case connection_state::offline: return "Offline";
    case connection_state::live: return "Live";
    case connection_state::connecting: return reconnecting() ? "Reconnecting…" : "Connecting…";
    case connection_state::waiting: {
      const std::string in = "Reconnecting in " + std::to_string(retry_in_s(now)) + " s";
      return network_online_ ? in : "No network. " + in;
    }
  }
  return "";
}

}  // namespace chat::web
