// The session as the user goes through it: the page load's GET /api/me, the
// login form, and the logout the server may not have confirmed (noted in the
// local store, so the next page load ends that session first).
#pragma once

#include "client/client_context.hpp"
#include "client/local_store.hpp"
#include "client/reconnect_backoff.hpp"

#include <chat/model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat::web {

/** Which page is up: checking the session, the login form, the chat room, or
 *  waiting for the server to confirm a logout. */
enum class page_kind { starting, login, chat, logging_out };

/** The page, the login form's state, who is logged in, and the logout in progress. */
class session_flow {
 public:
  /** The store key of a logout the server has not confirmed. */
  static constexpr const char* logout_key = "logout_pending";

  explicit session_flow(client_context& ctx);

  /** Where an unconfirmed logout is noted across page loads (null: nowhere). */
  void set_store(local_store* store) { store_ = store; }

  /** Page load: posts the logout noted in the store, else asks GET /api/me. */
  void start();
  /** Posts the login form (or explains what is missing); only on the login page, one at a time. */
  void submit_login(std::string_view username, std::string_view password, std::int64_t now);

  /** The answer to a page load's GET /api/me, on the starting page: the user when
   *  the cookie holds (the caller enters the chat room), else the login page or a retry. */
  std::optional<user_profile> on_me(const http_response& r, std::int64_t now);
  /** The login form's answer: the user when it succeeded (the caller starts a new
   *  epoch and enters the chat room), else the form's error. */
  std::optional<user_profile> on_login(const http_response& r, std::int64_t now);
  /** An answer to POST /api/logout `id` (this page's, one it stopped waiting for, or the one left over). */
  void on_logout(const http_response& r, std::uint64_t id, std::int64_t now);

  /** The chat room opens for `me`. */
  void entered(const user_profile& me);
  /** The welcome says who we are. */
  void set_me(const user_profile& me) { me_ = me; }
  /** The conversation is over (a logout, or the server ended it): the login page with `why`. */
  void ended(std::string why);
  /** Notes "logout pending" in the store: whatever happens to the page now, the next load ends the session. */
  void note_logout();
  /** Posts /api/logout and waits on the logging-out page (after ended()). */
  void begin_logout(std::int64_t now);

  /** Retries GET /api/me and gives up waiting for the logout when their times come. */
  void tick(std::int64_t now);
  /** When tick() has something to do, if ever. */
  std::optional<std::int64_t> next_wake() const;

  page_kind page() const { return page_; }
  const user_profile& me() const { return me_; }
  const std::string& login_error() const { return login_error_; }
  bool login_busy() const { return login_request_ != 0; }
  int last_login_status() const { return last_login_status_; }
  int login_blocked_s(std::int64_t now) const;
  std::optional<std::int64_t> starting_retry_at() const { return me_retry_at_; }

 private:
  void ask_session();
  void logout_done(bool told);
  void retry_later(std::int64_t now);

  client_context& ctx_;
  local_store* store_ = nullptr;
  page_kind page_ = page_kind::starting;
  user_profile me_;
  std::string login_error_;
  std::uint64_t login_request_ = 0;
  int last_login_status_ = -1;
  std::int64_t login_blocked_until_ = 0;
  reconnect_backoff me_backoff_;
  std::optional<std::int64_t> me_retry_at_;
  std::uint64_t logout_request_ = 0;    // the POST /api/logout being waited for
  std::uint64_t abandoned_logout_ = 0;  // the one the logging-out page stopped waiting for
  std::int64_t logout_deadline_ = 0;
};

}  // namespace chat::web
