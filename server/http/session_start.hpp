// Entry points from the listener into the session templates, which are
// compiled in sessions_plain.cpp and sessions_tls.cpp (one TU each).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace boost::asio::ssl {
class context;
}

namespace chat::server {

struct server_context;
class io_shard;

/** A connection's socket: its executor is its shard's io_context (concrete, no type erasure). */
using shard_socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

/** Serves HTTP (and upgrades to WebSocket) on a plain socket accepted onto `shard`. */
void start_plain_session(shard_socket socket, io_shard& shard, server_context& ctx, std::string address);

/** Same over TLS: the handshake first, then HTTPS and WSS. */
void start_tls_session(shard_socket socket, io_shard& shard, server_context& ctx, std::string address,
                       boost::asio::ssl::context& ssl);

}  // namespace chat::server
