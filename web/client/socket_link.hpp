// The WebSocket as the client keeps it up: opening with since=, the welcome
// that makes it live, a lost connection retried with backoff (longer after
// close 4029), an attempt that hangs given up, and the /api/me probe when an
// attempt failed before opening (the browser hides a refused upgrade).
#pragma once

#include "client/client_context.hpp"
#include "client/reconnect_backoff.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace chat::web {

/** The WebSocket as people see it. `waiting` = closed, the next attempt is scheduled. */
enum class connection_state { offline, connecting, live, waiting };

/** One socket's life and the schedule of the next attempt. */
class socket_link {
 public:
  explicit socket_link(client_context& ctx);

  /** The socket path for a client holding messages up to `last_id` (0: none). */
  static std::string path(std::int64_t last_id);
  /** Close codes that mean the session ended (1008, 4400–4499): the login page, no retry. */
  static bool is_auth_close(int code) { return code == 1008 || (code >= 4400 && code <= 4499); }

  /** Opens a socket resuming after `last_id`; the attempt must be live within connect_timeout_ms. */
  void open(std::int64_t last_id, std::int64_t now);
  /** The browser reports the socket open (it is live only after the welcome). */
  void on_open();
  /** The welcome: live, and the next failure starts the backoff small again. */
  void on_welcome();
  /** The socket closed or the attempt was given up: schedule the next attempt, at least `least_ms` away. */
  void lost(std::int64_t now, std::int64_t least_ms);
  /** Gives up an attempt that hung past its deadline (closes it with 4000); lost() follows. */
  void abandon();
  /** Closes the socket for a logout or an ended session, if one is open or opening. */
  void close_for_logout();
  /** Back to offline with a fresh backoff (the conversation ended). */
  void reset();

  /** An attempt that failed before opening asks GET /api/me, one probe at a time; true when it should. */
  bool start_probe();
  /** The probe was answered. */
  void probe_answered() { probe_in_flight_ = false; }

  void set_network_online(bool online) { network_online_ = online; }

  /** A socket is open or opening (its events count). */
  bool active() const { return state_ == connection_state::connecting || state_ == connection_state::live; }
  bool live() const { return state_ == connection_state::live; }
  bool waiting() const { return state_ == connection_state::waiting; }
  /** The current attempt reached onopen. */
  bool opened() const { return opened_; }
  /** The next attempt is due. */
  bool retry_due(std::int64_t now) const { return waiting() && now >= retry_at_; }
  /** The current attempt is past its deadline without a welcome. */
  bool attempt_overdue(std::int64_t now) const { return state_ == connection_state::connecting && now >= deadline_; }
  /** When something is due (the next attempt, or the current one's deadline). */
  std::optional<std::int64_t> next_wake() const;

  connection_state state() const { return state_; }
  /** The connection was lost (or never made) and is being made again. */
  bool reconnecting() const {
    return state_ == connection_state::waiting ||
           (state_ == connection_state::connecting && (ever_live_ || backoff_.attempts() > 0));
  }
  int retry_in_s(std::int64_t now) const;
  std::string label(std::int64_t now) const;
  bool network_online() const { return network_online_; }
  /** since= of the current connection (0: none). */
  std::int64_t since_used() const { return since_used_; }

 private:
  client_context& ctx_;
  reconnect_backoff backoff_;
  connection_state state_ = connection_state::offline;
  bool opened_ = false;
  bool ever_live_ = false;
  bool network_online_ = true;
  bool probe_in_flight_ = false;
  std::int64_t retry_at_ = 0;
  std::int64_t deadline_ = 0;
  std::int64_t since_used_ = 0;
};

}  // namespace chat::web
