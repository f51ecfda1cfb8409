// A few threads for blocking work that must stay off the I/O threads
// (argon2 password verification). The queue is bounded.
#pragma once

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

  /** Queues a job; false if the queue is full or the pool stopped. */
  bool submit(std::function<void()> job);
  /** Finishes queued jobs and joins the threads. */
  void stop();

 private:
  void run();

  const std::size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace chat::server
