// The write queue's accounting: bounds, partial writes, dropping.
#include "ws/write_queue.hpp"

#include <algorithm>
#include <iterator>

namespace chat::server::ws {

void write_queue::push(wire_ref buf, bool close, std::uint32_t offset, std::uint32_t size, std::uint32_t frames) {
  if (size == 0) {
    size = static_cast<std::uint32_t>(buf->bytes.size());
    frames = static_cast<std::uint32_t>(buf->frames);
  }
  bytes_ += size;
  frames_ += frames;
  queue_.push_back(piece{std::move(buf), offset, size, frames, close});
}

write_queue::verdict write_queue::offer(wire_ref buf, std::uint32_t offset, std::uint32_t size,
                                        std::uint32_t frames) {
  if (bytes_ + size <= max_bytes_ && frames_ + frames <= max_frames_) {
    push(std::move(buf), false, offset, size, frames);
    return verdict::queued;
  }
  // As if queued one frame at a time: everything up to the frame that crosses the bound.
  std::uint32_t take_bytes = size;
  std::uint32_t take_frames = frames;
  if (frames > 1) {
    const auto& offs = buf->offsets;
    auto j = static_cast<std::size_t>(std::lower_bound(offs.begin(), offs.end(), offset) - offs.begin());
    take_frames = 0;
    std::size_t bytes = bytes_;
    std::size_t count = frames_;
    for (; j < offs.size(); ++j) {
      const std::size_t end = j + 1 < offs.size() ? offs[j + 1] : buf->bytes.size();
      bytes += end - offs[j];
      ++count;
      ++take_frames;
      if (bytes > max_bytes_ || count > max_frames_) {
        take_bytes = static_cast<std::uint32_t>(end - offset);
        break;
      }
    }
  }
  push(std::move(buf), false, offset, take_bytes, take_frames);
  return verdict::overflow;
}

bool write_queue::complete(std::size_t n) {
  bool close_left = false;
  std::size_t done = 0;
  for (; done < in_flight_ && n > 0; ++done) {
    auto& p = queue_[done];
    const std::size_t rest = p.size - head_sent_;
    if (n < rest) {
      head_sent_ += n;
      break;
    }
    n -= rest;
    head_sent_ = 0;
    bytes_ -= p.size;
    frames_ -= p.frames;
    if (p.close) close_left = true;
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(done));
  in_flight_ = 0;
  return close_left;
}

void write_queue::abort() {
  queue_.clear();
  in_flight_ = 0;
  head_sent_ = 0;
  bytes_ = 0;
  frames_ = 0;
}

void write_queue::drop_unsent(bool writing) {
  const std::size_t keep = writing ? in_flight_ : 0;
  for (std::size_t i = keep; i < queue_.size(); ++i) {
    bytes_ -= queue_[i].size;
    frames_ -= queue_[i].frames;
  }
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(keep), queue_.end());
  if (keep == 0) head_sent_ = 0;
}

void write_queue::shrink() {
  if (queue_.empty()) std::vector<piece>().swap(queue_);
}

}  // namespace chat::server::ws
