// The pace of presence: a join or leave only marks the room's presence
// changed (O(1)); one thread publishes the current online list at most once
// per interval, and only after a change. So churn costs the room one list a
// second, whatever its size and however fast guests come and go.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace chat::server {

/** Calls `publish` on its own thread after mark(), at most once per interval. */
class presence_ticker {
 public:
  using clock = std::chrono::steady_clock;
  /** `publish` returns true if it sent something; only then does the
   *  interval start (a change nobody needed to hear does not delay the next). */
  presence_ticker(clock::duration interval, std::function<bool()> publish);
  ~presence_ticker();
  presence_ticker(const presence_ticker&) = delete;
  presence_ticker& operator=(const presence_ticker&) = delete;

  /** Presence changed: publish when the interval allows. Callable from any thread; never blocks on publishing. */
  void mark();
  /** Ends the thread (idempotent); a pending change is dropped. */
  void stop();

 private:
  void run();

  const clock::duration interval_;
  const std::function<bool()> publish_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool dirty_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the rest is ready
};

}  // namespace chat::server
