// The incoming side's buffer: growing it for a frame, keeping the unfinished rest.
#include "ws/frame_input.hpp"

#include <algorithm>
#include <cstring>

namespace chat::server::ws {

std::pair<char*, std::size_t> frame_input::room() {
  reserve(std::max<std::size_t>(len_ + 4096, reader_.wanted()));
  return {buf_.get() + len_, cap_ - len_};
}

void frame_input::hold(std::string_view bytes) {
  reserve(len_ + bytes.size());
  const std::size_t n = std::min(bytes.size(), cap_ - len_);
  if (n > 0) std::memcpy(buf_.get() + len_, bytes.data(), n);
  len_ += n;
}

void frame_input::reserve(std::size_t need) {
  need = std::min(need, max_);
  if (need <= cap_) return;
  std::unique_ptr<char[]> bigger(new char[need]);
  if (len_ > 0) std::memcpy(bigger.get(), buf_.get(), len_);
  buf_ = std::move(bigger);
  cap_ = need;
}

void frame_input::keep_rest(const char* data, std::size_t pos, std::size_t left) {
  if (data != buf_.get()) {
    // Read into a buffer outside, which is reused once this returns.
    if (left > 0) {
      reserve(std::max(left, reader_.wanted()));
      std::memcpy(buf_.get(), data + pos, left);
    }
  } else if (left > 0 && pos > 0) {
    std::memmove(buf_.get(), data + pos, left);
  }
  len_ = left;
  if (len_ == 0 && !keep_ && buf_) {
    buf_.reset();  // plain sockets read into the shard's buffer: keep none while idle
    cap_ = 0;
  }
}

}  // namespace chat::server::ws
