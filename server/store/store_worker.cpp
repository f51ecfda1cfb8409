// The store worker (see store_worker.hpp).
#include "store/store_worker.hpp"

namespace chat::server {

store_worker::store_worker(std::size_t max_pending) : max_pending_(max_pending), thread_([this] { run(); }) {}

store_worker::~store_worker() { stop(); }

bool store_worker::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() + running_ >= max_pending_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void store_worker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::size_t store_worker::pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size() + running_;
}

void store_worker::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and every queued job ran
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    running_ = 1;
    lock.unlock();
    job();
    job = nullptr;  // release what it captured before taking the lock
    lock.lock();
    running_ = 0;
  }
}

}  // namespace chat::server
