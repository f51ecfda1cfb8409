// Logins and sessions: password verification (argon2id), throttling of
// failures per (username, client address) and per client address, random session tokens stored as
// digests with an expiry, logout. Every method blocks on the store: call them
// from the store worker or the hashing pool, never from an I/O thread.
#pragma once

#include "auth/login_throttle.hpp"

#include <chat/model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::server {

class session_store;
class user_store;

/** The answer to a login attempt. */
struct login_outcome {
  /** `disabled`: the password was right but the account is disabled (only
   *  someone who knows the password learns that). */
  enum class status { ok, bad_credentials, throttled, disabled };
  status result = status::bad_credentials;
  user_profile user;                      ///< when ok
  std::string token;              ///< when ok: the only copy; the store keeps a digest
  std::int64_t retry_after_s = 0; ///< when throttled
};

/** Sessions over a store. Thread-safe. */
class auth {
 public:
  auth(user_store& users, session_store& sessions, login_policy policy = {});

  /** Verifies the password (spending the same time for unknown users) and,
   *  unless the account is disabled, creates a session. `address` is the
   *  client's IP (after --trusted-proxy forwarding) for throttling: a locked
   *  (username, address) or address key is answered `throttled` before any
   *  password check. */
  login_outcome login(std::string_view username, std::string_view password, std::string_view address);

  /** The user of a live session token. */
  std::optional<user_profile> user_for_token(std::string_view token);

  /** Revokes the session; false if the token named none. */
  bool logout(std::string_view token);

  /** Every employee, disabled ones included (their messages keep their
   *  pictures), for GET /api/employees. */
  std::vector<user_profile> employees();

  /** True if `name` is a registered username (any letter case). */
  bool is_registered(std::string_view name);

 private:
  user_store& users_;
  session_store& sessions_;
  const login_policy policy_;
  login_throttle throttle_;
};

/** Milliseconds since the Unix epoch. */
std::int64_t now_ms();

}  // namespace chat::server
