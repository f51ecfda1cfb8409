// One chat WebSocket, plain or TLS: the read loop feeding the room, and a
// bounded write queue (bytes and frames) with one write in flight; a client
// that stops reading is closed with 1013 instead of growing the server's
// memory. Include only from sessions_*.cpp.
#pragma once

#include "config.hpp"
#include "log.hpp"
#include "room.hpp"
#include "server_context.hpp"
#include "stats.hpp"

#include <chat/limits.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <string>

namespace chat::server {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

/** A member of the room speaking over one WebSocket. */
template <class Stream>
class websocket_session final : public room_member, public std::enable_shared_from_this<websocket_session<Stream>> {
 public:
  websocket_session(Stream stream, server_context& ctx, member_info info)
      : room_member(std::move(info)), ws_(std::move(stream)), ctx_(ctx), close_timer_(ws_.get_executor()) {}

  ~websocket_session() override {
    if (joined_ && !finished_) ctx_.chat_room.leave(this);
  }

  /** Completes the upgrade of `req`, then joins the room. */
  void run(boost::beast::http::request<boost::beast::http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(limits::ws_handshake_timeout_s),
                                                   std::chrono::seconds(ctx_.cfg.idle_timeout_s), true});
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(boost::beast::http::field::server, "chatroom-server"); }));
    ws_.read_message_max(limits::max_frame_bytes);
    upgrade_ = std::move(req);
    ws_.async_accept(upgrade_, beast::bind_front_handler(&websocket_session::on_accept, this->shared_from_this()));
  }

  void deliver(frame_list frames) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), frames = std::move(frames)] {
      for (const auto& f : *frames) {
        if (!self->enqueue(f)) break;
      }
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->start_close(code, std::move(reason), false);
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      log::warn("websocket", "handshake addr=" + info().address + " error=" + log::clean(ec.message()));
      return;
    }
    ctx_.stats.ws_accepted++;
    // Registration and history in this one handler: see the invariant in room.hpp.
    joined_ = true;
    auto reply = ctx_.chat_room.join(this->shared_from_this());
    for (const auto& f : reply.frames) enqueue(f);
    if (reply.close_code != 0) start_close(reply.close_code, reply.close_reason, false);
    if (ctx_.shutting_down.load()) start_close(websocket::close_code::going_away, "server shutting down", false);
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return finish(ec);
    if (close_requested_) {
      buffer_.consume(buffer_.size());
      return do_read();  // keep reading until the peer answers our close
    }
    if (ws_.got_binary()) {
      buffer_.consume(buffer_.size());
      start_close(websocket::close_code::unknown_data, "binary frames are not accepted", false);
      return do_read();
    }
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    auto reply = ctx_.chat_room.handle_text(this->shared_from_this(), text);
    buffer_.consume(buffer_.size());
    for (const auto& f : reply.frames) enqueue(f);
    if (reply.close_code != 0) {
      if (reply.close_code == close_rate_limited) ctx_.stats.rate_limit_closes++;
      start_close(reply.close_code, reply.close_reason, false);
    }
    do_read();
  }

  /** Queues a frame; false once the connection is closing (further frames are dropped). */
  bool enqueue(const frame& f) {
    if (close_requested_ || finished_) return false;
    queue_.push_back(f);
    queued_bytes_ += f->size();
    ctx_.stats.note_queue(queued_bytes_, queue_.size());
    if (queued_bytes_ > ctx_.cfg.max_queue_bytes || queue_.size() > ctx_.cfg.max_queue_frames) {
      ctx_.stats.overflow_closes++;
      log::warn("slow_client", "user=" + log::clean(info().user.username) + " addr=" + info().address +
                                   " queued_bytes=" + std::to_string(queued_bytes_) +
                                   " queued_frames=" + std::to_string(queue_.size()) + " close=1013");
      start_close(websocket::close_code::try_again_later, "you are not reading fast enough; reconnect with since=",
                  true);
      return false;
    }
    if (!writing_) do_write();
    return true;
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()),
                    beast::bind_front_handler(&websocket_session::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return finish(ec);
    if (finished_) return;
    queued_bytes_ -= queue_.front()->size();
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (close_requested_) do_close();
  }

  /** Begins closing with `code`; frames queued until now are sent first. With
   *  `drop_queue` (a client too slow to read: 1013) they are freed instead,
   *  except the one being written. Frames queued later are dropped. */
  void start_close(std::uint16_t code, std::string reason, bool drop_queue) {
    if (close_requested_ || finished_) return;
    close_requested_ = true;
    close_reason_.code = code;
    close_reason_.reason = std::move(reason);
    if (drop_queue && !queue_.empty()) {
      frame in_flight = writing_ ? queue_.front() : nullptr;
      queue_.clear();
      queued_bytes_ = 0;
      if (in_flight) {
        queued_bytes_ = in_flight->size();
        queue_.push_back(std::move(in_flight));
      }
    }
    // A peer that never reads would hold the close handshake forever: tear down.
    close_timer_.expires_after(std::chrono::seconds(limits::ws_close_timeout_s));
    close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return;
      beast::get_lowest_layer(self->ws_).close();
    });
    if (drop_queue || !writing_) do_close();
  }

  void do_close() {
    if (close_sent_) return;
    close_sent_ = true;
    ws_.async_close(close_reason_,
                    beast::bind_front_handler(&websocket_session::on_close, this->shared_from_this()));
  }

  void on_close(beast::error_code ec) { finish(ec); }

  /** Leaves the room and logs the end of the connection, once. */
  void finish(beast::error_code ec) {
    if (finished_) return;
    finished_ = true;
    close_timer_.cancel();
    // Free the queue, but not the frame a pending write still reads from.
    frame in_flight = writing_ && !queue_.empty() ? queue_.front() : nullptr;
    queue_.clear();
    queued_bytes_ = 0;
    if (in_flight) queue_.push_back(std::move(in_flight));
    if (joined_) ctx_.chat_room.leave(this);
    std::string how;
    if (close_sent_) {
      how = "close=" + std::to_string(close_reason_.code);
    } else if (ec == websocket::error::closed) {
      how = "peer_close=" + std::to_string(ws_.reason().code);
    } else {
      how = "error=" + log::clean(ec.message());
    }
    log::info("disconnect", "user=" + log::clean(info().user.username) + " addr=" + info().address + " " + how);
  }

  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  server_context& ctx_;
  boost::beast::http::request<boost::beast::http::string_body> upgrade_;
  std::deque<frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool joined_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
  websocket::close_reason close_reason_;
  net::steady_timer close_timer_;
};

}  // namespace chat::server
