// A WebSocket session's incoming side without the socket: the frame reader
// and the bytes of the unfinished frame it waits for (for TLS also the
// stream's read buffer). Whole frames become events handed to the session;
// a plain socket's idle connection holds no buffer at all. The buffer grows
// with the bytes that arrive, never with what a frame header announces, and
// every byte held for an unfinished frame (or fragmented message) is charged
// to a partial_budget when one is given: a growth it refuses is refused here.
#pragma once

#include "ws/partial_budget.hpp"
#include "ws/ws_frame.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace chat::server::ws {

/** Bytes read from one peer, parsed into frame events. */
class frame_input {
 public:
  /** The longest client frame header (2 + 8 length bytes + 4 mask bytes). */
  static constexpr std::size_t max_header = 14;
  /** The most bytes one client frame of a message limit `max_message` takes. */
  static constexpr std::size_t max_frame_wire(std::size_t max_message) { return max_message + max_header; }
  /** Room offered for one read beyond the bytes held (at least). */
  static constexpr std::size_t read_room = 4096;

  /** `max_message`: the reader's message limit (the buffer never needs more
   *  than one frame of it); `keep_buffer`: keep a small buffer while empty
   *  (TLS reads into it). */
  frame_input(std::size_t max_message, bool keep_buffer)
      : reader_(max_message), max_(max_frame_wire(max_message)), keep_(keep_buffer) {}

  /** Charges what this input holds for unfinished frames to `budget` under `address`. */
  void limit(partial_budget& budget, const std::string& address) {
    lease_ = std::make_unique<partial_lease>(&budget, address);
  }

  /** Bytes held: the start of a frame not complete yet. */
  std::size_t held() const { return len_; }
  /** True while a frame or a fragmented message is unfinished. */
  bool pending() const { return len_ > 0 || reader_.fragmented(); }
  /** True between the first and the final frame of a fragmented message. */
  bool fragmented() const { return reader_.fragmented(); }
  /** Frames parsed so far (a frame that completes moves it). */
  std::size_t frames() const { return frames_; }
  /** Bytes charged to the budget now. */
  std::size_t charged() const { return lease_ ? lease_->held() : 0; }
  /** True once the budget refused a growth: the session must give up on this peer. */
  bool refused() const { return refused_; }

  /** Room to read into after the held bytes: at least read_room, or as many
   *  as are held (the buffer doubles), within one frame's size; {nullptr, 0}
   *  once refused(). */
  std::pair<char*, std::size_t> room();
  /** `n` bytes were read into room(). */
  void filled(std::size_t n) { len_ += n; }
  /** Frees the buffers and the charge: the peer's input is over. */
  void release();

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
      if (used > 0) ++frames_;
      on_event(ev);
    }
    keep_rest(data, pos, go() ? size - pos : 0);
  }

 private:
  /** Makes the buffer hold at least `need` bytes (at most one frame); false if the budget refuses. */
  bool reserve(std::size_t need);
  /** The buffer size to grow to for `n` held bytes: twice them, at least read_room more. */
  std::size_t grown(std::size_t n) const;
  /** Keeps data[pos, pos + left) as the held bytes. */
  void keep_rest(const char* data, std::size_t pos, std::size_t left);
  /** Brings the budget's charge to what is held now. */
  void settle();

  frame_reader reader_;
  std::unique_ptr<char[]> buf_;
  std::size_t len_ = 0;
  std::size_t cap_ = 0;
  std::size_t max_;
  std::size_t frames_ = 0;
  bool keep_;
  bool refused_ = false;
  std::unique_ptr<partial_lease> lease_;
};

}  // namespace chat::server::ws
