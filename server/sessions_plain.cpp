// The session templates instantiated for plain TCP (http and ws), in one TU.
#include "session_start.hpp"

#include "http_session.hpp"

namespace chat::server {

void start_plain_session(boost::asio::ip::tcp::socket socket, server_context& ctx, std::string address) {
  std::make_shared<http_session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), ctx, std::move(address))
      ->run();
}

}  // namespace chat::server
