// The sessions concern of the store: login sessions, kept as the digest of
// their token with an expiry (the token itself is never stored).
#pragma once

#include "store/store_error.hpp"

#include <chat/model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace chat::server {

/** Login sessions. Every method blocks on the engine and throws store_error
 *  when it fails; call them from the store worker or the login pool, never
 *  from an I/O thread. Thread-safe; each write is atomic and is seen by every
 *  read that starts after it returns (a revoked session is never found again). */
class session_store {
 public:
  virtual ~session_store() = default;

  /** Stores a session of employee `emp_id` under the digest of its token. */
  virtual void create_session(const std::string& token_digest, std::int64_t emp_id, std::int64_t created_ms,
                              std::int64_t expires_ms) = 0;
  /** The user of a live session: the digest names one that has not expired at
   *  `now_ms`, and its user still exists and is not disabled. */
  virtual std::optional<user_profile> session_user(std::string_view token_digest, std::int64_t now_ms) = 0;
  /** Which of `token_digests` name a live session at `now_ms` (as session_user
   *  decides), in one query: the cost grows with the digests asked about, not
   *  with the sessions stored. */
  virtual std::unordered_set<std::string> live_sessions(const std::vector<std::string>& token_digests,
                                                        std::int64_t now_ms) = 0;
  /** Revokes a session; false if there was none. */
  virtual bool delete_session(std::string_view token_digest) = 0;
  /** Deletes the sessions expired at `now_ms`; returns how many. */
  virtual int purge_expired_sessions(std::int64_t now_ms) = 0;
};

}  // namespace chat::server
