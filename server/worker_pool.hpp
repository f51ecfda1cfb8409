// A few threads for blocking work that must stay off the I/O threads: the
// hashing pool (argon2 password verification) and, with one thread, the store
// worker (store/store_worker.hpp). Jobs run in submission order; the number
// of jobs in the pool (waiting or running) is bounded. One periodic job may
// run between them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace chat::server {

/** Runs submitted jobs on `threads` threads. */
class worker_pool {
 public:
  worker_pool(unsigned threads, std::size_t max_pending);
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  /** Queues a job; false if `max_pending` jobs are in the pool (waiting or
   *  running) or the pool stopped. */
  bool submit(std::function<void()> job);
  /** Runs `job` on one of the threads every `period` (the first time one
   *  period from now, then `period` after each run ends), between queued
   *  jobs: it waits for the job running on that thread, never in the queue,
   *  so a full queue neither refuses nor delays it further; it is not counted
   *  by pending(). One run at a time. Replaces the previous periodic job; it
   *  must not throw. */
  void every(std::chrono::milliseconds period, std::function<void()> job);
  /** Finishes queued jobs, refuses new ones and joins the threads (the
   *  periodic job runs no more). Idempotent. */
  void stop();
  /** Jobs waiting or running now. */
  std::size_t pending() const;

 private:
  void run();

  const std::size_t max_pending_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::function<void()> tick_;  ///< the periodic job, if any
  std::chrono::milliseconds tick_period_{};
  std::chrono::steady_clock::time_point next_tick_;
  bool ticking_ = false;  ///< a thread runs tick_ now
  std::vector<std::thread> threads_;
};

}  // namespace chat::server
