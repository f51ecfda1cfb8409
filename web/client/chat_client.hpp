// chat_client: the web client's rules behind one facade, in plain C++ (no
// ImGui, no Emscripten). Inputs are events with the current time; outputs are
// commands (client_commands.hpp) the shell carries out. Time zone and
// randomness are injected, so tests are deterministic. The rules live in the
// parts it owns, one role each: session_flow (page load, login, logout),
// socket_link (the socket, backoff, since=), history_sync (older pages, resume
// gaps), outbox (messages typed here, saved per user), attention (unread
// counts, title, notice) and user_directory (names and pictures); this class
// routes each event to them and keeps them in step.
#pragma once

#include "client/attention.hpp"
#include "client/client_commands.hpp"
#include "client/client_context.hpp"
#include "client/history_sync.hpp"
#include "client/local_store.hpp"
#include "client/message_log.hpp"
#include "client/outbox.hpp"
#include "client/session_flow.hpp"
#include "client/socket_link.hpp"
#include "client/user_directory.hpp"

#include <chat/model.hpp>
#include <chat/protocol.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web {

/** The verdict on a message the user asked to send. */
enum class send_verdict { sent, empty, too_long, invalid_utf8, not_connected_page };

/** The web client: its parts behind one set of events and commands. */
class chat_client {
 public:
  chat_client(random_source random, message_log::utc_offset_fn utc_offset, client_options options = {});

  /** Where the outbox and an unconfirmed logout are kept across page loads
   *  (null: nowhere, they live as long as the client). Set before start(). */
  void set_store(local_store* store);

  /** The store keys the client uses. */
  static std::string outbox_key(std::string_view username) { return outbox::key(username); }
  static constexpr const char* logout_key = session_flow::logout_key;

  // ------------------------------------------------------------------ events
  /** Page load: asks the server whether the session cookie is still good
   *  (after ending first the session of a logout the server never confirmed). */
  void start(std::int64_t now);
  void submit_login(std::string_view username, std::string_view password, std::int64_t now);
  /** Closes the socket, forgets the conversation (and the saved outbox) and
   *  posts /api/logout; the page says "logging out" until the server answers
   *  or logout_timeout_ms passes, then shows the login page (with a note when
   *  the server could not be told: the next page load tells it). */
  void logout(std::int64_t now);
  void on_http(const http_response& response, std::int64_t now);
  void on_socket_open(std::int64_t now);
  /** One WebSocket text message: a server event. */
  void on_socket_message(std::string_view text, std::int64_t now);
  void on_socket_close(int code, std::string_view reason, std::int64_t now);
  void tick(std::int64_t now);
  void set_visible(bool visible, std::int64_t now);
  void set_network_online(bool online, std::int64_t now);
  /** The list reports whether the user is looking at its newest message. */
  void set_at_bottom(bool at_bottom);
  send_verdict send_message(std::string_view text, std::int64_t now);
  void retry(std::string_view client_id, std::int64_t now);
  void discard(std::string_view client_id);
  /** The user scrolled to the top: fetch the page before the oldest message. */
  void load_older(std::int64_t now);
  void reconnect_now(std::int64_t now);

  /** The commands produced since the last call, in order. */
  std::vector<command> take_commands() { return ctx_.take_commands(); }

  // ------------------------------------------------------------------ state
  page_kind page() const { return session_.page(); }
  const std::string& login_error() const { return session_.login_error(); }
  bool login_busy() const { return session_.login_busy(); }
  /** The HTTP status of the last login answer (0: unreachable, -1: none yet). */
  int last_login_status() const { return session_.last_login_status(); }
  /** Seconds until the login throttle lifts (0 when not throttled). */
  int login_blocked_s(std::int64_t now) const { return session_.login_blocked_s(now); }
  /** While starting: the server was unreachable and /api/me is retried then. */
  std::optional<std::int64_t> starting_retry_at() const { return session_.starting_retry_at(); }

  const user_profile& me() const { return session_.me(); }
  /** The employee with this username, if /api/employees listed them. */
  const user_profile* user(std::string_view username) const;
  /** "Firstname Lastname" when known, else the username. */
  std::string display_name(std::string_view username) const;
  /** The picture URL for a username ("" when none is known). */
  std::string picture_url(std::string_view username) const;
  bool employees_loaded() const { return directory_.loaded(); }

  connection_state connection() const { return link_.state(); }
  /** The connection was lost (or never made) and is being made again. */
  bool reconnecting() const { return link_.reconnecting(); }
  /** Whole seconds until the next attempt while waiting, else 0. */
  int retry_in_s(std::int64_t now) const { return link_.retry_in_s(now); }
  /** "Live", "Connecting…", "Reconnecting in 3 s", "Reconnecting…", "Offline". */
  std::string connection_label(std::int64_t now) const { return link_.label(now); }
  bool network_online() const { return link_.network_online(); }

  const std::vector<std::string>& online() const { return online_; }

  const message_log& log() const { return log_; }
  bool has_older() const { return history_.has_older(); }
  /** History starts after this id (the server removed older messages), 0 if it starts at the first. */
  std::int64_t history_horizon() const { return history_.horizon(); }
  bool loading_older() const { return history_.loading_older(); }
  bool filling_gap() const { return history_.filling_gap(); }

  /** Messages from others that arrived while the page was hidden. */
  int unread() const { return attention_.unread(); }
  /** Messages from others that arrived while the user was scrolled up. */
  int new_below() const { return attention_.new_below(); }
  bool at_bottom() const { return attention_.at_bottom(); }
  bool visible() const { return attention_.visible(); }
  std::string title() const { return attention_.title(page() == page_kind::chat); }

  /** A transient notice (an error the server sent, a refused request), or "". */
  const std::string& notice() const { return attention_.notice(); }

  /** The WebSocket path the next connection uses (with since=). */
  std::string socket_path() const { return socket_link::path(log_.last_id()); }

 private:
  // Every public event ends here: the next wake-up and the title, told to the shell when they change.
  void finish(std::int64_t now);

  void enter_chat(const user_profile& me, std::int64_t now);
  void end_session(std::string why);
  void open_socket(std::int64_t now);
  void socket_lost(std::int64_t now, std::int64_t least_ms);

  void on_me(const http_response& r, std::int64_t now);
  void on_employees(const http_response& r);
  void on_welcome(const welcome_event& f, std::int64_t now);
  void on_presence(const presence_event& f, std::int64_t now);
  void on_error(const error_event& f, std::int64_t now);
  void take_message(const chat_message& m, std::int64_t now);
  void take_page(const std::vector<chat_message>& page, std::int64_t now);
  void count_new(const chat_message& m, std::int64_t now);

  client_context ctx_;
  message_log log_;
  session_flow session_;
  user_directory directory_;
  socket_link link_;
  history_sync history_;
  outbox outbox_;
  attention attention_;
  std::vector<std::string> online_;
  std::int64_t last_wake_ = -1;
};

}  // namespace chat::web
