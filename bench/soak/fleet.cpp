// The soak's connections (see fleet.hpp).
#include "fleet.hpp"

#include <algorithm>

namespace soak {

int fleet::connect(owner& who, int slot, const loadgen::client_target& target) {
  const int id = static_cast<int>(conns_.size());
  conns_.push_back({&who, slot});
  clients_.push_back(loadgen::ws_client::make(io_, target, id, *this));
  ++pending_;
  clients_.back()->start();
  return id;
}

void fleet::send(int id, std::string frame) {
  if (const auto& client = clients_[static_cast<std::size_t>(id)]; client && !conns_[static_cast<std::size_t>(id)].done)
    client->send(std::move(frame));
}

void fleet::close(int id, bool reset) {
  auto& c = conns_[static_cast<std::size_t>(id)];
  const auto& client = clients_[static_cast<std::size_t>(id)];
  if (c.done || !client) return;
  c.planned = true;
  if (reset) client->reset();
  else client->close();
}

void fleet::abort_all() {
  for (std::size_t id = 0; id < clients_.size(); ++id) {
    if (!clients_[id] || conns_[id].done) continue;
    conns_[id].planned = true;
    clients_[id]->abort();
  }
}

void fleet::on_open(int id) {
  auto& c = conns_[static_cast<std::size_t>(id)];
  c.open = true;
  --pending_;
  ++live_;
  ++opened_;
  peak_live_ = std::max(peak_live_, live_);
  c.who->opened(c.slot, id);
}

void fleet::on_text(int id, std::string_view frame, steady::time_point) {
  ++frames_;
  const auto& c = conns_[static_cast<std::size_t>(id)];
  c.who->text(c.slot, id, frame);
}

void fleet::on_closed(int id, bool, const std::string& why) {
  auto& c = conns_[static_cast<std::size_t>(id)];
  if (c.done) return;
  c.done = true;
  if (c.open) --live_;
  else --pending_;
  auto client = std::move(clients_[static_cast<std::size_t>(id)]);  // alive until this returns
  c.who->closed(c.slot, id, c.planned, c.open, client ? client->close_code() : 0, why);
}

std::string source_address(int n) {
  return "127.1." + std::to_string(n / 250) + "." + std::to_string(1 + n % 250);
}

}  // namespace soak
