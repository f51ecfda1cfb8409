// The incoming side's buffer: growing it with the bytes that arrive, keeping
// the unfinished rest, and charging what it holds to the budget.
#include "ws/frame_input.hpp"

#include <algorithm>
#include <cstring>

namespace chat::server::ws {

std::size_t frame_input::grown(std::size_t n) const {
  return std::min(std::max(n + read_room, 2 * n), max_);
}

std::pair<char*, std::size_t> frame_input::room() {
  if (!reserve(grown(len_))) return {nullptr, 0};
  return {buf_.get() + len_, cap_ - len_};
}

void frame_input::release() {
  buf_.reset();
  cap_ = len_ = 0;
  if (lease_) lease_->set(0);
}

bool frame_input::reserve(std::size_t need) {
  if (refused_) return false;
  // A frame over max_ fails in the reader before its bytes are kept, so one
  // frame always fits; grown() never asks for more.
  need = std::min(need, max_);
  if (need <= cap_) return true;
  // The buffer is charged while it holds bytes; a TLS stream's empty read
  // buffer (len_ 0) is not an unfinished frame.
  const bool holding = len_ > 0 || need > read_room;
  if (lease_ && holding && !lease_->set(need + reader_.message_bytes())) {
    refused_ = true;
    return false;
  }
  std::unique_ptr<char[]> bigger(new char[need]);
  if (len_ > 0) std::memcpy(bigger.get(), buf_.get(), len_);
  buf_ = std::move(bigger);
  cap_ = need;
  return true;
}

void frame_input::keep_rest(const char* data, std::size_t pos, std::size_t left) {
  if (data != buf_.get()) {
    // Read into a buffer outside, which is reused once this returns.
    if (left > 0 && reserve(grown(left))) std::memcpy(buf_.get(), data + pos, left);
    if (refused_) left = 0;
  } else if (left > 0 && pos > 0) {
    std::memmove(buf_.get(), data + pos, left);
  }
  len_ = left;
  // Plain sockets read into the shard's buffer: keep none while idle; a TLS
  // stream keeps a small one to read into.
  if (len_ == 0 && buf_ && (!keep_ || cap_ > read_room)) {
    buf_.reset();
    cap_ = 0;
  }
  settle();
}

void frame_input::settle() {
  if (!lease_) return;
  const std::size_t now = (len_ > 0 ? cap_ : 0) + reader_.message_bytes();
  if (!lease_->set(now)) refused_ = true;
}

}  // namespace chat::server::ws
