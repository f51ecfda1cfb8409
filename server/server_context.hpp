// What every connection needs from the server, bundled. No Beast here.
#pragma once

#include <atomic>

namespace chat::server {

struct config;
class http_api;
class room;
class trusted_proxies;
class connection_caps;
struct server_stats;
namespace ws {
class partial_budget;
}

/** References to the server's parts, shared by all sessions; outlives them. */
struct server_context {
  const config& cfg;
  http_api& api;
  room& chat_room;
  server_stats& stats;
  const std::atomic<bool>& shutting_down;
  const trusted_proxies& proxies;  ///< who may name the client (X-Forwarded-For/-Proto)
  ws::partial_budget& partial;     ///< bytes held for clients' unfinished frames
  connection_caps& caps;           ///< connections per user and address, upgrade attempts per address
};

}  // namespace chat::server
