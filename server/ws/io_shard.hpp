// One I/O thread's share of the server: an io_context run by exactly one
// thread (so nothing on it needs a strand), the WebSocket sessions living on
// it, each delivered batch framed once and given to them in one handler, the writer woken
// once per round of reads, a read buffer they share, and a once-a-second sweep that does their keep-alive pings,
// idle timeouts and close deadlines (no timer per connection). No Beast here.
#pragma once

#include "room/room.hpp"
#include "ws/frame_input.hpp"
#include "ws/ws_frame.hpp"

#include <chat/limits.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace chat::server {

/** What a shard needs from a session living on it (called on the shard's thread). */
class shard_client {
 public:
  /** A delivered batch of messages, framed: one text frame per message, indexed by id. */
  virtual void on_batch(const ws::wire_ref& batch) = 0;
  /** Once a second; `now` = the shard's clock in seconds. */
  virtual void on_tick(std::uint32_t now) = 0;

 protected:
  ~shard_client() = default;

 private:
  friend class io_shard;
  std::size_t slot_ = static_cast<std::size_t>(-1);
};

/** An io_context with one thread and the sessions on it. */
class io_shard final : public member_shard {
 public:
  /** Bytes of the shared read buffer: a whole 64 KiB frame with its header fits. */
  static constexpr std::size_t scratch_size = 64 * 1024 + 16;
  static_assert(scratch_size >= ws::frame_input::max_frame_wire(limits::max_frame_bytes),
                "one read into the shard's buffer must take a whole frame of the largest size");

  explicit io_shard(room& chat);
  ~io_shard() override;
  io_shard(const io_shard&) = delete;
  io_shard& operator=(const io_shard&) = delete;

  boost::asio::io_context& context() { return ioc_; }
  /** Whole seconds since the shard started (advanced by the sweep). */
  std::uint32_t now() const { return now_; }
  /** A buffer for one read; its content is only valid within the handler that filled it. */
  char* scratch() { return scratch_.get(); }

  void add(shard_client& c);
  /** Idempotent; safe during the sweep or a batch. */
  void remove(shard_client& c);
  std::size_t clients() const { return clients_.size() - holes_; }

  /** Posts the batch to this shard's thread, which gives it to its sessions,
   *  framed once for every shard (the first to get there frames it). */
  void broadcast(batch_ref batch) override;
  /** Wakes the room's writer once the handlers ready now have run (all the
   *  reads of this round), so one commit takes every message they submitted. */
  void wake_writer_soon();

  /** Arms the sweep and keeps run() from returning while idle; call before
   *  the thread starts. */
  void prepare();
  /** Runs the io_context on the calling thread until stop(). */
  void run();
  /** Lets run() return; pending handlers are destroyed with the shard. */
  void stop();

 private:
  void arm_sweep();
  void compact();

  // Declared before ioc_: destroying ioc_ destroys pending handlers, and the
  // sessions they release remove themselves from clients_.
  room& room_;
  bool wake_posted_ = false;
  std::vector<shard_client*> clients_;
  std::size_t holes_ = 0;  ///< slots emptied while iterating
  int iterating_ = 0;
  std::unique_ptr<char[]> scratch_;
  std::uint32_t now_ = 0;
  std::chrono::steady_clock::time_point started_;
  boost::asio::io_context ioc_;
  boost::asio::steady_timer sweep_;

  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
};

}  // namespace chat::server
