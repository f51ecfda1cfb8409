// The store worker: one thread that makes the store calls the I/O threads
// need (session checks, user lists, history pages), so a slow engine delays
// the one request that waits for it, never a shard; and, every few seconds,
// the check of the open sockets' sessions. Jobs queue in a bounded
// queue; a caller whose job does not fit answers `busy` instead of waiting.
// The thread and its queue are a one-thread worker_pool.
#pragma once

#include "worker_pool.hpp"

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace chat::server {

/** The outcome of a store job: its value, or why the store failed. */
template <class T>
struct store_answer {
  std::optional<T> value;
  std::string error;  ///< when there is no value
  explicit operator bool() const { return value.has_value(); }
};

/** One thread running store jobs in submission order. Thread-safe. */
class store_worker {
 public:
  /** Starts the thread; at most `max_pending` jobs wait at once. */
  explicit store_worker(std::size_t max_pending) : pool_(1, max_pending) {}
  /** stop(). */
  ~store_worker() = default;
  store_worker(const store_worker&) = delete;
  store_worker& operator=(const store_worker&) = delete;

  /** Queues `job`; false (and it never runs) if `max_pending` jobs wait
   *  already or the worker stopped. Callable from any thread. Jobs run one at
   *  a time in the order they were queued; a job must not throw. */
  bool post(std::function<void()> job) { return pool_.submit(std::move(job)); }

  /** Queues `job` (a callable returning a value, which may throw) and, when it
   *  has run, calls `done(store_answer<value>)` ON THE WORKER THREAD: `done`
   *  must only hand the answer to its caller's thread (post it to the
   *  caller's executor), never do I/O or block. False if the job was not
   *  queued (see post()); then neither runs, and the caller answers `busy`. */
  template <class Job, class Done>
  bool submit(Job job, Done done) {
    return pool_.submit(wrap(std::move(job), std::move(done)));
  }

  /** The same, but the job waits aside until `due` (then joins the queue's
   *  end): a paced read. False if it cannot wait (as many jobs wait aside as
   *  may wait in the queue) or see submit(). */
  template <class Job, class Done>
  bool submit_at(std::chrono::steady_clock::time_point due, Job job, Done done) {
    return pool_.submit_at(due, wrap(std::move(job), std::move(done)));
  }

  /** Runs `job` on the worker thread every `period`, between the queued jobs
   *  (see worker_pool::every: never refused, never queued behind them; it
   *  must not throw). The server's session check (auth/session_check.hpp). */
  void every(std::chrono::milliseconds period, std::function<void()> job) { pool_.every(period, std::move(job)); }

  /** Runs the jobs already queued, refuses new ones and joins the thread.
   *  Idempotent. Call before the store closes. */
  void stop() { pool_.stop(); }
  /** Jobs waiting or running now. */
  std::size_t pending() const { return pool_.pending(); }

 private:
  /** `job` and `done` as one job that catches the store's error. */
  template <class Job, class Done>
  static std::function<void()> wrap(Job job, Done done) {
    using value_type = std::decay_t<std::invoke_result_t<Job&>>;
    // std::function wants a copyable callable: share the move-only parts.
    auto state = std::make_shared<std::pair<Job, Done>>(std::move(job), std::move(done));
    return [state] {
      store_answer<value_type> answer;
      try {
        answer.value.emplace(state->first());
      } catch (const std::exception& e) {
        answer.error = e.what();
      } catch (...) {
        answer.error = "unknown error";
      }
      state->second(std::move(answer));
    };
  }

  worker_pool pool_;
};

}  // namespace chat::server
