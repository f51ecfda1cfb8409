// Entry points from the listener into the session templates, which are
// compiled in sessions_plain.cpp and sessions_tls.cpp (one TU each).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace boost::asio::ssl {
class context;
}

namespace chat::server {

struct server_context;

/** Serves HTTP (and upgrades to WebSocket) on an accepted plain socket. */
void start_plain_session(boost::asio::ip::tcp::socket socket, server_context& ctx, std::string address);

/** Same over TLS: the handshake first, then HTTPS and WSS. */
void start_tls_session(boost::asio::ip::tcp::socket socket, server_context& ctx, std::string address,
                       boost::asio::ssl::context& ssl);

}  // namespace chat::server
