// One chat WebSocket after the handshake, plain or TLS, on our own framing:
// the read loop (frame_input.hpp) feeding the room, and a bounded write queue
// (write_queue.hpp) whose frames all leave in one gathered write, one write in
// flight; a client that stops reading is closed with 1013. Every handler of a
// session runs on its shard's one thread; keep-alive pings, the idle
// timeout, the frame timeout (a frame must arrive whole in time) and the close
// deadline come from the shard's sweep. Its phases and
// their transitions are documented and decided in session_phase.hpp; this file
// carries them out on the socket. Beside the phase, facts that are not phases:
// a write in flight, a read in flight, a ping not yet answered, and why we cut
// the socket (if we did). Include only from sessions_*.cpp.
//
// Over 400 lines because it is one class template over the stream type whose
// handlers chain into each other (join, read, write, close, teardown); every
// part that needs no socket already lives in its own unit under ws/.
#pragma once

#include "config.hpp"
#include "ws/io_shard.hpp"
#include "log.hpp"
#include "room/join_gate.hpp"
#include "room/room.hpp"
#include "server_context.hpp"
#include "http/session_start.hpp"
#include "stats.hpp"
#include "ws/frame_input.hpp"
#include "ws/own_messages.hpp"
#include "ws/session_phase.hpp"
#include "ws/ws_frame.hpp"
#include "ws/write_queue.hpp"

#include <chat/limits.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
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
        input_(limits::max_frame_bytes, tls),
        queue_(ctx.cfg.max_queue_bytes, ctx.cfg.max_queue_frames),
        open_(*ctx.stats.ws_open[room_member::info().speaks_v1() ? 1 : 0]) {
    input_.limit(ctx.partial, room_member::info().address);
  }

  ~ws_session() {
    shard_.remove(*this);
    if (phase_.joined()) ctx_.chat_room.leave(this);
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
    queue_.push(std::move(hello));
    ctx_.stats.ws_accepted[info().speaks_v1() ? 1 : 0]->inc();
    // Registered now; the history comes back from the store worker, and reading
    // starts after it is queued (see the invariant in room.hpp).
    phase_.start();
    early_.assign(early);
    ctx_.chat_room.join(this->shared_from_this(), [self = this->shared_from_this()](member_reply reply) mutable {
      auto& ioc = self->shard_.context();
      net::post(ioc, [self = std::move(self), reply = std::move(reply)]() mutable { self->on_joined(std::move(reply)); });
    });
    if (!writing_) do_write();
  }

  void deliver(event_list events) override {
    net::post(shard_.context(), [self = this->shared_from_this(), events = std::move(events)] {
      for (const auto& f : *events) {
        if (!self->enqueue_frame(*f)) break;
      }
    });
  }

  void written(std::int64_t id) override {
    net::post(shard_.context(), [self = this->shared_from_this(), id] {
      self->own_.written(id);
      self->release_close();
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    net::post(shard_.context(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->start_close(code, std::move(reason), false);
    });
  }

  void on_batch(const ws::wire_ref& batch) override {
    if (!sending()) return;
    const auto& ids = batch->ids;
    if (gate_.closed()) {  // the history is not queued yet: hold it, bounded like the queue
      gate_.hold(batch, ids.size());
      if (gate_.held_frames() > ctx_.cfg.max_queue_frames) {
        gate_.open();
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
    if (!enqueue(batch, offset, static_cast<std::uint32_t>(batch->bytes.size() - offset),
                 static_cast<std::uint32_t>(ids.size() - first))) {
      return;
    }
    own_.seen(ids.back());
    release_close();
  }

  void on_tick(std::uint32_t now) override {
    if (phase_.is(ws::phase::finished)) return;
    if (!phase_.is(ws::phase::open)) {
      // A peer that never reads or never answers would hold the close handshake forever.
      if (now >= close_deadline_) force_close("close handshake timed out");
      return;
    }
    if (input_overdue(now)) return cut_input("a frame did not arrive whole in time");
    const auto idle = now - last_rx_;
    const auto timeout = static_cast<std::uint32_t>(ctx_.cfg.idle_timeout_s);
    if (idle >= timeout) return force_close("idle timeout");
    if (idle >= timeout / 2 && !pinged_) {
      pinged_ = true;
      enqueue(ws::make_wire(ws::opcode::ping, {}), 0, 2, 1);
    }
    // Quiet: give the write state's memory back.
    if (!writing_ && queue_.empty()) {
      queue_.shrink();
      std::vector<net::const_buffer>().swap(iov_);
      std::string().swap(tls_out_);
    }
  }

 private:
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

  /** True while frames are still queued: open, or a close held for our own messages. */
  bool sending() const { return phase_.is(ws::phase::open) || own_.holding(); }

  /** True while the plain socket is read to its end, bytes dropped. */
  bool draining() const { return !tls && phase_.is(ws::phase::shutting_down); }

  /** The join reply (welcome and history) is here: queue it, let the held
   *  batches through, then start reading (the early bytes first). */
  void on_joined(member_reply reply) {
    after_id_ = reply.last_id;
    if (phase_.is(ws::phase::finished)) return;
    for (const auto& f : reply.events) enqueue_frame(*f);
    if (reply.close_code != 0) start_close(reply.close_code, reply.close_reason, false);
    if (ctx_.shutting_down.load()) start_close(ws::close_code::going_away, "server shutting down", false);
    for (const auto& batch : gate_.open()) on_batch(batch);
    if (phase_.is(ws::phase::finished)) return;
    if (!early_.empty()) {
      // Parsed where they are, as a read into the shard's buffer: whole frames
      // become events and only an unfinished one is kept (fuzz ws_session: a
      // copy into the frame buffer kept at most one frame's bytes of them).
      std::string early;
      early.swap(early_);
      parse(early.data(), early.size());
    }
    if (phase_.parses_input()) do_read();
  }

  // ---------------------------------------------------------------- writing

  /** Queues one JSON text frame from the room; false once closing. */
  bool enqueue_frame(const std::string& json) {
    if (!sending()) return false;
    auto w = ws::make_wire(ws::opcode::text, json);
    const auto size = static_cast<std::uint32_t>(w->bytes.size());
    return enqueue(std::move(w), 0, size, 1);
  }

  /** Queues `frames` frames of `buf` and starts a write if none is in flight;
   *  false once the connection is closing (they are dropped). Past the bound
   *  the frames up to the one that crosses it are queued, then 1013. */
  bool enqueue(ws::wire_ref buf, std::uint32_t offset, std::uint32_t size, std::uint32_t frames) {
    if (!sending()) return false;
    const auto verdict = queue_.offer(std::move(buf), offset, size, frames);
    ctx_.stats.note_queue(queue_.bytes(), queue_.frames());
    if (verdict == ws::write_queue::verdict::queued) {
      if (!writing_) do_write();
      return true;
    }
    log::warn("slow_client", "user=" + log::clean(info().user.username) + " addr=" + info().address +
                                 " queued_bytes=" + std::to_string(queue_.bytes()) +
                                 " queued_frames=" + std::to_string(queue_.frames()) + " close=1013");
    if (own_.holding()) {  // our close is decided already: it goes now, the queue dropped
      const auto held = own_.release(true);
      queue_close(held->code, held->reason, true);
      held_by_.reset();
      return false;
    }
    start_close(ws::close_code::try_again_later, "you are not reading fast enough; reconnect with since=", true);
    return false;
  }

  /** Writes everything queued (up to max_iov buffers) in one gathered write. */
  void do_write() {
    if (writing_ || queue_.empty() || phase_.is(ws::phase::finished)) return;
    writing_ = true;
    auto done = [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
      self->on_write(ec, n);
    };
    if constexpr (tls) {
      // The TLS stream writes one buffer per call: copy the queue into one.
      tls_out_.clear();
      queue_.gather([this](const char* p, std::size_t n) { tls_out_.append(p, n); },
                    std::numeric_limits<std::size_t>::max(), tls_write_bytes);
      net::async_write(stream_, net::buffer(tls_out_), std::move(done));
    } else {
      iov_.clear();
      queue_.gather([this](const char* p, std::size_t n) { iov_.emplace_back(p, n); }, max_iov);
      socket().async_write_some(iov_view{iov_.data(), iov_.data() + iov_.size()}, std::move(done));
    }
  }

  void on_write(boost::system::error_code ec, std::size_t n) {
    writing_ = false;
    if (ec) {
      queue_.abort();
      close_socket();
      return finish(std::string("error=") + (forced_ ? forced_ : log::clean(ec.message()).c_str()));
    }
    ctx_.stats.ws_sent_bytes.inc(n);
    const auto frames_queued = queue_.frames();
    const bool close_left = queue_.complete(n);
    ctx_.stats.ws_sent_frames.inc(frames_queued - queue_.frames());
    if (phase_.is(ws::phase::finished)) return queue_.abort();
    const auto next = close_left ? phase_.close_written() : ws::session_phase::step::none;
    if (!queue_.empty()) return do_write();
    if (next == ws::session_phase::step::shut_down) teardown();
  }

  // ---------------------------------------------------------------- closing

  /** The server closes with `code` (open -> closing; later it is too late):
   *  frames queued until now are sent first, then the close frame. With
   *  `drop_queue` (a client too slow to read: 1013) they are freed instead,
   *  except what a write in flight holds. Frames queued later are dropped. */
  void start_close(std::uint16_t code, std::string_view reason, bool drop_queue) {
    if (!phase_.server_closes(code)) return;
    ctx_.stats.ws_closed(code).inc();
    queue_close(code, reason, drop_queue);
  }

  /** Queues our close frame with `code` after the broadcasts of this session's
   *  own messages that are still on their way (held until own_ is settled;
   *  the close deadline runs from now). */
  void close_after_own(std::uint16_t code, std::string_view reason) {
    if (own_.settled()) return queue_close(code, reason, false);
    close_deadline_ = shard_.now() + static_cast<std::uint32_t>(limits::ws_close_timeout_s) + 1;
    own_.hold(code, std::string(reason));
    held_by_ = this->shared_from_this();  // no read or write may be pending to keep it alive now
  }

  /** Sends the held close once this session's own messages are all queued. */
  void release_close() {
    if (phase_.is(ws::phase::finished)) return;
    if (auto held = own_.release()) {
      queue_close(held->code, held->reason, false);
      held_by_.reset();  // the write in flight keeps it now
    }
  }

  /** Queues our close frame, last, and starts the close deadline. */
  void queue_close(std::uint16_t code, std::string_view reason, bool drop_queue) {
    close_deadline_ = shard_.now() + static_cast<std::uint32_t>(limits::ws_close_timeout_s) + 1;
    if (drop_queue) queue_.drop_unsent(writing_);
    queue_.push(ws::make_close(code, reason), true);
    if (!writing_) do_write();
  }

  /** After the close handshake (or a failure): shut the connection down. */
  void teardown() {
    if (!phase_.shutting_down()) return;
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
      if (!reading_) do_read();
    }
  }

  /** Closes the socket now; whatever is pending completes with an error and finishes. */
  void force_close(const char* why) {
    forced_ = why;
    close_socket();
    if (!reading_ && !writing_ && !phase_.is(ws::phase::shutting_down)) finish(std::string("error=") + why);
  }

  void close_socket() {
    boost::system::error_code ec;
    socket().close(ec);
  }

  std::string how_closed() const { return phase_.how_closed(); }

  /** Leaves the room and logs the end of the connection, once. */
  void finish(const std::string& how) {
    const bool joined = phase_.joined();
    if (!phase_.finish()) return;
    queue_.drop_unsent(writing_);
    input_.release();
    shard_.remove(*this);
    // Let go of a held self later, not while this runs.
    if (held_by_) net::post(shard_.context(), [keep = std::move(held_by_)] {});
    if (joined) ctx_.chat_room.leave(this);
    log::info("disconnect", "user=" + log::clean(info().user.username) + " addr=" + info().address + " " + how);
  }

  // ---------------------------------------------------------------- reading

  void do_read() {
    if (reading_ || phase_.is(ws::phase::finished)) return;
    reading_ = true;
    if constexpr (tls) {
      const auto [at, room] = input_.room();
      if (room == 0) {
        reading_ = false;
        return cut_input("too many bytes in unfinished frames");
      }
      stream_.async_read_some(net::buffer(at, room),
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
      if (input_.held() == 0 || draining()) {
        buf = shard_.scratch();
        cap = io_shard::scratch_size;
      } else {
        std::tie(buf, cap) = input_.room();
        if (cap == 0) return cut_input("too many bytes in unfinished frames");
      }
      const std::size_t n = socket().read_some(net::buffer(buf, cap), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) break;
      if (ec) return on_read_error(ec);
      last_rx_ = shard_.now();
      pinged_ = false;
      ctx_.stats.ws_received_bytes.inc(n);
      if (draining()) continue;
      const bool outside = input_.held() == 0;  // read into the shard's buffer
      if (!outside) input_.filled(n);
      parse(outside ? buf : nullptr, n);
      if (!phase_.parses_input() && !draining()) return;
      if (n < cap) break;
    }
    if (phase_.parses_input() || draining()) do_read();
  }

  void on_tls_read(boost::system::error_code ec, std::size_t n) {
    reading_ = false;
    if (ec) return on_read_error(ec);
    last_rx_ = shard_.now();
    pinged_ = false;
    ctx_.stats.ws_received_bytes.inc(n);
    input_.filled(n);
    parse();
    if (phase_.parses_input()) do_read();
  }

  void on_read_error(boost::system::error_code ec) {
    if (phase_.is(ws::phase::finished)) return;
    close_socket();
    if (draining() && ec == net::error::eof) return finish(how_closed());
    if (forced_) return finish(std::string("error=") + forced_);
    if (ec == net::error::operation_aborted && phase_.is(ws::phase::shutting_down)) return finish(how_closed());
    finish("error=" + log::clean(ec.message()));
  }

  /** Hands whole frames to handle() while the peer's frames are parsed: the
   *  held bytes, or `n` bytes read into `outside` (the shard's buffer). */
  void parse(char* outside = nullptr, std::size_t n = 0) {
    auto on_event = [this](const ws::event& ev) { handle(ev); };
    auto go = [this] { return phase_.parses_input(); };
    if (outside) {
      input_.consume(outside, n, on_event, go);
    } else {
      input_.consume_held(on_event, go);
    }
    if (input_.refused()) return cut_input("too many bytes in unfinished frames");
    note_input();
  }

  /** Notes when the unfinished frame held now (and the fragmented message
   *  under way) began, for the frame timeout. */
  void note_input() {
    const auto now = shard_.now();
    const bool fragmented = input_.fragmented();
    if (fragmented && !in_fragments_) fragments_since_ = now;
    in_fragments_ = fragmented;
    const bool held = input_.held() > 0;
    if (held && (!frame_held_ || input_.frames() != frame_mark_)) frame_since_ = now;
    frame_held_ = held;
    frame_mark_ = input_.frames();
  }

  /** True when a frame or a fragmented message has been unfinished for longer than the frame timeout. */
  bool input_overdue(std::uint32_t now) const {
    const auto limit = static_cast<std::uint32_t>(ctx_.cfg.frame_timeout_s);
    return (frame_held_ && now - frame_since_ > limit) || (in_fragments_ && now - fragments_since_ > limit);
  }

  /** Gives up on the peer's input and closes with 1013: its unfinished frame
   *  took too long, or the caps on bytes held for unfinished frames refused it. */
  void cut_input(const char* why) {
    input_.release();
    frame_held_ = in_fragments_ = false;
    if (!phase_.parses_input()) return;
    log::warn("partial_frame", "user=" + log::clean(info().user.username) + " addr=" + info().address + " " + why +
                                   " close=1013");
    const auto next = phase_.peer_failed(ws::close_code::try_again_later);
    if (next == ws::session_phase::step::send_close) {
      ctx_.stats.ws_closed(ws::close_code::try_again_later).inc();
      return queue_close(ws::close_code::try_again_later, why, true);
    }
    if (next == ws::session_phase::step::shut_down) teardown();
  }

  /** Carries out what the phase decided when the peer's input ended (its
   *  close, or a protocol error): what was queued is sent, and the broadcasts
   *  of the messages it sent before, then our close. */
  void after_input_end(ws::session_phase::step next, std::uint16_t code, std::string_view reason) {
    if (next == ws::session_phase::step::send_close) close_after_own(code, reason);
    if (next == ws::session_phase::step::shut_down) teardown();
  }

  void handle(const ws::event& ev) {
    using kind = ws::event::kind;
    switch (ev.what) {
      case kind::text: {
        if (!phase_.is(ws::phase::open)) return;  // after our close, data is ignored
        ctx_.stats.ws_received_messages.inc();
        auto reply = ctx_.chat_room.handle_text(this->shared_from_this(), ev.text());
        if (reply.submitted) own_.submitted();
        if (reply.wake_writer) shard_.wake_writer_soon();
        for (const auto& f : reply.events) enqueue_frame(*f);
        if (reply.close_code != 0) start_close(reply.close_code, reply.close_reason, false);
        return;
      }
      case kind::binary:
        // Like a protocol error: the messages sent before it reach their sender first.
        if (!phase_.server_closes(ws::close_code::unknown_data)) return;
        ctx_.stats.ws_closed(ws::close_code::unknown_data).inc();
        return close_after_own(ws::close_code::unknown_data, "binary frames are not accepted");
      case kind::ping:
        if (phase_.is(ws::phase::open)) {
          auto pong = ws::make_wire(ws::opcode::pong, ev.data);
          const auto size = static_cast<std::uint32_t>(pong->bytes.size());
          enqueue(std::move(pong), 0, size, 1);
        }
        return;
      case kind::close: {
        // If the peer closes first: answer with its code, after what is queued and our own messages.
        std::uint16_t answer = 0;
        const auto next = phase_.peer_closes(ev.code, answer);  // sets `answer`: call it first
        return after_input_end(next, answer, {});
      }
      case kind::fail: {
        const auto next = phase_.peer_failed(ev.code);
        if (next == ws::session_phase::step::send_close) ctx_.stats.ws_closed(ev.code).inc();
        return after_input_end(next, ev.code, ev.reason);
      }
      case kind::pong:
      case kind::nothing:
      case kind::need_more:
        return;
    }
  }

  Stream stream_;
  io_shard& shard_;
  server_context& ctx_;
  ws::frame_input input_;
  ws::write_queue queue_;
  std::vector<net::const_buffer> iov_;  ///< the plain socket's gathered write
  std::string tls_out_;                 ///< the TLS stream's write, copied from the queue
  std::int64_t after_id_ = 0;           ///< join point: batches bring ids above it
  join_gate<ws::wire_ref> gate_;        ///< batches that came before the history
  std::string early_;                   ///< client bytes sent with the upgrade, read after the history
  std::uint32_t last_rx_ = 0;           ///< shard time of the last bytes read
  std::uint32_t close_deadline_ = 0;    ///< shard time the close handshake must end by
  const char* forced_ = nullptr;        ///< why we cut the socket, if we did
  std::uint32_t frame_since_ = 0;       ///< shard time the unfinished frame held now began
  std::uint32_t fragments_since_ = 0;   ///< shard time the fragmented message under way began
  std::size_t frame_mark_ = 0;          ///< input_.frames() when frame_since_ was last checked
  bool frame_held_ = false;             ///< an unfinished frame is held
  bool in_fragments_ = false;           ///< a fragmented message is under way
  ws::session_phase phase_;
  ws::own_messages own_;                ///< our messages not back yet; a close held for them
  std::shared_ptr<ws_session> held_by_; ///< itself, while a close is held and nothing else is pending
  metrics::gauge_hold open_;            ///< counts this socket among the open ones of its protocol
  bool writing_ = false;  ///< a write is in flight
  bool reading_ = false;  ///< a read (or a wait for readability) is in flight
  bool pinged_ = false;   ///< our ping is not answered by any bytes yet
};

}  // namespace chat::server
