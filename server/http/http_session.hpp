// One HTTP connection, plain or TLS: reads a request (with header/body limits
// and a read timeout), answers it through http_api, or, on an upgrade, carries
// out the opening handshake that ws/handshake decides (after http_api's
// session check) and hands the socket to a ws_session (our own framing from
// there on). Include only from sessions_*.cpp.
#pragma once

#include "config.hpp"
#include "http/client_address.hpp"
#include "http/connection_caps.hpp"
#include "http/http_api.hpp"
#include "http/http_read.hpp"
#include "log.hpp"
#include "http/security_headers.hpp"
#include "ws/io_shard.hpp"
#include "server_context.hpp"
#include "stats.hpp"
#include "ws/handshake.hpp"
#include "ws/ws_session.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>  // is_upgrade only

#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>

namespace chat::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

/** Beast's stream (for its request timeouts) over a shard's socket. */
using plain_http_stream = beast::basic_stream<net::ip::tcp, net::io_context::executor_type>;

template <class Stream>
inline constexpr bool is_tls_stream = !std::is_same_v<Stream, plain_http_stream>;

/** An HTTP/1.1 connection: one request at a time, keep-alive, then upgrade or close. */
template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(Stream stream, io_shard& shard, server_context& ctx, std::string address)
      : stream_(std::move(stream)),
        shard_(shard),
        ctx_(ctx),
        address_(std::move(address)),
        open_(ctx.stats.http_open) {}

  void run() {
    if constexpr (is_tls_stream<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(limits::http_read_timeout_s));
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&http_session::on_handshake, this->shared_from_this()));
    } else {
      do_read();
    }
  }

 private:
  void on_handshake(beast::error_code ec) {
    if (ec && plain_http_on_tls(ec)) return refuse_plain_http();
    if (ec) return fail(ec, "tls handshake");
    do_read();
  }

  /** True when OpenSSL saw an HTTP request where a ClientHello belongs. */
  static bool plain_http_on_tls(beast::error_code ec) {
    return ec.category() == net::error::get_ssl_category() && ERR_GET_LIB(ec.value()) == ERR_LIB_SSL &&
           ERR_GET_REASON(ec.value()) == SSL_R_HTTP_REQUEST;
  }

  /** Plain HTTP on the TLS port: a 400 in plain text saying so, then close
   *  (the request itself went to OpenSSL and is not read). */
  void refuse_plain_http() {
    static constexpr char answer[] =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 45\r\nConnection: close\r\n\r\n"
        "This port speaks https: use https:// (TLS).\r\n";
    log::warn("http", "addr=" + address_ + " plain http on the tls port status=400");
    auto& socket = beast::get_lowest_layer(stream_);
    socket.expires_after(std::chrono::seconds(limits::http_write_timeout_s));
    net::async_write(socket, net::buffer(answer, sizeof answer - 1),
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       beast::error_code ignored;
                       auto& s = beast::get_lowest_layer(self->stream_);
                       s.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
                       if (ec) return s.close();
                       s.expires_after(std::chrono::seconds(5));
                       self->drain_.reset(new char[drain_size]);
                       self->drain_plain();
                     });
  }

  static constexpr std::size_t drain_size = 512;

  /** Reads and drops what the plain client still sends until it closes (or
   *  5 s): closing with unread bytes would reset the connection, and the 400 with it. */
  void drain_plain() {
    beast::get_lowest_layer(stream_).async_read_some(
        net::buffer(drain_.get(), drain_size), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return beast::get_lowest_layer(self->stream_).close();
          self->drain_plain();
        });
  }

  void do_read() {
    https_ = is_tls_stream<Stream>;
    parser_.emplace();
    limit_request(*parser_);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(limits::http_read_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (auto res = read_error_response(ec)) return send_error(std::move(*res));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
          ec == net::error::eof || ec == net::error::connection_reset) {
        return do_close();
      }
      return fail(ec, "read");
    }

    auto& req = parser_->get();
    http_request r = to_request(req, address_, is_tls_stream<Stream>);
    ctx_.proxies.apply(r);  // the client behind a trusted proxy, and its scheme
    https_ = r.tls;
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    if (auto refusal = ctx_.api.refuse_host(r)) return send(std::move(*refusal));

    if (beast::websocket::is_upgrade(req)) {
      return upgrade(r, std::string(req[http::field::sec_websocket_version]),
                     std::string(req[http::field::sec_websocket_key]));
    }

    ctx_.api.handle(r, [self = this->shared_from_this()](http_response res) {
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
    });
  }

  /** The upgrade of `r` to the chat socket: the decisions are ws/handshake's,
   *  the session check is http_api's. */
  void upgrade(const http_request& r, std::string version, std::string key) {
    if (auto refusal = ws::refuse_upgrade_target(r.path())) return send(std::move(*refusal));
    if (auto refusal = ctx_.caps.refuse_attempt(r.address, connection_caps::clock::now())) {
      keep_alive_ = false;  // a refused upgrade ends the connection, as every other does
      return send(std::move(*refusal));
    }
    // The session check runs on the store worker; the upgrade goes on here.
    ctx_.api.admit_websocket(r, [self = this->shared_from_this(), version = std::move(version),
                                 key = std::move(key)](http_api::admission verdict) mutable {
      net::post(self->stream_.get_executor(), [self, verdict = std::move(verdict), version = std::move(version),
                                               key = std::move(key)]() mutable {
        self->on_admitted(std::move(verdict), version, key);
      });
    });
  }

  /** The session check's verdict: refuse, or answer the handshake and hand the
   *  connection to a ws_session (our own framing from there on). */
  void on_admitted(http_api::admission verdict, std::string_view version, std::string_view key) {
    keep_alive_ = false;
    if (!verdict.member) return send(std::move(verdict.refusal));
    const auto unread = buffer_.cdata();
    auto reply = ws::answer_upgrade(version, key, {static_cast<const char*>(unread.data()), unread.size()},
                                    handshake_started_, ws::handshake_clock::now(),
                                    std::chrono::seconds(ctx_.cfg.ws_handshake_timeout_s));
    if (reply.refusal) return send(std::move(*reply.refusal));
    auto counted = ctx_.caps.take(verdict.member->user.username, verdict.member->address);
    if (counted.refusal) return send(std::move(*counted.refusal));
    verdict.member->counted = std::move(counted.held);
    beast::get_lowest_layer(stream_).expires_never();
    if constexpr (is_tls_stream<Stream>) {
      std::make_shared<ws_session<Stream>>(std::move(stream_), shard_, ctx_, std::move(*verdict.member))
          ->start(std::move(reply.response), reply.early);
    } else {
      std::make_shared<ws_session<shard_socket>>(stream_.release_socket(), shard_, ctx_, std::move(*verdict.member))
          ->start(std::move(reply.response), reply.early);
    }
  }

  /** Answers a request that could not be read, then closes. */
  void send_error(http_response res) {
    keep_alive_ = false;
    head_ = false;
    log::warn("http", "addr=" + address_ + " status=" + std::to_string(res.status));
    send(std::move(res));
  }

  template <class Body>
  void decorate(http::response<Body>& msg, const http_response& res, bool keep_alive) const {
    msg.set(http::field::server, "chatroom-server");
    for (const auto& [name, value] : res.headers) msg.set(name, value);
    msg.keep_alive(keep_alive);
  }

  void send(http_response res) {
    add_security_headers(res, https_);
    const bool keep_alive = keep_alive_ && !res.close && !ctx_.shutting_down.load();
    const auto status = static_cast<http::status>(res.status);
    std::optional<http::message_generator> out;
    if (res.status == 204 || res.status == 304) {
      http::response<http::empty_body> msg{status, 11};
      decorate(msg, res, keep_alive);
      out.emplace(std::move(msg));
    } else if (!res.file_path.empty()) {
      http::file_body::value_type file;
      beast::error_code ec;
      file.open(res.file_path.c_str(), beast::file_mode::scan, ec);
      if (ec) return send(json_error(404, http_error::not_found, "There is no such file."));
      const auto size = file.size();
      if (head_) {
        http::response<http::empty_body> msg{status, 11};
        decorate(msg, res, keep_alive);
        msg.content_length(size);
        out.emplace(std::move(msg));
      } else {
        http::response<http::file_body> msg{std::piecewise_construct, std::make_tuple(std::move(file)),
                                            std::make_tuple(status, 11)};
        decorate(msg, res, keep_alive);
        msg.content_length(size);
        out.emplace(std::move(msg));
      }
    } else if (head_) {
      http::response<http::empty_body> msg{status, 11};
      decorate(msg, res, keep_alive);
      msg.content_length(res.body.size());
      out.emplace(std::move(msg));
    } else {
      http::response<http::string_body> msg{status, 11, std::move(res.body)};
      decorate(msg, res, keep_alive);
      msg.prepare_payload();
      out.emplace(std::move(msg));
    }
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(limits::http_write_timeout_s));
    beast::async_write(stream_, std::move(*out),
                       beast::bind_front_handler(&http_session::on_write, this->shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    if (!keep_alive) return do_close();
    handshake_started_ = ws::handshake_clock::now();  // a kept-alive connection may upgrade next
    do_read();
  }

  void do_close() {
    if constexpr (is_tls_stream<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::get_lowest_layer(self->stream_).close();
      });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    }
  }

  void fail(beast::error_code ec, const char* what) {
    if (ec == net::error::operation_aborted || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::broken_pipe) {
      return;
    }
    if constexpr (is_tls_stream<Stream>) {
      if (ec == net::ssl::error::stream_truncated) return;
    }
    log::warn("http", std::string(what) + " addr=" + address_ + " error=" + log::clean(ec.message()));
  }

  Stream stream_;
  std::unique_ptr<char[]> drain_;  ///< where drain_plain() drops a plain client's bytes (only then allocated)
  beast::flat_buffer buffer_{limits::max_http_read_buffer_bytes};  // a chunk header cannot grow it without bound
  io_shard& shard_;
  server_context& ctx_;
  std::string address_;
  metrics::gauge_hold open_;  ///< counts this connection among the open HTTP ones until it ends or upgrades
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = false;
  bool head_ = false;
  bool https_ = is_tls_stream<Stream>;  ///< the request's client spoke TLS (ours or a trusted proxy's): HSTS
  /** When an upgrade on this connection began: its accept (TLS handshake
   *  included), or the end of the previous response. */
  ws::handshake_clock::time_point handshake_started_ = ws::handshake_clock::now();
};

}  // namespace chat::server
