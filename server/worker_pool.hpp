// A few threads for blocking work that must stay off the I/O threads: the
// hashing pool (argon2 password verification) and, with one thread, the store
// worker (store/store_worker.hpp). Jobs run in submission order; the number
// of jobs in the pool (waiting or running) is bounded. One periodic job may
// run between them, and jobs may be given a time before which they wait aside
// (the store worker paces history reads so).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
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
  /** Queues a job that waits aside until `due`, then joins the queue's end
   *  (beyond max_pending, which it passed when submitted); a due time already
   *  past is submit(). False if `max_pending` jobs wait aside already, or as
   *  submit(). Waiting jobs are counted by pending(). */
  bool submit_at(std::chrono::steady_clock::time_point due, std::function<void()> job);
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
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> later_;  ///< submit_at's, by due time
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::function<void()> tick_;  ///< the periodic job, if any
  std::chrono::milliseconds tick_period_{};
  std::chrono::steady_clock::time_point next_tick_;
  bool ticking_ = false;  ///< a thread runs tick_ now
  std::vector<std::thread> threads_;
};

}  // namespace chat::server
