// Who is who: /api/employees gives each username a name and a picture;
// fetched when the chat room opens and again (at most once a minute) when
// someone it does not know shows up.
#pragma once

#include "client/client_context.hpp"

#include <chat/model.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace chat::web {

/** The employee list by username. */
class user_directory {
 public:
  explicit user_directory(client_context& ctx) : ctx_(ctx) {}

  /** Asks GET /api/employees. */
  void request();
  /** Asks again at a welcome if the list never arrived and is not on its way. */
  void request_if_missing();
  /** A 2xx list replaces what is known; anything else is asked for again at the next welcome.
   *  (A 401 ends the session: the caller's business.) */
  void on_response(const http_response& r);
  /** Someone not in the list appeared (`known` false): fetch it again, at most once a minute. */
  void refresh_for(bool known, std::int64_t now);
  /** Forgets the list (the conversation ended). */
  void clear();

  /** The employee with this username, if the list has them. */
  const user_profile* find(std::string_view username) const;
  bool loaded() const { return loaded_; }

 private:
  client_context& ctx_;
  std::map<std::string, user_profile, std::less<>> employees_;
  bool loaded_ = false;
  bool requested_ = false;
  std::int64_t refresh_after_ = 0;  // someone unknown appeared: ask again, at most this often
};

}  // namespace chat::web
