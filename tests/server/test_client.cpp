// Beast-based test clients (see test_client.hpp). Every wait runs the client's
// own io_context with a deadline, so a broken server fails a test, never hangs it.
#include "test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <optional>
#include <stdexcept>

namespace chat::test {

namespace beast = boost::beast;
namespace http_ns = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/** Runs `ioc` until `done` or the deadline; false on timeout. */
bool run_until(net::io_context& ioc, const bool& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ioc.restart();
  while (!done) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return false;
    if (ioc.run_one_for(left) == 0 && ioc.stopped()) ioc.restart();
  }
  return true;
}

tcp::endpoint local(std::uint16_t port) { return {net::ip::make_address("127.0.0.1"), port}; }

http_reply to_reply(http_ns::response<http_ns::string_body>& res) {
  http_reply r;
  r.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.fields[name] = std::string(f.value());
  }
  r.body = std::move(res.body());
  return r;
}

using tls_socket = beast::ssl_stream<tcp::socket>;

/** A TLS client context that accepts any certificate (the tests' are self-signed). */
net::ssl::context& client_tls() {
  static net::ssl::context ctx = [] {
    net::ssl::context c(net::ssl::context::tls_client);
    c.set_verify_mode(net::ssl::verify_none);
    return c;
  }();
  return ctx;
}

/** Completes a TLS client handshake on a connected stream. */
void tls_handshake(tls_socket& stream, net::io_context& ioc) {
  bool done = false;
  beast::error_code ec;
  stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  if (!run_until(ioc, done, 10s)) throw std::runtime_error("tls handshake timed out");
  if (ec) throw std::runtime_error("tls handshake: " + ec.message());
}

template <class Stream>
http_reply exchange(Stream& socket, net::io_context& ioc, const std::string& method, const std::string& target,
                    const headers& h, const std::string& body, bool keep_alive, beast::flat_buffer& buffer) {
  http_ns::request<http_ns::string_body> req{http_ns::string_to_verb(method), target, 11};
  if (req.method() == http_ns::verb::unknown) req.method_string(method);
  req.set(http_ns::field::host,
          "127.0.0.1:" + std::to_string(beast::get_lowest_layer(socket).remote_endpoint().port()));
  for (const auto& [k, v] : h) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == "POST") req.prepare_payload();
  req.keep_alive(keep_alive);

  bool done = false;
  beast::error_code ec;
  http_ns::async_write(socket, req, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_until(ioc, done, 10s)) throw std::runtime_error("http write timed out");
  if (ec) throw std::runtime_error("http write: " + ec.message());

  http_ns::response_parser<http_ns::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(method == "HEAD");
  done = false;
  http_ns::async_read(socket, buffer, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_until(ioc, done, 10s)) throw std::runtime_error("http read timed out");
  if (ec) throw std::runtime_error("http read: " + ec.message());
  auto res = parser.release();
  return to_reply(res);
}

}  // namespace

http_reply http(std::uint16_t port, const std::string& method, const std::string& target, const headers& h,
                const std::string& body) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(local(port));
  beast::flat_buffer buffer;
  return exchange(socket, ioc, method, target, h, body, false, buffer);
}

http_reply http_from(const std::string& from, std::uint16_t port, const std::string& method,
                     const std::string& target, const headers& h, const std::string& body) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.open(tcp::v4());
  socket.bind({net::ip::make_address(from), 0});
  socket.connect(local(port));
  beast::flat_buffer buffer;
  return exchange(socket, ioc, method, target, h, body, false, buffer);
}

http_reply https(std::uint16_t port, const std::string& method, const std::string& target, const headers& h,
                 const std::string& body) {
  net::io_context ioc;
  tls_socket stream(ioc, client_tls());
  stream.next_layer().connect(local(port));
  tls_handshake(stream, ioc);
  beast::flat_buffer buffer;
  return exchange(stream, ioc, method, target, h, body, false, buffer);
}

http_reply http_raw(std::uint16_t port, const std::string& raw) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(local(port));
  net::write(socket, net::buffer(raw));
  beast::flat_buffer buffer;
  http_ns::response_parser<http_ns::string_body> parser;
  bool done = false;
  beast::error_code ec;
  http_ns::async_read(socket, buffer, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_until(ioc, done, 10s)) throw std::runtime_error("raw http read timed out");
  if (ec) throw std::runtime_error("raw http read: " + ec.message());
  auto res = parser.release();
  return to_reply(res);
}

struct http_connection::impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

http_connection::http_connection(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->socket.connect(local(port));
}
http_connection::~http_connection() = default;

http_reply http_connection::request(const std::string& method, const std::string& target, const headers& h,
                                    const std::string& body) {
  return exchange(impl_->socket, impl_->ioc, method, target, h, body, true, impl_->buffer);
}

std::string login(std::uint16_t port, const std::string& user, const std::string& password) {
  const auto r = http(port, "POST", "/api/login", {{"Content-Type", "application/json"}},
                      R"({"username":")" + user + R"(","password":")" + password + R"("})");
  if (r.status != 200) throw std::runtime_error("login failed with " + std::to_string(r.status) + ": " + r.body);
  const auto at = r.body.find(R"("token":")");
  if (at == std::string::npos) throw std::runtime_error("no token in " + r.body);
  const auto start = at + 9;
  return r.body.substr(start, r.body.find('"', start) - start);
}

unsigned upgrade_status(std::uint16_t port, const std::string& target, const headers& h) {
  headers all = {{"Connection", "Upgrade"},
                 {"Upgrade", "websocket"},
                 {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                 {"Sec-WebSocket-Version", "13"}};
  all.insert(all.end(), h.begin(), h.end());
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(local(port));
  beast::flat_buffer buffer;
  http_ns::request<http_ns::empty_body> req{http_ns::verb::get, target, 11};
  req.set(http_ns::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : all) req.set(k, v);
  http_ns::write(socket, req);
  http_ns::response_parser<http_ns::string_body> parser;
  parser.skip(false);
  bool done = false;
  beast::error_code ec;
  // A 101 has no body: read just the header.
  http_ns::async_read_header(socket, buffer, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_until(ioc, done, 10s)) throw std::runtime_error("upgrade read timed out");
  if (ec) throw std::runtime_error("upgrade read: " + ec.message());
  return parser.get().result_int();
}

struct ws_client::impl {
  net::io_context ioc;
  std::optional<websocket::stream<tcp::socket>> plain;
  std::optional<websocket::stream<tls_socket>> secure;
  beast::flat_buffer buffer;
  std::deque<std::string> inbox;
  bool reading = false;
  bool is_closed = false;
  std::uint16_t code = 0;

  /** Calls `f` with the WebSocket stream, plain or TLS. */
  template <class F>
  decltype(auto) with(F&& f) {
    if (secure) return f(*secure);
    return f(*plain);
  }

  void start_read() {
    reading = true;
    with([this](auto& ws) {
      ws.async_read(buffer, [this, &ws](beast::error_code ec, std::size_t) {
        if (ec) {
          is_closed = true;
          if (ec == websocket::error::closed) code = ws.reason().code;
          return;
        }
        inbox.push_back(beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
        start_read();
      });
    });
  }

  void write(const std::string& data, bool text) {
    bool done = false;
    beast::error_code ec;
    with([&](auto& ws) {
      ws.text(text);
      ws.async_write(net::buffer(data), [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
      });
    });
    if (!run_until(ioc, done, 10s)) throw std::runtime_error("websocket write timed out");
    with([](auto& ws) { ws.text(true); });
    if (ec) throw std::runtime_error("websocket write: " + ec.message());
  }
};

ws_client::ws_client(std::uint16_t port, const std::string& target, const std::string& token, const headers& h,
                     bool small_receive_buffer, bool tls)
    : impl_(std::make_unique<impl>()) {
  auto& m = *impl_;
  if (tls) {
    m.secure.emplace(m.ioc, client_tls());
  } else {
    m.plain.emplace(m.ioc);
  }
  m.with([&](auto& ws) {
    auto& s = beast::get_lowest_layer(ws);
    s.open(tcp::v4());
    if (small_receive_buffer) s.set_option(net::socket_base::receive_buffer_size(4096));
    s.connect(local(port));
    if constexpr (!std::is_same_v<std::decay_t<decltype(ws)>, websocket::stream<tcp::socket>>) {
      tls_handshake(ws.next_layer(), m.ioc);
    }
    ws.set_option(websocket::stream_base::decorator([token, h](websocket::request_type& req) {
      if (!token.empty()) req.set(http_ns::field::cookie, "session=" + token);
      for (const auto& [k, v] : h) req.set(k, v);
    }));
    ws.read_message_max(64 * 1024 * 1024);
  });
  bool done = false;
  beast::error_code ec;
  m.with([&](auto& ws) {
    ws.async_handshake("127.0.0.1:" + std::to_string(port), target, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
  });
  if (!run_until(m.ioc, done, 10s)) throw std::runtime_error("websocket handshake timed out");
  if (ec) throw std::runtime_error("websocket handshake: " + ec.message());
}

ws_client::~ws_client() = default;

void ws_client::send_text(const std::string& text) { impl_->write(text, true); }

void ws_client::send_binary(const std::string& data) { impl_->write(data, false); }

std::optional<std::string> ws_client::read(std::chrono::milliseconds timeout) {
  auto& m = *impl_;
  if (!m.reading && !m.is_closed) m.start_read();
  bool ready = !m.inbox.empty() || m.is_closed;
  if (!ready) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    m.ioc.restart();
    while (m.inbox.empty() && !m.is_closed) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      m.ioc.run_one_for(left);
      if (m.ioc.stopped()) m.ioc.restart();
    }
  }
  if (m.inbox.empty()) return std::nullopt;
  std::string s = std::move(m.inbox.front());
  m.inbox.pop_front();
  return s;
}

bool ws_client::wait_closed(std::chrono::milliseconds timeout, std::vector<std::string>* seen) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->is_closed || !impl_->inbox.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto f = read(left);
    if (f && seen) seen->push_back(std::move(*f));
  }
  return true;
}

bool ws_client::closed() const { return impl_->is_closed; }
std::uint16_t ws_client::close_code() const { return impl_->code; }

void ws_client::close() {
  auto& m = *impl_;
  if (m.is_closed) return;
  bool done = false;
  m.with([&](auto& ws) { ws.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; }); });
  run_until(m.ioc, done, 5s);
}

}  // namespace chat::test
