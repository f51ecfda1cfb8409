// Logins and sessions (see auth.hpp).
#include "auth/auth.hpp"

#include "auth/crypto.hpp"
#include "http/address_list.hpp"
#include "store/sessions.hpp"
#include "store/users.hpp"

#include <chat/limits.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace chat::server {
namespace {

/** The (account, address) key: the address's group, a space, the lower-case username. */
std::string account_address_key(std::string_view username, const std::string& group) {
  std::string k = "p:" + group + " ";
  for (char c : username) k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return k;
}

}  // namespace

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

auth::auth(user_store& users, session_store& sessions, login_policy policy)
    : users_(users), sessions_(sessions), policy_(policy), throttle_(policy.max_keys) {}

login_outcome auth::login(std::string_view username, std::string_view password, std::string_view address) {
  login_outcome out;
  const auto now = login_throttle::clock::now();
  const auto group = address_group(address);
  const auto pkey = account_address_key(username, group);
  const auto akey = "a:" + group;
  const auto wait = std::max(throttle_.retry_after(pkey, now), throttle_.retry_after(akey, now));
  if (wait > 0) {
    out.result = login_outcome::status::throttled;
    out.retry_after_s = wait;
    return out;
  }

  const auto record = users_.find_user(username);
  const bool ok = record ? crypto::verify_password(record->password_hash, password)
                         : (crypto::spend_verification_time(password), false);
  if (!ok) {
    throttle_.record_failure(pkey, policy_.account_address, now);
    throttle_.record_failure(akey, policy_.address, now);
    out.result = login_outcome::status::bad_credentials;
    return out;
  }

  throttle_.clear(pkey);  // the address key stays: one good account must not reset an address's count
  if (record->disabled) {
    out.result = login_outcome::status::disabled;
    return out;
  }
  const auto created = now_ms();
  sessions_.purge_expired_sessions(created);
  out.token = crypto::new_token();
  sessions_.create_session(crypto::token_digest(out.token), record->user.id, created,
                        created + limits::session_ttl_s * 1000);
  out.user = record->user;
  out.result = login_outcome::status::ok;
  return out;
}

std::optional<user_profile> auth::user_for_token(std::string_view token) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  return sessions_.session_user(crypto::token_digest(token), now_ms());
}

bool auth::logout(std::string_view token) {
  if (token.empty() || token.size() > 256) return false;
  // An expired session is no session (401), but it goes all the same.
  const auto digest = crypto::token_digest(token);
  const bool live = sessions_.session_user(digest, now_ms()).has_value();
  return sessions_.delete_session(digest) && live;
}

std::vector<user_profile> auth::employees() {
  std::vector<user_profile> out;
  for (auto& a : users_.list_users()) out.push_back(std::move(a.user));
  return out;
}

bool auth::is_registered(std::string_view name) { return users_.find_user(name).has_value(); }

}  // namespace chat::server
