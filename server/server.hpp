// The whole server as one object: store, auth, room, HTTP API, the listener
// and the I/O threads. main.cpp and the tests drive it; Beast stays inside.
#pragma once

#include "config.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace chat::server {

class room;
class store;
struct server_stats;
namespace ws {
class partial_budget;
}

/** A configuration the server cannot start with (exit code 2). */
class startup_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** The chat server. */
class chat_server {
 public:
  /** Opens (and on first start seeds) the database and checks the web root
   *  and TLS files. Throws startup_error. */
  explicit chat_server(config cfg);
  /** The same on `db`, an open and seeded store (cfg.db_path is not used):
   *  for tests that wrap the real store. */
  chat_server(config cfg, std::unique_ptr<store> db);
  ~chat_server();
  chat_server(const chat_server&) = delete;
  chat_server& operator=(const chat_server&) = delete;

  /** Binds, listens and starts the I/O threads. Throws startup_error. */
  void start();
  /** The bound port (after start). */
  std::uint16_t port() const;
  /** "http://HOST:PORT" (https under TLS). */
  std::string url() const;

  /** Stops accepting, answers /healthz with 503 and closes WebSockets with 1001. */
  void begin_shutdown();
  /** begin_shutdown(), waits (bounded) for the sockets to close, stops the
   *  threads and flushes the store. Idempotent; the destructor calls it. */
  void stop();

  /** Reads --tls-cert/--tls-key again (SIGHUP): new connections get the new
   *  certificate, open ones keep theirs; bad files keep the old one. Logs the
   *  outcome; false when nothing was swapped (also without TLS). Any thread. */
  bool reload_tls();

  server_stats& stats();
  room& chat_room();
  /** Bytes held for clients' unfinished frames (ws/partial_budget.hpp). */
  const ws::partial_budget& partial_frames() const;
  store& database();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace chat::server
