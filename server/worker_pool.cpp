// The blocking-work pool (see worker_pool.hpp).
#include "worker_pool.hpp"

namespace chat::server {

worker_pool::worker_pool(unsigned threads, std::size_t max_pending) : max_pending_(max_pending) {
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

worker_pool::~worker_pool() { stop(); }

bool worker_pool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() + running_ >= max_pending_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

bool worker_pool::submit_at(std::chrono::steady_clock::time_point due, std::function<void()> job) {
  if (due <= std::chrono::steady_clock::now()) return submit(std::move(job));
  {
    std::lock_guard lock(mu_);
    if (stopping_ || later_.size() >= max_pending_) return false;
    later_.emplace(due, std::move(job));
  }
  cv_.notify_one();
  return true;
}

void worker_pool::every(std::chrono::milliseconds period, std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    tick_ = std::move(job);
    tick_period_ = period;
    next_tick_ = std::chrono::steady_clock::now() + period;
  }
  cv_.notify_all();
}

void worker_pool::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::size_t worker_pool::pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size() + running_ + later_.size();
}

void worker_pool::run() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lock(mu_);
  for (;;) {
    // Jobs whose time came join the queue; at stop, all of them (stop runs what was accepted).
    const auto now = clock::now();
    while (!later_.empty() && (stopping_ || later_.begin()->first <= now)) {
      jobs_.push_back(std::move(later_.begin()->second));
      later_.erase(later_.begin());
    }
    const bool tick_waits = tick_ && !ticking_ && !stopping_;
    if (tick_waits && clock::now() >= next_tick_) {
      ticking_ = true;
      auto tick = tick_;  // every() may replace it meanwhile
      lock.unlock();
      tick();
      tick = nullptr;
      lock.lock();
      ticking_ = false;
      next_tick_ = clock::now() + tick_period_;
      continue;
    }
    if (jobs_.empty()) {
      if (stopping_) return;  // every queued job ran
      const bool later_waits = !later_.empty();
      if (tick_waits || later_waits) {
        auto until = tick_waits ? next_tick_ : later_.begin()->first;
        if (later_waits && later_.begin()->first < until) until = later_.begin()->first;
        cv_.wait_until(lock, until);
      } else {
        cv_.wait(lock);
      }
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    job();
    job = nullptr;  // release what it captured before taking the lock
    lock.lock();
    --running_;
  }
}

}  // namespace chat::server
