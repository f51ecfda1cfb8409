// The session templates instantiated for TLS (https and wss), in one TU.
#include "http/session_start.hpp"

#include "http/http_session.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace chat::server {

void start_tls_session(shard_socket socket, io_shard& shard, server_context& ctx, std::string address,
                       boost::asio::ssl::context& ssl) {
  using stream = beast::ssl_stream<plain_http_stream>;
  std::make_shared<http_session<stream>>(stream(plain_http_stream(std::move(socket)), ssl), shard, ctx,
                                         std::move(address))
      ->run();
}

}  // namespace chat::server
