// A store that times the calls the chat waits on and passes every call to the
// real one: commits (and how many messages each carries), history pages,
// session checks and users looked up by name, into the server's metrics
// (stats.hpp). The room, auth and the workers cannot tell it is there.
#pragma once

#include "store/store.hpp"

#include <memory>

namespace chat::server {

struct server_stats;

/** `inner` with its latencies recorded in `stats`; a call that throws is timed too. */
std::unique_ptr<store> make_metered_store(std::unique_ptr<store> inner, server_stats& stats);

}  // namespace chat::server
