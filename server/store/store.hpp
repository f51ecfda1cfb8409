// The database as the server opens and closes it: one object that serves the
// three concerns (users.hpp, sessions.hpp, messages.hpp). The room and auth
// see only those interfaces, never SQL; a second engine is a second
// implementation of them in its own folder beside sqlite/.
#pragma once

#include "store/messages.hpp"
#include "store/sessions.hpp"
#include "store/users.hpp"

namespace chat::server {

/** Users, sessions and messages of one database. Thread-safe. */
class store : public user_store, public session_store, public message_store {
 public:
  /** True if this open created the database (the first start: seed it). */
  virtual bool created() const = 0;
  /** Leaves the database tidy for the next start. Call once, from the thread
   *  that stops the server, after the writer, the store worker and every
   *  other caller stopped; throws store_error on failure (nothing committed
   *  is lost). Destroying the store without it is safe too. */
  virtual void close() = 0;
};

}  // namespace chat::server
