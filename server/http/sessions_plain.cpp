// The session templates instantiated for plain TCP (http and ws), in one TU.
#include "http/session_start.hpp"

#include "http/http_session.hpp"

namespace chat::server {

void start_plain_session(shard_socket socket, io_shard& shard, server_context& ctx, std::string address) {
  std::make_shared<http_session<plain_http_stream>>(plain_http_stream(std::move(socket)), shard, ctx,
                                                    std::move(address))
      ->run();
}

}  // namespace chat::server
