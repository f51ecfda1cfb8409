// The presence pace (see presence_ticker.hpp).
#include "room/presence_ticker.hpp"

namespace chat::server {

presence_ticker::presence_ticker(clock::duration interval, std::function<bool()> publish)
    : interval_(interval), publish_(std::move(publish)), thread_([this] { run(); }) {}

presence_ticker::~presence_ticker() { stop(); }

void presence_ticker::mark() {
  {
    std::lock_guard lock(mu_);
    if (dirty_) return;  // already due: one wake-up per interval at most
    dirty_ = true;
  }
  cv_.notify_one();
}

void presence_ticker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void presence_ticker::run() {
  std::unique_lock lock(mu_);
  auto next = clock::now();  // the earliest time of the next publication
  for (;;) {
    cv_.wait(lock, [&] { return dirty_ || stopping_; });
    // Changes that come during the interval join this publication.
    if (cv_.wait_until(lock, next, [&] { return stopping_; })) return;
    dirty_ = false;
    lock.unlock();
    const bool sent = publish_();
    const auto now = clock::now();
    lock.lock();
    if (sent) next = now + interval_;
  }
}

}  // namespace chat::server
