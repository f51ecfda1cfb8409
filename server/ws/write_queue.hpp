// A WebSocket session's outgoing queue without the socket: pieces of shared
// frame buffers waiting to be written, their bounds in bytes and in frames
// (past either one the verdict is overflow, and the session closes with 1013),
// gathering the front pieces into one write, the bookkeeping of a write that
// sent only part of them, and our close frame as the last piece. The session
// (ws_session.hpp) owns the socket and asks this queue what to send.
#pragma once

#include "ws/ws_frame.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace chat::server::ws {

/** The bytes and frames one session still has to send, bounded. */
class write_queue {
 public:
  /** What offer() did with the frames it was given. */
  enum class verdict : std::uint8_t {
    queued,    ///< all of them are queued
    overflow,  ///< a bound was crossed: the frames up to the one that crosses it are queued, the rest dropped
  };

  write_queue(std::size_t max_bytes, std::size_t max_frames) : max_bytes_(max_bytes), max_frames_(max_frames) {}

  /** Queues `frames` frames of `buf` (bytes [offset, offset + size); the whole
   *  buffer when size is 0) whatever the bounds: the 101 response, our close
   *  frame (`close`: complete() reports when it has left). */
  void push(wire_ref buf, bool close = false, std::uint32_t offset = 0, std::uint32_t size = 0,
            std::uint32_t frames = 0);

  /** Queues `frames` frames of `buf`, bytes [offset, offset + size), within the
   *  bounds. Past a bound it queues, as if the frames came one at a time,
   *  everything up to and including the frame that crosses it (a batch is cut
   *  at the frame starts in buf->offsets), and answers overflow. */
  verdict offer(wire_ref buf, std::uint32_t offset, std::uint32_t size, std::uint32_t frames);

  /** Starts a write: hands `out(data, size)` the front pieces (the first one
   *  without its bytes already sent), at most `max_pieces`, and after the first
   *  only while the total stays within `max_bytes`; they stay queued and
   *  untouched until complete() or abort(). Returns the pieces handed out; at
   *  most one write at a time. */
  template <class Out>
  std::size_t gather(Out&& out, std::size_t max_pieces,
                     std::size_t max_bytes = std::numeric_limits<std::size_t>::max()) {
    std::size_t i = 0;
    std::size_t total = 0;
    for (; i < queue_.size() && i < max_pieces; ++i) {
      const auto& p = queue_[i];
      const std::size_t skip = i == 0 ? head_sent_ : 0;
      const std::size_t n = p.size - skip;
      if (i > 0 && total + n > max_bytes) break;
      out(p.buf->bytes.data() + p.offset + skip, n);
      total += n;
    }
    in_flight_ = i;
    return i;
  }

  /** The write started by gather() sent `n` bytes: frees the pieces that left
   *  (a partly sent one stays at the front). True if our close frame has now
   *  left completely. */
  bool complete(std::size_t n);

  /** The write failed: everything is dropped. */
  void abort();

  /** Drops every piece except those a write in flight reads from (`writing`). */
  void drop_unsent(bool writing);

  /** Gives the memory of an empty queue back (a quiet connection keeps none). */
  void shrink();

  bool empty() const { return queue_.empty(); }
  /** Bytes queued, a partly sent piece counted whole. */
  std::size_t bytes() const { return bytes_; }
  std::size_t frames() const { return frames_; }
  /** Bytes of the front piece already sent. */
  std::size_t head_sent() const { return head_sent_; }

 private:
  /** A piece of a shared frame buffer waiting to be written. */
  struct piece {
    wire_ref buf;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint32_t frames = 0;
    bool close = false;  ///< our close frame
  };

  std::size_t max_bytes_;
  std::size_t max_frames_;
  std::vector<piece> queue_;  // its first in_flight_ pieces belong to the write in flight
  std::size_t in_flight_ = 0;
  std::size_t head_sent_ = 0;
  std::size_t bytes_ = 0;
  std::size_t frames_ = 0;
};

}  // namespace chat::server::ws
