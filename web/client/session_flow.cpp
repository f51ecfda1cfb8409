// Page load, login and logout (see session_flow.hpp).
#include "client/session_flow.hpp"

#include <chat/codes.hpp>
#include <chat/protocol.hpp>

#include <nlohmann/json.hpp>

namespace chat::web {
namespace {

constexpr const char* logout_untold_text =
    "You are logged out on this device, but the server could not be reached to end your session.";
constexpr const char* logout_retried_text = " It will be ended the next time the Chat Room opens.";

std::string trim_ascii(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

/** The `error` of an HTTP error answer's JSON body, or "". */
std::string error_code(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return {};
  const auto it = j.find("error");
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

session_flow::session_flow(client_context& ctx)
    : ctx_(ctx), me_backoff_(ctx.options().backoff_base_ms, ctx.options().backoff_max_ms) {}

void session_flow::start() {
  page_ = page_kind::starting;
  ask_session();
}

void session_flow::ask_session() {
  // A logout the server never confirmed (the page went away while logging out,
  // or the server could not be reached): end that session first.
  if (store_ && store_->get(logout_key)) {
    logout_request_ = ctx_.http(http_kind::logout, "POST", "/api/logout", {}, /*keepalive=*/true);
  } else {
    ctx_.http(http_kind::me, "GET", "/api/me");
  }
}

void session_flow::retry_later(std::int64_t now) { me_retry_at_ = now + me_backoff_.next_delay(ctx_.random01()); }

void session_flow::submit_login(std::string_view username, std::string_view password, std::int64_t now) {
  if (page_ != page_kind::login || login_request_ != 0) return;
  const std::string name = trim_ascii(username);
  if (name.empty()) {
    login_error_ = "Enter your username.";
  } else if (password.empty()) {
    login_error_ = "Enter your password.";
  } else if (now < login_blocked_until_) {
    login_error_ = "Too many failed attempts. Try again in " + std::to_string(login_blocked_s(now)) + " s.";
  } else {
    login_error_.clear();
    nlohmann::json body = {{"username", name}, {"password", std::string(password)}};
    login_request_ = ctx_.http(http_kind::login, "POST", "/api/login",
                               body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

int session_flow::login_blocked_s(std::int64_t now) const {
  return now < login_blocked_until_ ? static_cast<int>((login_blocked_until_ - now + 999) / 1000) : 0;
}

std::optional<user_profile> session_flow::on_me(const http_response& r, std::int64_t now) {
  if (page_ != page_kind::starting) return std::nullopt;
  if (r.status == 200) {
    if (auto user = decode_user(r.body)) return *user;
    page_ = page_kind::login;
  } else if (r.status == 0 || r.status >= 500) {
    retry_later(now);
  } else {
    page_ = page_kind::login;
  }
  return std::nullopt;
}

std::optional<user_profile> session_flow::on_login(const http_response& r, std::int64_t now) {
  login_request_ = 0;
  last_login_status_ = r.status;
  if (page_ != page_kind::login) return std::nullopt;
  switch (r.status) {
    case 200: {
      const auto j = nlohmann::json::parse(r.body, nullptr, false);
      const auto u = j.is_object() ? j.find("user") : j.end();
      if (u != j.end()) {
        if (auto user = decode_user(u->dump())) {
          // A new session replaces the one an unconfirmed logout was about.
          if (store_) store_->remove(logout_key);
          abandoned_logout_ = 0;
          return *user;
        }
      }
      login_error_ = "The server sent an unexpected answer. Please try again.";
      return std::nullopt;
    }
    case 401: login_error_ = "Wrong username or password."; break;
    case 400: login_error_ = "Enter a username and a password."; break;
    case 429: {
      const int s = r.retry_after_s > 0 ? r.retry_after_s : 60;
      login_blocked_until_ = now + static_cast<std::int64_t>(s) * 1000;
      login_error_ = s >= 120 ? "Too many failed attempts. Try again in " + std::to_string((s + 59) / 60) + " minutes."
                              : "Too many failed attempts. Try again in " + std::to_string(s) + " seconds.";
      break;
    }
    case 0: login_error_ = "The server cannot be reached. Check your connection and try again."; break;
    case 403:
      if (error_code(r.body) == http_error::account_disabled) {
        login_error_ = "This account is disabled. Ask an administrator to enable it.";
        break;
      }
      [[fallthrough]];
    default:
      login_error_ = "The server could not log you in (HTTP " + std::to_string(r.status) + "). Please try again.";
  }
  return std::nullopt;
}

void session_flow::entered(const user_profile& me) {
  me_ = me;
  page_ = page_kind::chat;
  login_error_.clear();
  me_backoff_.reset();
  me_retry_at_.reset();
}

void session_flow::ended(std::string why) {
  page_ = page_kind::login;
  login_error_ = std::move(why);
  me_ = user_profile{};
}

void session_flow::note_logout() {
  if (store_) store_->set(logout_key, "1");
}

void session_flow::begin_logout(std::int64_t now) {
  page_ = page_kind::logging_out;
  abandoned_logout_ = 0;
  logout_request_ = ctx_.http(http_kind::logout, "POST", "/api/logout", {}, /*keepalive=*/true);
  logout_deadline_ = now + ctx_.options().logout_timeout_ms;
}

void session_flow::logout_done(bool told) {
  if (told && store_) store_->remove(logout_key);
  page_ = page_kind::login;
  // With a store the next page load ends the session (ask_session); without one, nothing will.
  login_error_ = told ? "" : store_ ? std::string(logout_untold_text) + logout_retried_text : logout_untold_text;
}

void session_flow::on_logout(const http_response& r, std::uint64_t id, std::int64_t now) {
  // 2xx: the session is gone; 401: there was none (the server deletes an expired one too).
  const bool told = (r.status >= 200 && r.status < 300) || r.status == 401;
  if (id != logout_request_) {
    // The answer the logging-out page stopped waiting for: the session did end after all.
    if (id == abandoned_logout_ && told) {
      abandoned_logout_ = 0;
      if (store_) store_->remove(logout_key);
      if (page_ == page_kind::login && login_error_.rfind(logout_untold_text, 0) == 0) login_error_.clear();
    }
    return;
  }
  logout_request_ = 0;
  if (page_ == page_kind::logging_out) {
    logout_done(told);
  } else if (page_ == page_kind::starting) {  // the logout left over from before this page load
    if (r.status == 0 || r.status >= 500) {
      retry_later(now);
      return;
    }
    if (store_) store_->remove(logout_key);
    ctx_.http(http_kind::me, "GET", "/api/me");
  }
}

void session_flow::tick(std::int64_t now) {
  if (me_retry_at_ && now >= *me_retry_at_ && page_ == page_kind::starting) {
    me_retry_at_.reset();
    ask_session();
  }
  if (page_ == page_kind::logging_out && logout_request_ != 0 && now >= logout_deadline_) {
    abandoned_logout_ = logout_request_;
    logout_request_ = 0;
    logout_done(false);
  }
}

std::optional<std::int64_t> session_flow::next_wake() const {
  std::optional<std::int64_t> wake = me_retry_at_;
  if (page_ == page_kind::logging_out && logout_request_ != 0 && (!wake || logout_deadline_ < *wake)) {
    wake = logout_deadline_;
  }
  return wake;
}

}  // namespace chat::web
