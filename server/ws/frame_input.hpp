// A WebSocket session's incoming side without the socket: the frame reader
// and the bytes of the unfinished frame it waits for (for TLS also the
// stream's read buffer). Whole frames become events handed to the session;
// a plain socket's idle connection holds no buffer at all.
#pragma once

#include "ws/ws_frame.hpp"

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>

namespace chat::server::ws {

/** Bytes read from one peer, parsed into frame events. */
class frame_input {
 public:
  /** `max_message`: the reader's message limit; `max_buffer`: the most bytes
   *  held; `keep_buffer`: keep the buffer while empty (TLS reads into it). */
  frame_input(std::size_t max_message, std::size_t max_buffer, bool keep_buffer)
      : reader_(max_message), max_(max_buffer), keep_(keep_buffer) {}

  /** Bytes held: the start of a frame not complete yet. */
  std::size_t held() const { return len_; }

  /** Room to read into after the held bytes: 4096 bytes or the rest of the
   *  frame the reader waits for, whichever is more, within max_buffer. */
  std::pair<char*, std::size_t> room();
  /** `n` bytes were read into room(). */
  void filled(std::size_t n) { len_ += n; }
  /** Holds `bytes` (at most max_buffer), which come before anything read later. */
  void hold(std::string_view bytes);

  /** Hands the event of each whole frame in the held bytes to `on_event` while
   *  `go()` is true; keeps an unfinished frame, drops the rest once go() is false. */
  template <class OnEvent, class Go>
  void consume_held(OnEvent&& on_event, Go&& go) {
    consume(buf_.get(), len_, on_event, go);
  }

  /** The same for `size` bytes read into a buffer outside (held() is 0). */
  template <class OnEvent, class Go>
  void consume(char* data, std::size_t size, OnEvent&& on_event, Go&& go) {
    std::size_t pos = 0;
    while (pos < size && go()) {
      event ev;
      const std::size_t used = reader_.next(data + pos, size - pos, ev);
      if (ev.what == event::kind::need_more) break;
      pos += used;
      on_event(ev);
    }
    keep_rest(data, pos, go() ? size - pos : 0);
  }

 private:
  void reserve(std::size_t need);
  /** Keeps data[pos, pos + left) as the held bytes. */
  void keep_rest(const char* data, std::size_t pos, std::size_t left);

  frame_reader reader_;
  std::unique_ptr<char[]> buf_;
  std::size_t len_ = 0;
  std::size_t cap_ = 0;
  std::size_t max_;
  bool keep_;
};

}  // namespace chat::server::ws
