// The seam between "the store committed a batch of messages" and "the
// sessions on this process get bytes". The writer publishes each committed
// batch; the fan-out hands every batch, from this process's writer or (in a
// cluster) from any node's, to the process's consumer: the room, which moves
// its join point and passes the batch to the I/O shards, which frame it once
// each and write it to their sessions. docs/architecture.md draws the path.
//
// Contract of delivery to the consumer, whatever the implementation:
//  * every committed batch is delivered exactly once, whole, in ascending
//    position (message id) order, and never before its commit;
//  * deliveries are serialised: one on_batch() call at a time.
//
// The local implementation (make_local_fanout) calls the consumer on the
// writer's thread inside publish(): one writer, so commit order is delivery
// order and nothing can be lost between them.
//
// A bus between processes (the scale-out issue: Redis pub/sub per room) plugs
// in as a second implementation without changing its callers. publish()
// sends the batch on the room's channel (at most once: it may be lost); a
// subscriber thread receives batches from every node and, before handing one
// to the consumer, compares its first position with the last position it
// delivered for that room: on a gap (a lost message, a reconnect to the bus)
// it reads the missing range from the message store by position
// (message_store::messages_page(after, upto)) and delivers that first; a
// batch at or below the last delivered position is dropped as a duplicate.
// The consumer therefore sees the same contract. For positions to reveal
// every gap, a room's positions must be dense and must commit in order
// (docs/protocol.md states the scheme the store keeps).
#pragma once

#include <chat/model.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace chat::server {

namespace ws {
struct wire_buffer;
}

/** Messages committed together, ascending by id (their position). Immutable once published. */
struct committed_batch {
  std::vector<chat_message> messages;

  /** The batch as WebSocket frames, made once by the first I/O shard that
   *  sends it and shared by the others (ws/io_shard.cpp). */
  mutable std::once_flag framed_once;
  mutable std::shared_ptr<const ws::wire_buffer> framed;

  std::int64_t first_id() const { return messages.empty() ? 0 : messages.front().id; }
  std::int64_t last_id() const { return messages.empty() ? 0 : messages.back().id; }
};
using batch_ref = std::shared_ptr<const committed_batch>;

/** What receives the delivered batches on this process (the room). */
class fanout_consumer {
 public:
  /** One committed batch, per the contract above. Must not block on I/O. */
  virtual void on_batch(const batch_ref& batch) = 0;

 protected:
  ~fanout_consumer() = default;
};

/** Committed batches to this process's consumer (and, in a cluster, to every node's). */
class fanout {
 public:
  virtual ~fanout() = default;
  /** Sets the consumer; once, before the first publish(). It must outlive the fan-out's use. */
  virtual void attach(fanout_consumer& consumer) = 0;
  /** Publishes a batch the store has committed. Called by the single writer
   *  thread, in commit order, right after the commit; never blocks on I/O. */
  virtual void publish(batch_ref batch) = 0;
};

/** The single-process fan-out: publish() delivers to the consumer at once, on the caller's thread. */
std::unique_ptr<fanout> make_local_fanout();

}  // namespace chat::server
