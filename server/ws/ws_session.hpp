// One chat WebSocket after the handshake, plain or TLS, on our own framing
// (ws_frame.hpp): the read loop feeding the room, and a bounded write queue
// (bytes and frames) whose frames all leave in one gathered write, one write
// in flight; a client that stops reading is closed with 1013 instead of
// growing the server's memory. The session lives on one shard's thread, so it
// needs no strand; keep-alive pings, the idle timeout and the close deadline
// come from the shard's sweep. Include only from sessions_*.cpp.
#pragma once

#include "config.hpp"
#include "ws/io_shard.hpp"
#include "log.hpp"
#include "room/join_gate.hpp"
#include "room/room.hpp"
#include "server_context.hpp"
#include "http/session_start.hpp"
#include "stats.hpp"
#include "ws/ws_frame.hpp"

#include <chat/limits.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace chat::server {

namespace net = boost::asio;

/** A member of the room speaking over one WebSocket; `Stream` is shard_socket
 *  or a TLS stream over it. */
template <class Stream>
class ws_session final : public room_member,
                         public shard_client,
                         public std::enable_shared_from_this<ws_session<Stream>> {
  static constexpr bool tls = !std::is_same_v<Stream, shard_socket>;
  /** Buffers handed to one sendmsg (asio's own cap per call). */
  static constexpr std::size_t max_iov = 64;
  /** TLS: bytes copied into one write (a few records). */
  static constexpr std::size_t tls_write_bytes = 64 * 1024;

 public:
  ws_session(Stream stream, io_shard& shard, server_context& ctx, member_info info)
      : room_member(std::move(info), true),
        stream_(std::move(stream)),
        shard_(shard),
        ctx_(ctx),
        reader_(limits::max_frame_bytes) {}

  ~ws_session() {
    shard_.remove(*this);
    if (joined_ && !finished_) ctx_.chat_room.leave(this);
  }

  /** Sends the 101 `response`, joins the room and reads; `early` holds client
   *  bytes that arrived with the upgrade request. */
  void start(std::string response, std::string_view early) {
    shard_.add(*this);
    last_rx_ = shard_.now();
    if constexpr (!tls) {
      boost::system::error_code ec;
      socket().non_blocking(true, ec);  // reads are tried directly after a readiness wait
    }
    auto hello = std::make_shared<ws::wire_buffer>();
    hello->bytes = std::move(response);
    hello->frames = 0;
    push(std::move(hello), false);
    ctx_.stats.ws_accepted++;
    // Registered now; the history comes back from the store worker, and reading
    // starts after it is queued (see the invariant in room.hpp).
    joined_ = true;
    early_.assign(early);
    ctx_.chat_room.join(this->shared_from_this(), [self = this->shared_from_this()](member_reply reply) mutable {
      auto& ioc = self->shard_.context();
      net::post(ioc, [self = std::move(self), reply = std::move(reply)]() mutable { self->on_joined(std::move(reply)); });
    });
    if (!writing_) do_write();
  }

  void deliver(frame_list frames) override {
    net::post(shard_.context(), [self = this->shared_from_this(), frames = std::move(frames)] {
      for (const auto& f : *frames) {
        if (!self->enqueue_frame(*f)) break;
      }
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    net::post(shard_.context(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->start_close(code, std::move(reason), false);
    });
  }

  void on_batch(const ws::wire_ref& batch) override {
    if (!joined_ || close_requested_ || finished_) return;
    const auto& ids = batch->ids;
    if (gate_.closed()) {  // the history is not queued yet: hold it, bounded like the queue
      gate_.hold(batch, ids.size());
      if (gate_.held_frames() > ctx_.cfg.max_queue_frames) {
        gate_.open();
        ctx_.stats.overflow_closes++;
        start_close(ws::close_code::try_again_later, "you are not reading fast enough; reconnect with since=", true);
      }
      return;
    }
    std::size_t first = 0;
    if (ids.front() <= after_id_) {  // already in this member's history
      first = static_cast<std::size_t>(std::upper_bound(ids.begin(), ids.end(), after_id_) - ids.begin());
      if (first == ids.size()) return;
    }
    const auto offset = batch->offsets[first];
    enqueue(batch, offset, static_cast<std::uint32_t>(batch->bytes.size() - offset),
            static_cast<std::uint32_t>(ids.size() - first));
  }

  void on_tick(std::uint32_t now) override {
    if (finished_) return;
    if (close_requested_) {
      // A peer that never reads or never answers would hold the close handshake forever.
      if (now >= close_deadline_) force_close("close handshake timed out");
      return;
    }
    const auto idle = now - last_rx_;
    const auto timeout = static_cast<std::uint32_t>(ctx_.cfg.idle_timeout_s);
    if (idle >= timeout) return force_close("idle timeout");
    if (idle >= timeout / 2 && !pinged_) {
      pinged_ = true;
      enqueue(ws::make_wire(ws::opcode::ping, {}), 0, 2, 1);
    }
    // Quiet: give the write state's memory back.
    if (!writing_ && queue_.empty()) {
      std::vector<chunk>().swap(queue_);
      std::vector<net::const_buffer>().swap(iov_);
      std::string().swap(tls_out_);
    }
  }

 private:
  /** A piece of a shared frame buffer waiting to be written. */
  struct chunk {
    ws::wire_ref buf;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint32_t frames = 0;
    bool close = false;  ///< our close frame
  };

  /** The queue's front buffers as asio sees a buffer sequence (no copy of a vector per write). */
  struct iov_view {
    using value_type = net::const_buffer;
    using const_iterator = const net::const_buffer*;
    const net::const_buffer* first;
    const net::const_buffer* last;
    const_iterator begin() const { return first; }
    const_iterator end() const { return last; }
  };

  shard_socket& socket() {
    if constexpr (tls) {
      return stream_.next_layer().socket();
    } else {
      return stream_;
    }
  }

  /** The join reply (welcome and history) is here: queue it, let the held
   *  batches through, then start reading. */
  void on_joined(member_reply reply) {
    after_id_ = reply.last_id;
    if (finished_) return;
    for (const auto& f : reply.frames) enqueue_frame(*f);
    if (reply.close_code != 0) start_close(reply.close_code, reply.close_reason, false);
    if (ctx_.shutting_down.load()) start_close(ws::close_code::going_away, "server shutting down", false);
    for (const auto& batch : gate_.open()) on_batch(batch);
    if (finished_) return;
    if (!early_.empty()) {
      reserve_rx(early_.size());
      std::memcpy(rx_.get(), early_.data(), early_.size());
      rx_len_ = early_.size();
      std::string().swap(early_);
      consume(rx_.get(), rx_len_, false);
    }
    if (!finished_ && !stop_parsing_) do_read();
  }

  // ---------------------------------------------------------------- writing

  void push(ws::wire_ref buf, bool close, std::uint32_t offset = 0, std::uint32_t size = 0, std::uint32_t frames = 0) {
    if (size == 0) {
      size = static_cast<std::uint32_t>(buf->bytes.size());
      frames = static_cast<std::uint32_t>(buf->frames);
    }
    queued_bytes_ += size;
    queued_frames_ += frames;
    queue_.push_back(chunk{std::move(buf), offset, size, frames, close});
  }

  /** Queues one JSON text frame from the room; false once closing. */
  bool enqueue_frame(const std::string& json) {
    if (close_requested_ || finished_) return false;
    auto w = ws::make_wire(ws::opcode::text, json);
    const auto size = static_cast<std::uint32_t>(w->bytes.size());
    return enqueue(std::move(w), 0, size, 1);
  }

  /** Queues `frames` frames of `buf` and starts a write if none is in flight;
   *  false once the connection is closing (they are dropped). Past the bound
   *  the frames up to the one that crosses it are queued, then 1013. */
  bool enqueue(ws::wire_ref buf, std::uint32_t offset, std::uint32_t size, std::uint32_t frames) {
    if (close_requested_ || finished_) return false;
    const std::size_t max_bytes = ctx_.cfg.max_queue_bytes;
    const std::size_t max_frames = ctx_.cfg.max_queue_frames;
    if (queued_bytes_ + size <= max_bytes && queued_frames_ + frames <= max_frames) {
      push(std::move(buf), false, offset, size, frames);
      ctx_.stats.note_queue(queued_bytes_, queued_frames_);
      if (!writing_) do_write();
      return true;
    }
    // As if queued one frame at a time: everything up to the frame that crosses the bound.
    std::uint32_t take_bytes = size;
    std::uint32_t take_frames = frames;
    if (frames > 1) {
      const auto& offs = buf->offsets;
      std::size_t j = static_cast<std::size_t>(std::lower_bound(offs.begin(), offs.end(), offset) - offs.begin());
      take_frames = 0;
      std::size_t bytes = queued_bytes_;
      std::size_t count = queued_frames_;
      for (; j < offs.size(); ++j) {
        const std::size_t end = j + 1 < offs.size() ? offs[j + 1] : buf->bytes.size();
        bytes += end - offs[j];
        ++count;
        ++take_frames;
        if (bytes > max_bytes || count > max_frames) {
          take_bytes = static_cast<std::uint32_t>(end - offset);
          break;
        }
      }
    }
    push(std::move(buf), false, offset, take_bytes, take_frames);
    ctx_.stats.note_queue(queued_bytes_, queued_frames_);
    ctx_.stats.overflow_closes++;
    log::warn("slow_client", "user=" + log::clean(info().user.username) + " addr=" + info().address +
                                 " queued_bytes=" + std::to_string(queued_bytes_) +
                                 " queued_frames=" + std::to_string(queued_frames_) + " close=1013");
    start_close(ws::close_code::try_again_later, "you are not reading fast enough; reconnect with since=", true);
    return false;
  }

  /** Writes everything queued (up to max_iov buffers) in one gathered write. */
  void do_write() {
    if (writing_ || queue_.empty() || finished_) return;
    writing_ = true;
    if constexpr (tls) {
      // The TLS stream writes one buffer per call: copy the queue into one.
      tls_out_.clear();
      std::size_t i = 0;
      for (; i < queue_.size() && (i == 0 || tls_out_.size() + queue_[i].size <= tls_write_bytes); ++i) {
        const auto& c = queue_[i];
        const std::size_t skip = i == 0 ? head_sent_ : 0;
        tls_out_.append(c.buf->bytes.data() + c.offset + skip, c.size - skip);
      }
      in_flight_ = i;
      net::async_write(stream_, net::buffer(tls_out_),
                       [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
                         self->on_write(ec, n);
                       });
    } else {
      iov_.clear();
      std::size_t i = 0;
      for (; i < queue_.size() && i < max_iov; ++i) {
        const auto& c = queue_[i];
        const std::size_t skip = i == 0 ? head_sent_ : 0;
        iov_.emplace_back(c.buf->bytes.data() + c.offset + skip, c.size - skip);
      }
      in_flight_ = i;
      socket().async_write_some(iov_view{iov_.data(), iov_.data() + iov_.size()},
                                [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
                                  self->on_write(ec, n);
                                });
    }
  }

  void on_write(boost::system::error_code ec, std::size_t n) {
    writing_ = false;
    if (ec) {
      in_flight_ = 0;
      queue_.clear();
      close_socket();
      return finish(std::string("error=") + (forced_ ? forced_ : log::clean(ec.message()).c_str()));
    }
    // Release what left; a partly written chunk stays at the front.
    std::size_t done = 0;
    for (; done < in_flight_ && n > 0; ++done) {
      auto& c = queue_[done];
      const std::size_t rest = c.size - head_sent_;
      if (n < rest) {
        head_sent_ += n;
        break;
      }
      n -= rest;
      head_sent_ = 0;
      queued_bytes_ -= c.size;
      queued_frames_ -= c.frames;
      if (c.close) close_written_ = true;
    }
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(done));
    in_flight_ = 0;
    if (finished_) {
      queue_.clear();
      return;
    }
    if (!queue_.empty()) return do_write();
    if (close_written_ && (peer_closed_ || failed_)) teardown();
  }

  /** Frees every queued chunk except those the write in flight reads from. */
  void drop_unsent() {
    const std::size_t keep = writing_ ? in_flight_ : 0;
    for (std::size_t i = keep; i < queue_.size(); ++i) {
      queued_bytes_ -= queue_[i].size;
      queued_frames_ -= queue_[i].frames;
    }
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(keep), queue_.end());
    if (keep == 0) head_sent_ = 0;
  }

  // ---------------------------------------------------------------- closing

  /** Begins closing with `code`: frames queued until now are sent first, then
   *  the close frame; the peer's close is awaited. With `drop_queue` (a client
   *  too slow to read: 1013; a protocol error) they are freed instead, except
   *  what a write in flight holds. Frames queued later are dropped. */
  void start_close(std::uint16_t code, std::string reason, bool drop_queue) {
    if (close_requested_ || finished_) return;
    close_requested_ = true;
    close_code_ = code;
    close_deadline_ = shard_.now() + static_cast<std::uint32_t>(limits::ws_close_timeout_s) + 1;
    if (drop_queue) drop_unsent();
    push(ws::make_close(code, reason), true);
    if (!writing_) do_write();
  }

  /** After the close handshake (or a failure): shut the connection down. */
  void teardown() {
    if (tearing_down_ || finished_) return;
    tearing_down_ = true;
    if constexpr (tls) {
      // Nothing reads the TLS stream now (reading stopped at the close or the failure).
      stream_.async_shutdown([self = this->shared_from_this()](boost::system::error_code) {
        self->close_socket();
        self->finish(self->how_closed());
      });
    } else {
      // As a server: shut our side, read what the peer still sends until it closes, then close.
      boost::system::error_code ec;
      socket().shutdown(net::socket_base::shutdown_send, ec);
      draining_ = true;
      if (!reading_) do_read();
    }
  }

  /** Closes the socket now; whatever is pending completes with an error and finishes. */
  void force_close(const char* why) {
    forced_ = why;
    close_socket();
    if (!reading_ && !writing_ && !tearing_down_) finish(std::string("error=") + why);
  }

  void close_socket() {
    boost::system::error_code ec;
    socket().close(ec);
  }

  std::string how_closed() const {
    if (close_requested_ && !peer_initiated_) return "close=" + std::to_string(close_code_);
    if (peer_closed_) return "peer_close=" + std::to_string(peer_code_);
    return "error=closed";
  }

  /** Leaves the room and logs the end of the connection, once. */
  void finish(const std::string& how) {
    if (finished_) return;
    finished_ = true;
    drop_unsent();
    shard_.remove(*this);
    if (joined_) ctx_.chat_room.leave(this);
    log::info("disconnect", "user=" + log::clean(info().user.username) + " addr=" + info().address + " " + how);
  }

  // ---------------------------------------------------------------- reading

  void do_read() {
    if (reading_ || finished_) return;
    reading_ = true;
    if constexpr (tls) {
      reserve_rx(std::max<std::size_t>(rx_len_ + 4096, reader_.wanted()));
      stream_.async_read_some(net::buffer(rx_.get() + rx_len_, rx_cap_ - rx_len_),
                              [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
                                self->on_tls_read(ec, n);
                              });
    } else {
      socket().async_wait(shard_socket::wait_read,
                          [self = this->shared_from_this()](boost::system::error_code ec) { self->on_readable(ec); });
    }
  }

  /** Plain: the socket is readable; read it directly into the shard's buffer
   *  (an idle connection holds no read buffer). */
  void on_readable(boost::system::error_code ec) {
    reading_ = false;
    if (ec) return on_read_error(ec);
    for (int round = 0; round < 4; ++round) {
      char* buf = nullptr;
      std::size_t cap = 0;
      if (rx_len_ == 0 || draining_) {
        buf = shard_.scratch();
        cap = io_shard::scratch_size;
      } else {
        reserve_rx(std::max<std::size_t>(rx_len_ + 4096, reader_.wanted()));
        buf = rx_.get() + rx_len_;
        cap = rx_cap_ - rx_len_;
      }
      const std::size_t n = socket().read_some(net::buffer(buf, cap), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) break;
      if (ec) return on_read_error(ec);
      last_rx_ = shard_.now();
      pinged_ = false;
      if (draining_) continue;
      if (rx_len_ == 0) {
        consume(buf, n, true);
      } else {
        rx_len_ += n;
        consume(rx_.get(), rx_len_, false);
      }
      if (finished_ || (stop_parsing_ && !draining_)) return;
      if (n < cap) break;
    }
    if (!finished_ && (!stop_parsing_ || draining_)) do_read();
  }

  void on_tls_read(boost::system::error_code ec, std::size_t n) {
    reading_ = false;
    if (ec) return on_read_error(ec);
    last_rx_ = shard_.now();
    pinged_ = false;
    rx_len_ += n;
    consume(rx_.get(), rx_len_, false);
    if (!finished_ && !stop_parsing_) do_read();
  }

  void on_read_error(boost::system::error_code ec) {
    if (finished_) return;
    close_socket();
    if (draining_ && ec == net::error::eof) return finish(how_closed());
    if (forced_) return finish(std::string("error=") + forced_);
    if (ec == net::error::operation_aborted && tearing_down_) return finish(how_closed());
    finish("error=" + log::clean(ec.message()));
  }

  void reserve_rx(std::size_t need) {
    need = std::min(need, io_shard::scratch_size);
    if (need <= rx_cap_) return;
    std::unique_ptr<char[]> bigger(new char[need]);
    if (rx_len_ > 0) std::memcpy(bigger.get(), rx_.get(), rx_len_);
    rx_ = std::move(bigger);
    rx_cap_ = need;
  }

  /** Parses the whole frames in data[0, size); keeps an unfinished one in rx_. */
  void consume(char* data, std::size_t size, bool scratch) {
    std::size_t pos = 0;
    while (pos < size && !stop_parsing_ && !finished_) {
      ws::event ev;
      const std::size_t used = reader_.next(data + pos, size - pos, ev);
      if (ev.what == ws::event::kind::need_more) break;
      pos += used;
      handle(ev);
    }
    const std::size_t left = stop_parsing_ || finished_ ? 0 : size - pos;
    if (scratch) {
      if (left > 0) {
        reserve_rx(std::max(left, reader_.wanted()));
        std::memcpy(rx_.get(), data + pos, left);
      }
    } else if (left > 0 && pos > 0) {
      std::memmove(rx_.get(), data + pos, left);
    }
    rx_len_ = left;
    if (rx_len_ == 0 && !tls && rx_) {
      rx_.reset();  // plain sockets read into the shard's buffer: keep none while idle
      rx_cap_ = 0;
    }
  }

  void handle(const ws::event& ev) {
    using kind = ws::event::kind;
    switch (ev.what) {
      case kind::text: {
        if (close_requested_) return;  // after our close, data is ignored
        auto reply = ctx_.chat_room.handle_text(this->shared_from_this(), ev.data);
        if (reply.wake_writer) shard_.wake_writer_soon();
        for (const auto& f : reply.frames) enqueue_frame(*f);
        if (reply.close_code != 0) {
          if (reply.close_code == close_rate_limited) ctx_.stats.rate_limit_closes++;
          start_close(reply.close_code, reply.close_reason, false);
        }
        return;
      }
      case kind::binary:
        if (!close_requested_) start_close(ws::close_code::unknown_data, "binary frames are not accepted", false);
        return;
      case kind::ping:
        if (!close_requested_) {
          auto pong = ws::make_wire(ws::opcode::pong, ev.data);
          const auto size = static_cast<std::uint32_t>(pong->bytes.size());
          enqueue(std::move(pong), 0, size, 1);
        }
        return;
      case kind::close:
        peer_closed_ = true;
        peer_code_ = ev.code;
        stop_parsing_ = true;  // nothing follows a close frame
        if (!close_requested_) {
          // The peer closes: answer with its code, drop what was still queued.
          peer_initiated_ = true;
          drop_unsent();
          start_close(ev.code == ws::close_code::no_status ? ws::close_code::normal : ev.code, {}, false);
        } else if (close_written_) {
          teardown();
        }
        return;
      case kind::fail:
        failed_ = true;
        stop_parsing_ = true;
        if (!close_requested_) {
          start_close(ev.code, ev.reason, true);
        } else if (close_written_) {
          teardown();
        }
        return;
      case kind::pong:
      case kind::nothing:
      case kind::need_more:
        return;
    }
  }

  Stream stream_;
  io_shard& shard_;
  server_context& ctx_;
  ws::frame_reader reader_;
  // An unfinished frame (plain), or the TLS stream's read buffer.
  std::unique_ptr<char[]> rx_;
  std::size_t rx_len_ = 0;
  std::size_t rx_cap_ = 0;
  // The write queue; its first in_flight_ chunks belong to the write in flight.
  std::vector<chunk> queue_;
  std::vector<net::const_buffer> iov_;
  std::string tls_out_;
  std::size_t in_flight_ = 0;
  std::size_t head_sent_ = 0;  ///< bytes of queue_.front() already written
  std::size_t queued_bytes_ = 0;
  std::size_t queued_frames_ = 0;
  std::int64_t after_id_ = 0;  ///< join point: batches bring ids above it
  join_gate<ws::wire_ref> gate_;  ///< batches that came before the history
  std::string early_;             ///< client bytes sent with the upgrade, read after the history
  std::uint32_t last_rx_ = 0;  ///< shard time of the last bytes read
  std::uint32_t close_deadline_ = 0;
  const char* forced_ = nullptr;
  std::uint16_t close_code_ = 0;
  std::uint16_t peer_code_ = 0;
  bool writing_ = false;
  bool reading_ = false;
  bool joined_ = false;
  bool pinged_ = false;
  bool close_requested_ = false;  ///< our close frame is queued
  bool close_written_ = false;
  bool peer_closed_ = false;
  bool peer_initiated_ = false;
  bool failed_ = false;           ///< the peer broke the protocol: its input is unusable
  bool stop_parsing_ = false;
  bool tearing_down_ = false;
  bool draining_ = false;
  bool finished_ = false;
};

}  // namespace chat::server
