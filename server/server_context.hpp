// What every connection needs from the server, bundled. No Beast here.
#pragma once

#include <atomic>

namespace chat::server {

struct config;
class http_api;
class room;
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
  ws::partial_budget& partial;  ///< bytes held for clients' unfinished frames
};

}  // namespace chat::server
