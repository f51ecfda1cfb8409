// chat_client: every piece of client state and every rule of the web client,
// in plain C++ (no ImGui, no Emscripten). Inputs are events with the current
// time; outputs are commands (client_commands.hpp) the shell carries out.
// Time zone and randomness are injected, so tests are deterministic.
#pragma once

#include "client/client_commands.hpp"
#include "client/local_store.hpp"
#include "client/message_log.hpp"
#include "client/reconnect_backoff.hpp"

#include <chat/model.hpp>
#include <chat/protocol.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web {

/** Which page is up: checking the session, the login form, the chat room, or
 *  waiting for the server to confirm a logout. */
enum class page_kind { starting, login, chat, logging_out };

/** The WebSocket as people see it. `waiting` = closed, the next attempt is scheduled. */
enum class connection_state { offline, connecting, live, waiting };

/** The verdict on a message the user asked to send. */
enum class send_verdict { sent, empty, too_long, invalid_utf8, not_connected_page };

/** The rules' numbers, in one place. */
struct client_options {
  std::int64_t backoff_base_ms = 1000;
  std::int64_t backoff_max_ms = 30000;
  std::int64_t flood_backoff_ms = 15000;    ///< least wait after close 4029
  std::int64_t connect_timeout_ms = 10000;  ///< open + welcome must arrive within this
  std::int64_t ack_timeout_ms = 15000;      ///< a sent message must be echoed within this
  std::int64_t notice_ms = 6000;            ///< how long a notice stays up
  std::int64_t logout_timeout_ms = 5000;    ///< the logging-out page waits this long for the server
  std::int64_t history_page = 50;
  std::int64_t gap_page = 200;
  std::string title = "Chat Room";
};

class chat_client {
 public:
  using random_source = std::function<std::uint64_t()>;

  chat_client(random_source random, message_log::utc_offset_fn utc_offset, client_options options = {});

  /** Where the outbox and an unconfirmed logout are kept across page loads
   *  (null: nowhere, they live as long as the client). Set before start(). */
  void set_store(local_store* store) { store_ = store; }

  /** The store keys the client uses. */
  static std::string outbox_key(std::string_view username) { return "outbox." + std::string(username); }
  static constexpr const char* logout_key = "logout_pending";

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
  std::vector<command> take_commands();

  // ------------------------------------------------------------------ state
  page_kind page() const { return page_; }
  const std::string& login_error() const { return login_error_; }
  bool login_busy() const { return login_request_ != 0; }
  /** The HTTP status of the last login answer (0: unreachable, -1: none yet). */
  int last_login_status() const { return last_login_status_; }
  /** Seconds until the login throttle lifts (0 when not throttled). */
  int login_blocked_s(std::int64_t now) const;
  /** While starting: the server was unreachable and /api/me is retried then. */
  std::optional<std::int64_t> starting_retry_at() const { return me_retry_at_; }

  const user_profile& me() const { return me_; }
  /** The employee with this username, if /api/employees listed them. */
  const user_profile* user(std::string_view username) const;
  /** "Firstname Lastname" when known, else the username. */
  std::string display_name(std::string_view username) const;
  /** The picture URL for a username ("" when none is known). */
  std::string picture_url(std::string_view username) const;
  bool employees_loaded() const { return employees_loaded_; }

  connection_state connection() const { return connection_; }
  /** The connection was lost (or never made) and is being made again. */
  bool reconnecting() const {
    return connection_ == connection_state::waiting ||
           (connection_ == connection_state::connecting && (ever_live_ || backoff_.attempts() > 0));
  }
  /** Whole seconds until the next attempt while waiting, else 0. */
  int retry_in_s(std::int64_t now) const;
  /** "Live", "Connecting…", "Reconnecting in 3 s", "Reconnecting…", "Offline". */
  std::string connection_label(std::int64_t now) const;
  bool network_online() const { return network_online_; }

  const std::vector<std::string>& online() const { return online_; }

  const message_log& log() const { return log_; }
  bool has_older() const { return has_older_; }
  bool loading_older() const { return loading_older_; }
  bool filling_gap() const { return gap_.has_value(); }

  /** Messages from others that arrived while the page was hidden. */
  int unread() const { return unread_; }
  /** Messages from others that arrived while the user was scrolled up. */
  int new_below() const { return new_below_; }
  bool at_bottom() const { return at_bottom_; }
  bool visible() const { return visible_; }
  std::string title() const;

  /** A transient notice (an error the server sent, a refused frame), or "". */
  const std::string& notice() const { return notice_; }

  /** The WebSocket path the next connection uses (with since=). */
  std::string socket_path() const;

 private:
  struct history_ask {
    std::int64_t before = 0;
    bool gap = false;  // filling a resume gap rather than paging back
  };
  struct gap_range {
    std::int64_t low = 0;   // we have everything up to here
    std::int64_t high = 0;  // and everything from here on
  };
  struct in_flight_request {
    http_kind kind = http_kind::me;
    std::uint64_t epoch = 0;
  };

  double random01();
  std::uint64_t http(http_kind kind, std::string method, std::string path, std::string body = {},
                     bool keepalive = false);
  void emit(command c) { commands_.push_back(std::move(c)); }
  void finish(std::int64_t now);

  void enter_chat(const user_profile& me, std::int64_t now);
  void end_session(std::string why);
  void open_socket(std::int64_t now);
  void schedule_reconnect(std::int64_t now, std::int64_t least_ms);
  void socket_lost(std::int64_t now, std::int64_t least_ms);
  void send_entry(log_entry& e, std::int64_t now);
  void set_notice(std::string text, std::int64_t now);

  void ask_session();
  void on_me(const http_response& r, std::int64_t now);
  void on_logout(const http_response& r, std::uint64_t id, std::int64_t now);
  void logout_done(bool told);
  void on_login(const http_response& r, std::int64_t now);
  void on_employees(const http_response& r);

  void on_welcome(const welcome_event& f, std::int64_t now);
  void on_history(const history_event& f, std::int64_t now);
  void on_error(const error_event& f, std::int64_t now);
  void take_message(const chat_message& m, std::int64_t now);
  void take_page(const std::vector<chat_message>& page, std::int64_t now);
  void confirm_own(const chat_message& m);
  void count_new(const chat_message& m, std::int64_t now);
  void learn_user(const std::string& username, std::int64_t now);
  void request_gap_page();

  // The outbox in the store, per user: restored when the chat room opens,
  // rewritten whenever an unconfirmed message is added, confirmed, failed,
  // retried or discarded.
  void restore_outbox(std::int64_t now);
  void save_outbox();

  random_source random_;
  client_options opt_;
  message_log log_;
  reconnect_backoff backoff_;
  reconnect_backoff me_backoff_;
  std::vector<command> commands_;

  page_kind page_ = page_kind::starting;
  std::string login_error_;
  std::uint64_t login_request_ = 0;
  int last_login_status_ = -1;
  std::int64_t login_blocked_until_ = 0;
  std::optional<std::int64_t> me_retry_at_;

  user_profile me_;
  std::map<std::string, user_profile, std::less<>> employees_;
  bool employees_loaded_ = false;
  bool employees_requested_ = false;
  std::int64_t employees_refresh_after_ = 0;  // someone unknown appeared: ask again, at most this often

  std::uint64_t next_http_id_ = 1;
  std::uint64_t epoch_ = 1;  // grows at every login/logout; stale responses are dropped
  std::map<std::uint64_t, in_flight_request> in_flight_;
  bool probe_in_flight_ = false;

  connection_state connection_ = connection_state::offline;
  bool socket_opened_ = false;   // the current attempt reached onopen
  bool ever_live_ = false;
  bool network_online_ = true;
  std::int64_t retry_at_ = 0;
  std::int64_t connect_deadline_ = 0;
  std::int64_t since_used_ = 0;  // since= of the current connection (0: none)
  bool awaiting_connect_history_ = false;

  std::vector<std::string> online_;
  bool has_older_ = false;
  bool loading_older_ = false;
  std::optional<gap_range> gap_;
  std::deque<history_ask> history_asks_;

  bool visible_ = true;
  std::optional<std::int64_t> unread_baseline_;
  int unread_ = 0;
  bool at_bottom_ = true;
  std::int64_t below_baseline_ = 0;
  int new_below_ = 0;

  std::string notice_;
  std::int64_t notice_until_ = 0;

  std::string client_id_prefix_;
  std::uint64_t client_seq_ = 0;

  local_store* store_ = nullptr;
  std::set<std::string, std::less<>> stored_ids_;  // client_ids this page put in (or took from) the store
  std::uint64_t logout_request_ = 0;    // the POST /api/logout being waited for
  std::uint64_t abandoned_logout_ = 0;  // the one the logging-out page stopped waiting for
  std::int64_t logout_deadline_ = 0;

  std::string last_title_;
  std::int64_t last_wake_ = -1;
};

}  // namespace chat::web
