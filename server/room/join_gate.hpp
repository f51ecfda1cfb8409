// The member's side of the join invariant (room.hpp): committed batches that
// reach a member before its history is queued wait here, in order, and are
// let through right after the history. `Batch` is whatever the fan-out hands
// a member (today a ws::wire_ref); nothing here looks inside it.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace chat::server {

/** A joining member's held batches; used on the member's I/O thread only. */
template <class Batch>
class join_gate {
 public:
  /** True until open(): a batch that arrives now must be hold()-ed. */
  bool closed() const { return closed_; }
  /** Keeps a batch of `frames` messages until open(). */
  void hold(Batch batch, std::size_t frames) {
    held_frames_ += frames;
    held_.push_back(std::move(batch));
  }
  /** Messages held now (a member counts them against its queue bound). */
  std::size_t held_frames() const { return held_frames_; }
  /** The history is queued: returns the held batches, oldest first; later
   *  batches pass straight through. */
  std::vector<Batch> open() {
    closed_ = false;
    held_frames_ = 0;
    return std::exchange(held_, {});
  }

 private:
  bool closed_ = true;
  std::size_t held_frames_ = 0;
  std::vector<Batch> held_;
};

}  // namespace chat::server
