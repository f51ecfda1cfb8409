// HTTP logins with Beast (see login.hpp).
#include "login.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

namespace loadgen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;
using steady = std::chrono::steady_clock;

constexpr auto request_timeout = std::chrono::seconds(15);

/** Sequential logins over one keep-alive connection. */
class beast_login_worker final : public login_worker, public std::enable_shared_from_this<beast_login_worker> {
 public:
  beast_login_worker(asio::io_context& io, std::string host, std::uint16_t port, std::vector<credentials> logins,
                     std::function<void(const login_outcome&)> on_outcome, std::function<void()> finished)
      : stream_(io), host_(std::move(host)), port_(port), logins_(std::move(logins)),
        on_outcome_(std::move(on_outcome)), finished_(std::move(finished)) {}

  void start() override { next(); }

 private:
  void next() {
    if (current_ >= logins_.size()) {
      error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.close();
      if (finished_) finished_();
      return;
    }
    retried_ = false;
    begin_ = steady::now();
    if (connected_) return do_write();
    do_connect();
  }

  void do_connect() {
    stream_.expires_after(request_timeout);
    stream_.async_connect(tcp::endpoint(asio::ip::make_address(host_), port_),
                          [self = shared_from_this()](error_code ec) { self->on_connect(ec); });
  }

  void on_connect(error_code ec) {
    if (ec) return fail(0, "connect: " + ec.message());
    connected_ = true;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    do_write();
  }

  void do_write() {
    const auto& c = logins_[current_];
    req_ = {http::verb::post, "/api/login", 11};
    req_.set(http::field::host, host_ + ":" + std::to_string(port_));
    req_.set(http::field::content_type, "application/json");
    req_.keep_alive(true);
    req_.body() = nlohmann::json{{"username", c.username}, {"password", c.password}}.dump();
    req_.prepare_payload();
    stream_.expires_after(request_timeout);
    http::async_write(stream_, req_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(error_code ec) {
    if (ec) return retry_or_fail("write: " + ec.message());
    res_ = {};
    buffer_.clear();
    http::async_read(stream_, buffer_, res_, [self = shared_from_this()](error_code e, std::size_t) { self->on_read(e); });
  }

  void on_read(error_code ec) {
    if (ec) return retry_or_fail("read: " + ec.message());
    login_outcome out;
    out.username = logins_[current_].username;
    out.status = static_cast<int>(res_.result_int());
    out.latency_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now() - begin_).count();
    if (res_.result() == http::status::ok) {
      const auto j = nlohmann::json::parse(res_.body(), nullptr, false);
      if (j.is_object() && j.contains("token") && j["token"].is_string()) {
        out.ok = true;
        out.token = j["token"].get<std::string>();
      } else {
        out.error = "200 without a token";
      }
    } else {
      out.error = "HTTP " + std::to_string(out.status) + ": " + res_.body().substr(0, 200);
    }
    if (!res_.keep_alive()) drop();
    report(out);
  }

  /** A reused connection the server had closed: reconnect once and time the retry. */
  void retry_or_fail(std::string why) {
    drop();
    if (retried_) return fail(0, std::move(why));
    retried_ = true;
    begin_ = steady::now();
    do_connect();
  }

  void fail(int status, std::string why) {
    drop();
    login_outcome out;
    out.username = logins_[current_].username;
    out.status = status;
    out.error = std::move(why);
    out.latency_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now() - begin_).count();
    report(out);
  }

  void report(const login_outcome& out) {
    if (on_outcome_) on_outcome_(out);
    ++current_;
    next();
  }

  void drop() {
    connected_ = false;
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  std::string host_;
  std::uint16_t port_;
  std::vector<credentials> logins_;
  std::function<void(const login_outcome&)> on_outcome_;
  std::function<void()> finished_;
  std::size_t current_ = 0;
  bool connected_ = false, retried_ = false;
  steady::time_point begin_;
};

}  // namespace

std::shared_ptr<login_worker> login_worker::make(asio::io_context& io, std::string host, std::uint16_t port,
                                                 std::vector<credentials> logins,
                                                 std::function<void(const login_outcome&)> on_outcome,
                                                 std::function<void()> finished) {
  return std::make_shared<beast_login_worker>(io, std::move(host), port, std::move(logins), std::move(on_outcome),
                                              std::move(finished));
}

}  // namespace loadgen
