// The one writer thread: takes accepted messages from every session, commits
// them to the store in batches (one transaction per batch, "group commit"),
// and hands each committed batch, in id order, to the room, which publishes it
// to the fan-out. Under load the commits are paced (one per interval), so each
// takes many messages and each batch carries them all: one write per socket
// per batch. While no message waits, it also removes what retention no longer
// keeps, a small step at a time, so a send waits for at most one step.
#pragma once

#include "store/messages.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chat::server {

class room_member;

/** A message accepted by a session, waiting to be stored. */
struct write_request {
  message_draft draft;                 ///< time_ms is assigned by the writer
  std::weak_ptr<room_member> sender;
};

/** A stored message (or the original of a duplicate) and who sent it. */
struct write_result {
  append_outcome outcome;
  std::weak_ptr<room_member> sender;
};

/** Retention run by the writer: messages older than `days` or beyond the
 *  newest `messages` are removed (0: that limit off), in steps of
 *  `step_rows` taken only while no message waits, a pass every `every`
 *  (and steps back to back while a pass finds more). */
struct retention_schedule {
  int days = 0;
  std::int64_t messages = 0;
  std::size_t step_rows = 1000;
  std::chrono::milliseconds every{60000};
  bool active() const { return days > 0 || messages > 0; }
};

/** Group-committing writer thread. */
class message_writer {
 public:
  using commit_fn = std::function<void(std::vector<write_result>&&)>;
  using fail_fn = std::function<void(std::vector<write_request>&&, const std::string& why)>;

  /** `commit_interval`: while messages keep coming, a commit starts at most
   *  this long after the previous one started (0: as soon as woken); a
   *  message after a quiet spell is committed at once. */
  message_writer(message_store& s, commit_fn on_commit, fail_fn on_fail, std::size_t max_pending, std::size_t max_batch,
                 std::chrono::microseconds commit_interval = {}, retention_schedule retention = {});
  ~message_writer();
  message_writer(const message_writer&) = delete;
  message_writer& operator=(const message_writer&) = delete;

  /** Queues a message; false if the queue is full or the writer stopped. With
   *  `wake` false the writer is not woken: the caller calls wake() once it has
   *  submitted what it had (an I/O thread at the end of its ready work), so
   *  one commit takes them all instead of one each. */
  bool submit(write_request r, bool wake = true);
  /** Wakes the writer if messages are waiting. */
  void wake();
  /** Commits everything queued, then ends the thread. Idempotent. */
  void stop();

 private:
  void run();
  /** One retention step; sets when the next is due. */
  void prune_step();

  message_store& store_;
  commit_fn on_commit_;
  fail_fn on_fail_;
  const std::size_t max_pending_;
  const std::size_t max_batch_;
  const std::chrono::microseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<write_request> queue_;
  bool stopping_ = false;
  bool pacing_ = false;  ///< the thread waits for the interval to pass: waking it is useless
  std::int64_t last_time_ms_ = 0;
  const retention_schedule retention_;
  std::chrono::steady_clock::time_point next_prune_{};  ///< the first step is due at once
  std::thread thread_;
};

}  // namespace chat::server
