// Beast WebSocket client used by the generator (see ws_client.hpp).
#include "ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

namespace loadgen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

/** The Beast implementation: one socket, one read loop, one write queue. */
class beast_client final : public ws_client, public std::enable_shared_from_this<beast_client> {
 public:
  beast_client(asio::io_context& io, const client_target& target, int index, client_events& events)
      : ws_(io), target_(target), index_(index), events_(events) {}

  void start() override {
    const tcp::endpoint ep(asio::ip::make_address(target_.host), target_.port);
    if (!target_.source.empty()) {
      error_code ec;
      auto& s = ws_.next_layer();
      s.open(ep.protocol(), ec);
      if (!ec) s.bind(tcp::endpoint(asio::ip::make_address(target_.source, ec), 0), ec);
      if (ec) return finish(ec, "bind");
    }
    ws_.next_layer().async_connect(ep, [self = shared_from_this()](error_code ec) { self->on_connect(ec); });
  }

  void send(std::string frame) override {
    if (done_) return;
    queue_.push_back(std::move(frame));
    if (!writing_ && open_) do_write();
  }

  void close() override {
    if (done_ || closing_) return;
    if (!open_ || writing_) return abort();
    closing_ = true;
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](error_code) {});
  }

  void abort() override {
    error_code ignored;
    ws_.next_layer().close(ignored);
  }

  void reset() override {
    error_code ignored;
    ws_.next_layer().set_option(asio::socket_base::linger(true, 0), ignored);
    ws_.next_layer().close(ignored);
  }

  int close_code() const override { return static_cast<int>(ws_.reason().code); }

 private:
  void on_connect(error_code ec) {
    if (ec) return finish(ec, "connect");
    ws_.next_layer().set_option(tcp::no_delay(true), ec);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.read_message_max(16 * 1024 * 1024);
    if (!target_.bearer.empty()) {
      ws_.set_option(websocket::stream_base::decorator([token = "Bearer " + target_.bearer](websocket::request_type& req) {
        req.set(beast::http::field::authorization, token);
      }));
    }
    const std::string host = target_.host + ":" + std::to_string(target_.port);
    ws_.async_handshake(host, target_.path, [self = shared_from_this()](error_code e) { self->on_handshake(e); });
  }

  void on_handshake(error_code ec) {
    if (ec) return finish(ec, "handshake");
    open_ = true;
    ws_.text(true);
    events_.on_open(index_);
    do_read();
    if (!queue_.empty() && !writing_) do_write();
  }

  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) return finish(ec, "read");
    const auto at = steady::now();
    const auto data = buffer_.cdata();
    events_.on_text(index_, std::string_view(static_cast<const char*>(data.data()), data.size()), at);
    buffer_.consume(buffer_.size());
    do_read();
  }

  void do_write() {
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(error_code ec) {
    writing_ = false;
    if (ec) return finish(ec, "write");
    queue_.pop_front();
    events_.on_written(index_);
    if (!queue_.empty() && !done_) do_write();
  }

  void finish(error_code ec, const char* what) {
    if (done_) return;
    done_ = true;
    error_code ignored;
    ws_.next_layer().close(ignored);
    const bool normal = ec == websocket::error::closed;
    events_.on_closed(index_, open_, normal ? std::string("closed") : std::string(what) + ": " + ec.message());
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  client_target target_;
  int index_;
  client_events& events_;
  bool open_ = false, writing_ = false, closing_ = false, done_ = false;
};

}  // namespace

std::shared_ptr<ws_client> ws_client::make(asio::io_context& io, const client_target& target, int index, client_events& events) {
  return std::make_shared<beast_client>(io, target, index, events);
}

}  // namespace loadgen
