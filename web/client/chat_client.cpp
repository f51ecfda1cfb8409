// The web client's state machine (see chat_client.hpp): session, connection,
// history, outbox, unread counts. Every public event ends in finish(), which
// schedules the next wake-up and keeps the tab title current.
#include "client/chat_client.hpp"

#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace chat::web {
namespace {

constexpr const char* session_ended_text = "Your session has ended. Please log in again.";
constexpr const char* logout_untold_text =
    "You are logged out on this device, but the server could not be reached to end your session.";
constexpr const char* logout_retried_text = " It will be ended the next time the Chat Room opens.";

/** A string member of a JSON object, or "" (no exceptions on saved data of the wrong shape). */
std::string str_field(const nlohmann::json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/** The "messages" array of a saved outbox, or null when there is none. */
const nlohmann::json* saved_messages(const nlohmann::json& j) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find("messages");
  return it != j.end() && it->is_array() ? &*it : nullptr;
}

std::string refusal_text(const error_event& f) {
  if (f.code == "too_long") return "Too long: a message can have at most 4000 characters.";
  if (f.code == "empty") return "Empty messages are not sent.";
  if (f.code == "rate_limited") return "Too many messages at once. Wait a moment, then retry.";
  if (f.code == "bad_request") return "The server could not read this message.";
  if (f.code == "invalid_utf8") return "The message is not valid text.";
  return f.message.empty() ? "The server refused this message." : f.message;
}

std::string trim_ascii(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool is_auth_close(int code) { return code == 1008 || (code >= 4400 && code <= 4499); }

}  // namespace

chat_client::chat_client(random_source random, message_log::utc_offset_fn utc_offset, client_options options)
    : random_(std::move(random)),
      opt_(std::move(options)),
      log_(std::move(utc_offset)),
      backoff_(opt_.backoff_base_ms, opt_.backoff_max_ms),
      me_backoff_(opt_.backoff_base_ms, opt_.backoff_max_ms) {
  char prefix[24];
  std::snprintf(prefix, sizeof prefix, "%012llx",
                static_cast<unsigned long long>(random_() & 0xFFFFFFFFFFFFull));
  client_id_prefix_ = prefix;
}

double chat_client::random01() { return static_cast<double>(random_() >> 11) * 0x1.0p-53; }

std::vector<command> chat_client::take_commands() {
  std::vector<command> out;
  out.swap(commands_);
  return out;
}

std::uint64_t chat_client::http(http_kind kind, std::string method, std::string path, std::string body,
                               bool keepalive) {
  const std::uint64_t id = next_http_id_++;
  in_flight_[id] = in_flight_request{kind, epoch_};
  emit(cmd::http{http_request{id, kind, std::move(method), std::move(path), std::move(body), keepalive}});
  return id;
}

void chat_client::set_notice(std::string text, std::int64_t now) {
  notice_ = std::move(text);
  notice_until_ = now + opt_.notice_ms;
}

std::string chat_client::title() const {
  if (page_ == page_kind::chat && unread_ > 0) return "(" + std::to_string(unread_) + ") " + opt_.title;
  return opt_.title;
}

void chat_client::finish(std::int64_t now) {
  if (!notice_.empty() && now >= notice_until_) notice_.clear();

  std::optional<std::int64_t> wake;
  const auto consider = [&](std::int64_t t) {
    if (!wake || t < *wake) wake = t;
  };
  if (connection_ == connection_state::waiting) consider(retry_at_);
  if (connection_ == connection_state::connecting) consider(connect_deadline_);
  if (connection_ == connection_state::live) {
    for (const auto& e : log_.outbox()) {
      if (e.delivery == delivery_state::pending && e.sent_at >= 0) consider(e.sent_at + opt_.ack_timeout_ms);
    }
  }
  if (me_retry_at_) consider(*me_retry_at_);
  if (page_ == page_kind::logging_out && logout_request_ != 0) consider(logout_deadline_);
  if (!notice_.empty()) consider(notice_until_);
  if (wake && *wake != last_wake_) {
    last_wake_ = *wake;
    emit(cmd::wake_at{*wake});
  }

  std::string t = title();
  if (t != last_title_) {
    last_title_ = t;
    emit(cmd::set_title{std::move(t)});
  }
}

// ---------------------------------------------------------------- session

void chat_client::start(std::int64_t now) {
  page_ = page_kind::starting;
  ask_session();
  finish(now);
}

void chat_client::ask_session() {
  // A logout the server never confirmed (the page went away while logging out,
  // or the server could not be reached): end that session first.
  if (store_ && store_->get(logout_key)) {
    logout_request_ = http(http_kind::logout, "POST", "/api/logout", {}, /*keepalive=*/true);
  } else {
    http(http_kind::me, "GET", "/api/me");
  }
}

void chat_client::submit_login(std::string_view username, std::string_view password, std::int64_t now) {
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
    login_request_ = http(http_kind::login, "POST", "/api/login",
                          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  finish(now);
}

int chat_client::login_blocked_s(std::int64_t now) const {
  return now < login_blocked_until_ ? static_cast<int>((login_blocked_until_ - now + 999) / 1000) : 0;
}

void chat_client::logout(std::int64_t now) {
  if (page_ != page_kind::chat) return;
  // Noted first: whatever happens to this page from here on, the next load ends the session.
  if (store_) {
    store_->set(logout_key, "1");
    store_->remove(outbox_key(me_.username));
  }
  end_session("");
  page_ = page_kind::logging_out;
  abandoned_logout_ = 0;
  logout_request_ = http(http_kind::logout, "POST", "/api/logout", {}, /*keepalive=*/true);
  logout_deadline_ = now + opt_.logout_timeout_ms;
  finish(now);
}

void chat_client::logout_done(bool told) {
  if (told && store_) store_->remove(logout_key);
  page_ = page_kind::login;
  // With a store the next page load ends the session (ask_session); without one, nothing will.
  login_error_ = told ? "" : store_ ? std::string(logout_untold_text) + logout_retried_text : logout_untold_text;
}

void chat_client::on_logout(const http_response& r, std::uint64_t id, std::int64_t now) {
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
      me_retry_at_ = now + me_backoff_.next_delay(random01());
      return;
    }
    if (store_) store_->remove(logout_key);
    http(http_kind::me, "GET", "/api/me");
  }
}

void chat_client::enter_chat(const user_profile& me, std::int64_t now) {
  me_ = me;
  page_ = page_kind::chat;
  login_error_.clear();
  me_backoff_.reset();
  me_retry_at_.reset();
  employees_requested_ = true;
  http(http_kind::employees, "GET", "/api/employees");
  restore_outbox(now);
  open_socket(now);
}

void chat_client::end_session(std::string why) {
  if (connection_ == connection_state::connecting || connection_ == connection_state::live) {
    emit(cmd::close_socket{1000, "logged out"});
  }
  ++epoch_;
  page_ = page_kind::login;
  login_error_ = std::move(why);
  me_ = user_profile{};
  employees_.clear();
  employees_loaded_ = employees_requested_ = false;
  employees_refresh_after_ = 0;
  probe_in_flight_ = false;
  connection_ = connection_state::offline;
  socket_opened_ = ever_live_ = awaiting_connect_history_ = false;
  since_used_ = 0;
  backoff_.reset();
  log_.clear();
  online_.clear();
  has_older_ = loading_older_ = false;
  gap_.reset();
  history_asks_.clear();
  unread_ = new_below_ = 0;
  unread_baseline_.reset();
  at_bottom_ = true;
  notice_.clear();
  stored_ids_.clear();
}

void chat_client::on_http(const http_response& r, std::int64_t now) {
  const auto it = in_flight_.find(r.id);
  if (it == in_flight_.end()) return;
  const in_flight_request f = it->second;
  in_flight_.erase(it);
  if (f.kind == http_kind::login) {
    on_login(r, now);
  } else if (f.kind == http_kind::logout) {
    on_logout(r, r.id, now);
  } else if (f.epoch == epoch_) {
    if (f.kind == http_kind::me) on_me(r, now);
    if (f.kind == http_kind::employees) on_employees(r);
  }
  finish(now);
}

void chat_client::on_me(const http_response& r, std::int64_t now) {
  if (page_ == page_kind::chat) {  // a probe after a failed connection attempt
    probe_in_flight_ = false;
    if (r.status == 401) end_session(session_ended_text);
    return;
  }
  if (page_ != page_kind::starting) return;
  if (r.status == 200) {
    if (auto user = decode_user(r.body)) {
      enter_chat(*user, now);
      return;
    }
    page_ = page_kind::login;
  } else if (r.status == 0 || r.status >= 500) {
    me_retry_at_ = now + me_backoff_.next_delay(random01());
  } else {
    page_ = page_kind::login;
  }
}

void chat_client::on_login(const http_response& r, std::int64_t now) {
  login_request_ = 0;
  last_login_status_ = r.status;
  if (page_ != page_kind::login) return;
  switch (r.status) {
    case 200: {
      const auto j = nlohmann::json::parse(r.body, nullptr, false);
      const auto u = j.is_object() ? j.find("user") : j.end();
      if (u != j.end()) {
        if (auto user = decode_user(u->dump())) {
          // A new session replaces the one an unconfirmed logout was about.
          if (store_) store_->remove(logout_key);
          abandoned_logout_ = 0;
          ++epoch_;
          enter_chat(*user, now);
          return;
        }
      }
      login_error_ = "The server sent an unexpected answer. Please try again.";
      return;
    }
    case 401: login_error_ = "Wrong username or password."; return;
    case 400: login_error_ = "Enter a username and a password."; return;
    case 429: {
      const int s = r.retry_after_s > 0 ? r.retry_after_s : 60;
      login_blocked_until_ = now + static_cast<std::int64_t>(s) * 1000;
      login_error_ = s >= 120 ? "Too many failed attempts. Try again in " + std::to_string((s + 59) / 60) + " minutes."
                              : "Too many failed attempts. Try again in " + std::to_string(s) + " seconds.";
      return;
    }
    case 0: login_error_ = "The server cannot be reached. Check your connection and try again."; return;
    default:
      login_error_ = "The server could not log you in (HTTP " + std::to_string(r.status) + "). Please try again.";
  }
}

void chat_client::on_employees(const http_response& r) {
  if (r.status == 401) {
    end_session(session_ended_text);
    return;
  }
  auto users = r.status == 200 ? decode_users(r.body) : decode_result<std::vector<user_profile>>(protocol_error{});
  if (!users) {
    employees_requested_ = false;  // asked again at the next welcome
    return;
  }
  employees_.clear();
  for (auto& u : users.value()) {
    std::string key = u.username;
    employees_.emplace(std::move(key), std::move(u));
  }
  employees_loaded_ = true;
}

const user_profile* chat_client::user(std::string_view username) const {
  if (username == me_.username && !me_.username.empty()) return &me_;
  const auto it = employees_.find(username);
  return it == employees_.end() ? nullptr : &it->second;
}

std::string chat_client::display_name(std::string_view username) const {
  const user_profile* u = user(username);
  if (u && !u->name.empty()) return u->name;
  if (u && !(u->firstname.empty() && u->lastname.empty())) {
    return u->lastname.empty() ? u->firstname : u->firstname + " " + u->lastname;
  }
  return std::string(username);
}

std::string chat_client::picture_url(std::string_view username) const {
  const user_profile* u = user(username);
  return u ? u->picurl : std::string();
}

// ---------------------------------------------------------------- connection

std::string chat_client::socket_path() const {
  std::string path = "/websocket/chatroom?v=1";
  if (log_.last_id() > 0) path += "&since=" + std::to_string(log_.last_id());
  return path;
}

void chat_client::open_socket(std::int64_t now) {
  since_used_ = log_.last_id();
  emit(cmd::open_socket{socket_path()});
  connection_ = connection_state::connecting;
  socket_opened_ = false;
  awaiting_connect_history_ = false;
  history_asks_.clear();
  connect_deadline_ = now + opt_.connect_timeout_ms;
}

void chat_client::schedule_reconnect(std::int64_t now, std::int64_t least_ms) {
  retry_at_ = now + std::max(least_ms, backoff_.next_delay(random01()));
  connection_ = connection_state::waiting;
}

void chat_client::socket_lost(std::int64_t now, std::int64_t least_ms) {
  socket_opened_ = false;
  awaiting_connect_history_ = false;
  loading_older_ = false;
  history_asks_.clear();
  for (auto& e : log_.outbox_mut()) {
    if (e.delivery == delivery_state::pending) e.sent_at = -1;  // resent after the next welcome
  }
  log_.touch();
  schedule_reconnect(now, least_ms);
}

void chat_client::on_socket_open(std::int64_t now) {
  if (connection_ == connection_state::connecting) socket_opened_ = true;
  finish(now);
}

void chat_client::on_socket_close(int code, std::string_view, std::int64_t now) {
  if (connection_ != connection_state::connecting && connection_ != connection_state::live) return;
  if (is_auth_close(code)) {
    end_session(session_ended_text);
    finish(now);
    return;
  }
  const bool never_opened = !socket_opened_;
  std::int64_t least = 0;
  if (code == 4029) {
    least = opt_.flood_backoff_ms;
    set_notice("Disconnected for sending too many messages. Reconnecting shortly.", now);
  }
  socket_lost(now, least);
  // The browser hides why an upgrade failed: ask whether the session still holds.
  if (never_opened && !probe_in_flight_) {
    probe_in_flight_ = true;
    http(http_kind::me, "GET", "/api/me");
  }
  finish(now);
}

void chat_client::reconnect_now(std::int64_t now) {
  if (connection_ == connection_state::waiting) open_socket(now);
  finish(now);
}

void chat_client::set_network_online(bool online, std::int64_t now) {
  network_online_ = online;
  if (online && connection_ == connection_state::waiting) open_socket(now);
  finish(now);
}

void chat_client::tick(std::int64_t now) {
  // The timer that called this is spent, even when it fired a little before its
  // time (setTimeout may, by up to 1 ms of Date.now()): finish() asks again.
  last_wake_ = -1;
  if (connection_ == connection_state::waiting && now >= retry_at_) {
    open_socket(now);
  } else if (connection_ == connection_state::connecting && now >= connect_deadline_) {
    emit(cmd::close_socket{4000, "connect timeout"});
    socket_lost(now, 0);
  } else if (connection_ == connection_state::live) {
    bool changed = false;
    for (auto& e : log_.outbox_mut()) {
      if (e.delivery == delivery_state::pending && e.sent_at >= 0 && now >= e.sent_at + opt_.ack_timeout_ms) {
        e.delivery = delivery_state::failed;
        e.error = "The server did not confirm this message.";
        e.sent_at = -1;
        changed = true;
      }
    }
    if (changed) {
      log_.touch();
      save_outbox();
    }
  }
  if (me_retry_at_ && now >= *me_retry_at_ && page_ == page_kind::starting) {
    me_retry_at_.reset();
    ask_session();
  }
  if (page_ == page_kind::logging_out && logout_request_ != 0 && now >= logout_deadline_) {
    abandoned_logout_ = logout_request_;
    logout_request_ = 0;
    logout_done(false);
  }
  finish(now);
}

int chat_client::retry_in_s(std::int64_t now) const {
  if (connection_ != connection_state::waiting) return 0;
  return static_cast<int>(std::max<std::int64_t>(0, (retry_at_ - now + 999) / 1000));
}

std::string chat_client::connection_label(std::int64_t now) const {
  switch (connection_) {
    case connection_state::offline: return "Offline";
    case connection_state::live: return "Live";
    case connection_state::connecting: return reconnecting() ? "Reconnecting…" : "Connecting…";
    case connection_state::waiting: {
      const std::string in = "Reconnecting in " + std::to_string(retry_in_s(now)) + " s";
      return network_online_ ? in : "No network. " + in;
    }
  }
  return "";
}

void chat_client::set_visible(bool visible, std::int64_t now) {
  if (visible == visible_) return;
  visible_ = visible;
  if (visible) {
    unread_ = 0;
    unread_baseline_.reset();
    if (connection_ == connection_state::waiting) open_socket(now);
  } else if (!log_.confirmed().empty()) {
    unread_baseline_ = log_.last_id();
  }
  finish(now);
}

void chat_client::set_at_bottom(bool at_bottom) {
  if (at_bottom == at_bottom_) return;
  at_bottom_ = at_bottom;
  if (at_bottom) {
    new_below_ = 0;
  } else {
    below_baseline_ = log_.last_id();
  }
}

// ---------------------------------------------------------------- frames

void chat_client::on_socket_message(std::string_view text, std::int64_t now) {
  if (connection_ != connection_state::connecting && connection_ != connection_state::live) return;
  auto frame = decode_server(text);
  if (!frame) return;  // nothing a client can act on
  std::visit(
      [&](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, welcome_event>) on_welcome(f, now);
        if constexpr (std::is_same_v<T, history_event>) on_history(f, now);
        if constexpr (std::is_same_v<T, chat_message>) take_message(f, now);
        if constexpr (std::is_same_v<T, presence_event>) {
          online_ = f.online;
          std::sort(online_.begin(), online_.end());
          learn_user(f.username, now);
        }
        if constexpr (std::is_same_v<T, error_event>) on_error(f, now);
      },
      frame.value());
  finish(now);
}

void chat_client::on_welcome(const welcome_event& f, std::int64_t now) {
  connection_ = connection_state::live;
  ever_live_ = true;
  backoff_.reset();
  if (!f.user.username.empty()) me_ = f.user;
  online_ = f.online;
  std::sort(online_.begin(), online_.end());
  awaiting_connect_history_ = true;
  if (!visible_ && !unread_baseline_) unread_baseline_ = f.last_id;
  if (!employees_loaded_ && !employees_requested_) {
    employees_requested_ = true;
    http(http_kind::employees, "GET", "/api/employees");
  }
  // Everything not yet confirmed goes (again) with its client_id: the server
  // answers a duplicate with the original message instead of storing it twice.
  for (auto& e : log_.outbox_mut()) {
    if (e.delivery == delivery_state::pending) send_entry(e, now);
  }
}

void chat_client::send_entry(log_entry& e, std::int64_t now) {
  emit(cmd::send{encode(send_request{e.text, e.client_id, false})});
  e.sent_at = now;
  e.delivery = delivery_state::pending;
  e.error.clear();
  log_.touch();
}

void chat_client::on_history(const history_event& f, std::int64_t now) {
  enum class history_purpose { connect, gap, older, unknown } purpose = history_purpose::unknown;
  if (f.before) {
    const auto it = std::find_if(history_asks_.begin(), history_asks_.end(),
                                 [&](const history_ask& a) { return a.before == *f.before; });
    if (it != history_asks_.end()) {
      purpose = it->gap ? history_purpose::gap : history_purpose::older;
      history_asks_.erase(it);
    }
  } else if (awaiting_connect_history_) {
    purpose = history_purpose::connect;
  } else if (!history_asks_.empty()) {  // a server that does not echo `before`
    purpose = history_asks_.front().gap ? history_purpose::gap : history_purpose::older;
    history_asks_.pop_front();
  }

  take_page(f.messages, now);
  std::int64_t min_id = 0;
  for (const auto& m : f.messages) {
    if (m.id > 0 && (min_id == 0 || m.id < min_id)) min_id = m.id;
  }

  switch (purpose) {
    case history_purpose::connect:
      awaiting_connect_history_ = false;
      if (since_used_ == 0) {
        has_older_ = f.limited && min_id > 0;
      } else if (f.limited && min_id > 0) {
        // A resume the server capped: the newest arrived; fetch the rest back to since.
        gap_ = gap_range{gap_ ? std::min(gap_->low, since_used_) : since_used_, min_id};
      }
      request_gap_page();
      break;
    case history_purpose::gap:
      if (!gap_) break;
      if (min_id == 0 || !f.limited || min_id <= gap_->low + 1) {
        gap_.reset();
      } else {
        gap_->high = std::min(gap_->high, min_id);
        request_gap_page();
      }
      break;
    case history_purpose::older:
      loading_older_ = false;
      has_older_ = f.limited && min_id > 0;
      break;
    case history_purpose::unknown: break;
  }
}

void chat_client::request_gap_page() {
  if (!gap_ || connection_ != connection_state::live) return;
  for (const auto& a : history_asks_) {
    if (a.gap) return;
  }
  emit(cmd::send{encode(history_request{gap_->high, opt_.gap_page})});
  history_asks_.push_back(history_ask{gap_->high, true});
}

void chat_client::load_older(std::int64_t now) {
  if (connection_ != connection_state::live || !has_older_ || loading_older_ || log_.confirmed().empty()) return;
  const std::int64_t before = log_.first_id();
  emit(cmd::send{encode(history_request{before, opt_.history_page})});
  history_asks_.push_back(history_ask{before, false});
  loading_older_ = true;
  finish(now);
}

void chat_client::confirm_own(const chat_message& m) {
  if (!m.client_id.empty() && !me_.username.empty() && m.username == me_.username && log_.confirm(m.client_id)) {
    save_outbox();
  }
}

void chat_client::count_new(const chat_message& m, std::int64_t now) {
  if (!me_.username.empty() && m.username == me_.username) return;
  learn_user(m.username, now);
  if (!visible_ && unread_baseline_ && m.id > *unread_baseline_) ++unread_;
  if (!at_bottom_ && m.id > below_baseline_) ++new_below_;
}

void chat_client::take_message(const chat_message& m, std::int64_t now) {
  confirm_own(m);
  if (log_.add(m)) count_new(m, now);
}

void chat_client::take_page(const std::vector<chat_message>& page, std::int64_t now) {
  for (const auto& m : page) confirm_own(m);
  for (const chat_message* m : log_.add_many(page)) count_new(*m, now);
}

void chat_client::learn_user(const std::string& username, std::int64_t now) {
  // Someone added after the employee list was fetched: fetch it again for their name and picture.
  if (!employees_loaded_ || user(username) != nullptr || now < employees_refresh_after_) return;
  employees_refresh_after_ = now + 60'000;
  http(http_kind::employees, "GET", "/api/employees");
}

void chat_client::on_error(const error_event& f, std::int64_t now) {
  if (!f.client_id.empty() && log_.find_local(f.client_id) != nullptr) {
    log_.fail(f.client_id, refusal_text(f));
    save_outbox();
    return;
  }
  set_notice(f.message.empty() ? "The server refused a request (" + f.code + ")." : f.message, now);
}

// ---------------------------------------------------------------- sending

send_verdict chat_client::send_message(std::string_view text, std::int64_t now) {
  if (page_ != page_kind::chat) return send_verdict::not_connected_page;
  const body_check check = check_message_body(text);
  switch (check.status) {
    case body_status::empty: return send_verdict::empty;
    case body_status::too_long: return send_verdict::too_long;
    case body_status::invalid_utf8: return send_verdict::invalid_utf8;
    case body_status::ok: break;
  }
  const std::string client_id = "c-" + client_id_prefix_ + "-" + std::to_string(++client_seq_);
  log_.add_local(std::string(check.text), client_id, me_.username, now);
  save_outbox();
  if (connection_ == connection_state::live) send_entry(*log_.find_local(client_id), now);
  finish(now);
  return send_verdict::sent;
}

void chat_client::retry(std::string_view client_id, std::int64_t now) {
  log_entry* e = log_.find_local(client_id);
  if (e == nullptr) return;
  e->delivery = delivery_state::pending;
  e->error.clear();
  e->sent_at = -1;
  if (connection_ == connection_state::live) send_entry(*e, now);
  log_.touch();
  save_outbox();
  finish(now);
}

void chat_client::discard(std::string_view client_id) {
  if (log_.remove_local(client_id)) save_outbox();
}

// ---------------------------------------------------------------- the saved outbox

void chat_client::restore_outbox(std::int64_t now) {
  stored_ids_.clear();
  if (store_ == nullptr || me_.username.empty()) return;
  const auto saved = store_->get(outbox_key(me_.username));
  if (!saved) return;
  const auto j = nlohmann::json::parse(*saved, nullptr, false);
  const nlohmann::json* messages = saved_messages(j);
  if (messages == nullptr) return;
  for (const auto& m : *messages) {
    if (!m.is_object()) continue;
    const std::string client_id = str_field(m, "client_id");
    if (!is_valid_client_id(client_id) || log_.find_local(client_id) != nullptr) continue;
    const std::string text = str_field(m, "text");
    const body_check check = check_message_body(text);
    if (check.status != body_status::ok) continue;
    const auto t = m.find("time");
    const std::int64_t time = t != m.end() && t->is_number_integer() ? t->get<std::int64_t>() : now;
    log_.add_local(std::string(check.text), client_id, me_.username, time);
    stored_ids_.insert(client_id);
    if (str_field(m, "state") == "failed") {
      const std::string error = str_field(m, "error");
      log_.fail(client_id, error.empty() ? "This message was not sent." : error);
    }
    // A pending one waits (sent_at -1) and goes with the next welcome, with its client_id.
  }
}

void chat_client::save_outbox() {
  if (store_ == nullptr || me_.username.empty()) return;
  const std::string key = outbox_key(me_.username);
  nlohmann::json messages = nlohmann::json::array();
  // What another tab of this user saved stays; what this page saved is replaced by what it holds now.
  if (const auto saved = store_->get(key)) {
    const auto j = nlohmann::json::parse(*saved, nullptr, false);
    if (const nlohmann::json* theirs = saved_messages(j)) {
      for (const auto& m : *theirs) {
        if (m.is_object() && stored_ids_.count(str_field(m, "client_id")) == 0) messages.push_back(m);
      }
    }
  }
  for (const log_entry& e : log_.outbox()) {
    stored_ids_.insert(e.client_id);
    messages.push_back({{"client_id", e.client_id},
                        {"text", e.text},
                        {"time", e.time},
                        {"state", e.delivery == delivery_state::failed ? "failed" : "pending"},
                        {"error", e.error}});
  }
  if (messages.empty()) {
    store_->remove(key);
  } else {
    const nlohmann::json j = {{"v", 1}, {"messages", std::move(messages)}};
    store_->set(key, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace chat::web
