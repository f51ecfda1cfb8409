// The facade over the client's parts (see chat_client.hpp): each event goes to
// the parts it concerns, in an order that keeps them in step. Every public
// event ends in finish(), which schedules the next wake-up and keeps the tab
// title current.
#include "client/chat_client.hpp"

#include <chat/codes.hpp>
#include <chat/validation.hpp>

#include <algorithm>

namespace chat::web {
namespace {

constexpr const char* session_ended_text = "Your session has ended. Please log in again.";

}  // namespace

chat_client::chat_client(random_source random, message_log::utc_offset_fn utc_offset, client_options options)
    : ctx_(std::move(random), std::move(options)),
      log_(std::move(utc_offset)),
      session_(ctx_),
      directory_(ctx_),
      link_(ctx_),
      history_(ctx_),
      outbox_(ctx_, log_),
      attention_(ctx_) {}

void chat_client::set_store(local_store* store) {
  session_.set_store(store);
  outbox_.set_store(store);
}

void chat_client::finish(std::int64_t now) {
  attention_.expire_notice(now);

  std::optional<std::int64_t> wake;
  const auto consider = [&](std::optional<std::int64_t> t) {
    if (t && (!wake || *t < *wake)) wake = t;
  };
  consider(link_.next_wake());
  if (link_.live()) consider(outbox_.next_wake());
  consider(session_.next_wake());
  consider(attention_.next_wake());
  if (wake && *wake != last_wake_) {
    last_wake_ = *wake;
    ctx_.emit(cmd::wake_at{*wake});
  }
  if (auto t = attention_.title_change(page() == page_kind::chat)) ctx_.emit(cmd::set_title{std::move(*t)});
}

// ---------------------------------------------------------------- session

void chat_client::start(std::int64_t now) {
  session_.start();
  finish(now);
}

void chat_client::submit_login(std::string_view username, std::string_view password, std::int64_t now) {
  session_.submit_login(username, password, now);
  finish(now);
}

void chat_client::logout(std::int64_t now) {
  if (page() != page_kind::chat) return;
  // Noted first: whatever happens to this page from here on, the next load ends the session.
  session_.note_logout();
  outbox_.forget_saved();
  end_session("");
  session_.begin_logout(now);
  finish(now);
}

void chat_client::enter_chat(const user_profile& me, std::int64_t now) {
  session_.entered(me);
  directory_.request();
  outbox_.restore(me.username, now);
  open_socket(now);
}

void chat_client::end_session(std::string why) {
  link_.close_for_logout();
  ctx_.new_epoch();
  session_.ended(std::move(why));
  directory_.clear();
  link_.reset();
  log_.clear();
  online_.clear();
  history_.reset();
  attention_.reset();
  outbox_.reset();
}

void chat_client::on_http(const http_response& r, std::int64_t now) {
  const auto request = ctx_.settle(r.id);
  if (!request) return;
  if (request->kind == http_kind::login) {
    if (auto user = session_.on_login(r, now)) {
      ctx_.new_epoch();
      enter_chat(*user, now);
    }
  } else if (request->kind == http_kind::logout) {
    session_.on_logout(r, r.id, now);
  } else if (request->current) {
    if (request->kind == http_kind::me) on_me(r, now);
    if (request->kind == http_kind::employees) on_employees(r);
  }
  finish(now);
}

void chat_client::on_me(const http_response& r, std::int64_t now) {
  if (page() == page_kind::chat) {  // a probe after a failed connection attempt
    link_.probe_answered();
    if (r.status == 401) end_session(session_ended_text);
    return;
  }
  if (auto user = session_.on_me(r, now)) enter_chat(*user, now);
}

void chat_client::on_employees(const http_response& r) {
  if (r.status == 401) {
    end_session(session_ended_text);
    return;
  }
  directory_.on_response(r);
}

const user_profile* chat_client::user(std::string_view username) const {
  if (username == me().username && !me().username.empty()) return &me();
  return directory_.find(username);
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

void chat_client::open_socket(std::int64_t now) {
  link_.open(log_.last_id(), now);
  history_.on_connect_attempt();
}

void chat_client::socket_lost(std::int64_t now, std::int64_t least_ms) {
  history_.on_lost();
  outbox_.on_lost();
  link_.lost(now, least_ms);
}

void chat_client::on_socket_open(std::int64_t now) {
  link_.on_open();
  finish(now);
}

void chat_client::on_socket_close(int code, std::string_view, std::int64_t now) {
  if (!link_.active()) return;
  if (socket_link::is_auth_close(code)) {
    end_session(session_ended_text);
    finish(now);
    return;
  }
  const bool never_opened = !link_.opened();
  std::int64_t least = 0;
  if (code == close_code::rate_limited) {
    least = ctx_.options().flood_backoff_ms;
    attention_.set_notice("Disconnected for sending too many messages. Reconnecting shortly.", now);
  }
  socket_lost(now, least);
  // The browser hides why an upgrade failed: ask whether the session still holds.
  if (never_opened && link_.start_probe()) ctx_.http(http_kind::me, "GET", "/api/me");
  finish(now);
}

void chat_client::reconnect_now(std::int64_t now) {
  if (link_.waiting()) open_socket(now);
  finish(now);
}

void chat_client::set_network_online(bool online, std::int64_t now) {
  link_.set_network_online(online);
  if (online && link_.waiting()) open_socket(now);
  finish(now);
}

void chat_client::tick(std::int64_t now) {
  // The timer that called this is spent, even when it fired a little before its
  // time (setTimeout may, by up to 1 ms of Date.now()): finish() asks again.
  last_wake_ = -1;
  if (link_.retry_due(now)) {
    open_socket(now);
  } else if (link_.attempt_overdue(now)) {
    link_.abandon();
    socket_lost(now, 0);
  } else if (link_.live()) {
    outbox_.expire(now);
  }
  session_.tick(now);
  finish(now);
}

void chat_client::set_visible(bool visible, std::int64_t now) {
  if (!attention_.set_visible(visible, log_.last_id())) return;
  if (visible && link_.waiting()) open_socket(now);
  finish(now);
}

void chat_client::set_at_bottom(bool at_bottom) { attention_.set_at_bottom(at_bottom, log_.last_id()); }

// ---------------------------------------------------------------- server events

void chat_client::on_socket_message(std::string_view text, std::int64_t now) {
  if (!link_.active()) return;
  auto event = decode_server(text);
  if (!event) return;  // nothing a client can act on
  std::visit(
      [&](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, welcome_event>) on_welcome(f, now);
        if constexpr (std::is_same_v<T, history_event>) {
          // Messages the server no longer has (retention) leave the list too: history starts after them.
          if (f.horizon) log_.drop_through(*f.horizon);
          take_page(f.messages, now);
          history_.on_history(f, link_.since_used(), link_.live());
        }
        if constexpr (std::is_same_v<T, chat_message>) take_message(f, now);
        if constexpr (std::is_same_v<T, presence_event>) on_presence(f, now);
        if constexpr (std::is_same_v<T, error_event>) on_error(f, now);
      },
      event.value());
  finish(now);
}

void chat_client::on_welcome(const welcome_event& f, std::int64_t now) {
  link_.on_welcome();
  if (!f.user.username.empty()) {
    session_.set_me(f.user);
    outbox_.set_owner(f.user.username);
  }
  online_ = f.online;
  std::sort(online_.begin(), online_.end());
  if (f.last_id < log_.last_id()) {
    // The server's ids went back (restored from a backup): the ids this page
    // holds above its newest are not its messages any more, and new ones
    // will take them again. Start over from its newest page.
    log_.drop_through(log_.last_id());
    history_.on_rewound(f.last_id);
    attention_.on_rewound(f.last_id);
  } else {
    history_.on_welcome();
  }
  attention_.on_welcome(f.last_id);
  directory_.request_if_missing();
  // Everything not yet confirmed goes (again) with its client_id: the server
  // answers a duplicate with the original message instead of storing it twice.
  outbox_.resend_pending(now);
}

void chat_client::on_presence(const presence_event& f, std::int64_t now) {
  online_ = f.online;
  std::sort(online_.begin(), online_.end());
  directory_.refresh_for(user(f.username) != nullptr, now);
}

void chat_client::count_new(const chat_message& m, std::int64_t now) {
  if (!me().username.empty() && m.username == me().username) return;
  directory_.refresh_for(user(m.username) != nullptr, now);
  attention_.count(m.id);
}

void chat_client::take_message(const chat_message& m, std::int64_t now) {
  outbox_.confirm(m);
  if (log_.add(m)) count_new(m, now);
}

void chat_client::take_page(const std::vector<chat_message>& page, std::int64_t now) {
  for (const auto& m : page) outbox_.confirm(m);
  for (const chat_message* m : log_.add_many(page)) count_new(*m, now);
}

void chat_client::on_error(const error_event& f, std::int64_t now) {
  if (outbox_.on_error(f)) return;
  attention_.set_notice(f.message.empty() ? "The server refused a request (" + f.code + ")." : f.message, now);
}

// ---------------------------------------------------------------- sending

send_verdict chat_client::send_message(std::string_view text, std::int64_t now) {
  if (page() != page_kind::chat) return send_verdict::not_connected_page;
  const body_check check = check_message_body(text);
  switch (check.status) {
    case body_status::empty: return send_verdict::empty;
    case body_status::too_long: return send_verdict::too_long;
    case body_status::invalid_utf8: return send_verdict::invalid_utf8;
    case body_status::ok: break;
  }
  outbox_.add(std::string(check.text), link_.live(), now);
  finish(now);
  return send_verdict::sent;
}

void chat_client::retry(std::string_view client_id, std::int64_t now) {
  if (outbox_.retry(client_id, link_.live(), now)) finish(now);
}

void chat_client::discard(std::string_view client_id) { outbox_.discard(client_id); }

void chat_client::load_older(std::int64_t now) {
  if (history_.load_older(log_.first_id(), link_.live())) finish(now);
}

}  // namespace chat::web
