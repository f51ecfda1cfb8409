// Reading one HTTP request, shared by http_session and the HTTP fuzz target so
// both take the same path: the parser's limits, the answer to a request that
// cannot be read, and the conversion to the router's Beast-free http_request.
// Beast's HTTP parser only (no sockets, no WebSocket, no TLS).
#pragma once

#include "http/http_types.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>

#include <boost/beast/http.hpp>

#include <optional>
#include <string>

namespace chat::server {

using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

/** Applies the header and body limits of chat/limits.hpp to a fresh parser. */
inline void limit_request(request_parser& p) {
  p.header_limit(static_cast<std::uint32_t>(limits::max_http_header_bytes));
  p.body_limit(limits::max_http_body_bytes);
}

/** The answer to a read that failed with `ec`: 431, 413 or 400 for a request
 *  that is too big or not HTTP; nullopt when the connection should just end
 *  (the peer closed between requests, a timeout, a socket error). */
inline std::optional<http_response> read_error_response(const boost::beast::error_code& ec) {
  namespace http = boost::beast::http;
  if (ec == http::error::header_limit) return json_error(431, http_error::headers_too_large, "The request headers are too large.");
  if (ec == http::error::body_limit) return json_error(413, http_error::body_too_large, "The request body is too large.");
  if (ec == http::error::end_of_stream) return std::nullopt;
  if (ec.category() == boost::beast::error_code(http::error::bad_target).category()) {
    return json_error(400, http_error::bad_request, "The request could not be parsed.");
  }
  return std::nullopt;
}

/** The parts of `req` the router looks at; `address` is the peer's (see
 *  trusted_proxies::apply for the client's). */
inline http_request to_request(const boost::beast::http::request<boost::beast::http::string_body>& req,
                               std::string address, bool tls) {
  namespace http = boost::beast::http;
  http_request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  auto field = [&](http::field f) { return std::string(req[f]); };
  r.host = field(http::field::host);
  r.has_origin = req.find(http::field::origin) != req.end();
  r.origin = field(http::field::origin);
  r.cookie = field(http::field::cookie);
  r.authorization = field(http::field::authorization);
  r.if_none_match = field(http::field::if_none_match);
  r.if_modified_since = field(http::field::if_modified_since);
  r.accept_encoding = field(http::field::accept_encoding);
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it) {
    if (!r.forwarded_for.empty()) r.forwarded_for += ',';
    r.forwarded_for += std::string(it->value());
  }
  r.forwarded_proto = std::string(req["X-Forwarded-Proto"]);
  r.body = req.body();
  r.peer = address;
  r.address = std::move(address);
  r.tls = tls;
  return r;
}

}  // namespace chat::server
