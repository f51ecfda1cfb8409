// The cycling connections (see cyclers.hpp).
#include "cyclers.hpp"

#include <chrono>
#include <cstdio>

namespace soak {

cyclers::cyclers(boost::asio::io_context& io, fleet& f, const options& o, unsigned short port, std::mt19937_64& rng)
    : io_(io), fleet_(f), o_(o), port_(port), rng_(rng) {
  slots_.resize(static_cast<std::size_t>(o.connections - o.senders - 1));
  for (auto& s : slots_) s.timer = std::make_unique<boost::asio::steady_timer>(io_);
}

void cyclers::start(int concurrency) {
  ramp_concurrency_ = std::max(1, concurrency);
  ramp();
}

void cyclers::ramp() {
  while (!stopping_ && ramp_next_ < slots() && fleet_.pending() < ramp_concurrency_) launch(ramp_next_++);
}

void cyclers::launch(int slot) {
  loadgen::client_target t;
  t.port = port_;
  const bool v1 = std::bernoulli_distribution(o_.v1_share)(rng_);
  // A name of its own: a guest's name is free again only once the server noticed its old socket gone.
  t.path = std::string("/websocket/chatroom?") + (v1 ? "v=1&" : "") + "username=c" + std::to_string(fleet_.started());
  t.source = source_address(slot % o_.sources);
  if (v1) ++counts_.v1_joins;
  slots_[static_cast<std::size_t>(slot)].id = fleet_.connect(*this, slot, t);
}

void cyclers::opened(int slot, int id) {
  auto& s = slots_[static_cast<std::size_t>(slot)];
  if (s.id != id) return;
  const double life = std::uniform_real_distribution<double>(o_.life_min_s, o_.life_max_s)(rng_);
  s.timer->expires_after(std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(life)));
  s.timer->async_wait([this, slot](boost::system::error_code ec) {
    if (!ec) expire(slot);
  });
  ramp();
}

void cyclers::expire(int slot) {
  auto& s = slots_[static_cast<std::size_t>(slot)];
  if (stopping_ || s.id < 0) return;
  const bool reset = pick_reset();
  ++(reset ? counts_.closes_reset : counts_.closes_clean);
  fleet_.close(s.id, reset);
  launch(slot);  // the replacement connects while the old one closes: the live count stays put
}

void cyclers::closed(int slot, int id, bool planned, bool was_open, int code, const std::string& why) {
  auto& s = slots_[static_cast<std::size_t>(slot)];
  if (planned || s.id != id) return;
  s.id = -1;
  s.timer->cancel();
  const auto n = was_open ? ++counts_.dropped : ++counts_.refused;
  if (n <= 5)
    std::fprintf(stderr, "chat-soak: cycler %d %s: %s (close code %d)\n", slot, was_open ? "dropped by the server" : "refused",
                 why.c_str(), code);
  if (stopping_) return;
  if (!was_open && ramp_next_ < slots()) ramp();
  // Replace it after a second, as a client backs off after a refusal.
  s.timer->expires_after(std::chrono::seconds(1));
  s.timer->async_wait([this, slot](boost::system::error_code ec) {
    if (!ec && !stopping_) launch(slot);
  });
}

void cyclers::stop() {
  stopping_ = true;
  for (auto& s : slots_) {
    s.timer->cancel();
    if (s.id < 0) continue;
    const bool reset = pick_reset();
    ++(reset ? counts_.closes_reset : counts_.closes_clean);
    fleet_.close(s.id, reset);
    s.id = -1;
  }
}

}  // namespace soak
