// The server's command line: every flag, its default (from chat/limits.hpp),
// the user-administration commands, backup and restore, --help and --version.
// No Beast here.
#pragma once

#include <chat/limits.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chat::server {

/** GET /metrics without --metrics-allow: loopback only. */
inline std::vector<std::string> default_metrics_allow() { return {"127.0.0.0/8", "::1/128"}; }

/** What the program was asked to do. */
enum class command {
  serve,
  help,
  version,
  user_add,
  user_passwd,
  user_list,
  user_disable,
  user_enable,
  user_grant_admin,
  user_revoke_admin,
  backup,
  restore,
};

/** Everything the command line can set. */
struct config {
  command cmd = command::serve;

  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string db_path = "chatroom.db";
  std::string web_root;          ///< default: the built web client (see default_web_root())
  bool web_root_given = false;   ///< true when --web-root was on the command line
  unsigned threads = 0;          ///< 0: one I/O thread per core
  bool guest_mode = false;
  std::vector<std::string> allow_origins;
  /** Who may read GET /metrics: address ranges (CIDR, see http/address_list.hpp). */
  std::vector<std::string> metrics_allow = default_metrics_allow();
  /** Peers whose X-Forwarded-For and X-Forwarded-Proto are believed (CIDR; see http/client_address.hpp). */
  std::vector<std::string> trusted_proxies;
  /** --public-url: the address users open; its host is accepted in Host, its origin in Origin. */
  std::string public_url;
  /** --allow-host: more host names accepted in Host (lower-case, without port). */
  std::vector<std::string> allow_hosts;
  /** --demo-users: seed the sample users into a new database even when listening beyond loopback. */
  bool demo_users = false;
  std::string tls_cert;
  std::string tls_key;

  double rate_per_second = 0;    ///< messages per second per user; 0 turns the limit off
  double rate_burst = 0;
  int rate_strikes = 0;
  double history_per_second = 0;  ///< history reads per second per connection (twice per user); 0: off
  double history_burst = 0;
  std::size_t max_queue_bytes = 0;
  std::size_t max_queue_frames = 0;
  int idle_timeout_s = 0;
  int frame_timeout_s = 0;                   ///< a client frame must arrive whole within this
  std::size_t max_partial_bytes = 0;         ///< held for unfinished client frames, in all
  std::size_t max_partial_bytes_per_address = 0;  ///< ... and per client address (IPv6: /64)
  std::size_t max_connections_per_user = 0;       ///< open WebSockets of one user; 0: no cap
  std::size_t max_connections_per_address = 0;    ///< ... from one client address (IPv6: /64); 0: no cap
  double connect_rate = 0;                        ///< upgrade attempts per second per address; 0: off
  double connect_burst = 0;
  bool fsync_full = false;       ///< --fsync full: every commit waits for fsync (power-loss safe)
  int commit_interval_ms = 0;    ///< under load, one commit (one broadcast) per interval; 0: no pacing
  int retention_days = 0;               ///< remove messages older than this many days; 0: keep them
  std::int64_t retention_messages = 0;  ///< keep only this many of the newest messages; 0: all
  std::int64_t user_quota_bytes = 0;    ///< bytes of stored message bodies per sender; 0: no quota
  int retention_check_ms = 60000;       ///< how often retention looks for messages to remove; no flag, tests shorten it
  bool log_json = false;         ///< --log-format json: one JSON object per log line
  /** Longest opening handshake of a WebSocket (see ws/handshake.hpp); no flag, tests shorten it. */
  int ws_handshake_timeout_s = limits::ws_handshake_timeout_s;
  /** The login throttle's first lock (doubling up to limits::login_lock_max_s)
   *  and its table size; no flags, tests shorten them. */
  int login_lock_first_ms = limits::login_lock_first_s * 1000;
  std::size_t login_throttle_keys = limits::max_throttle_keys;
  /** How often the open sockets' sessions are checked again (see
   *  auth/session_check.hpp); no flag, tests shorten it. */
  int session_check_interval_ms = limits::session_check_interval_s * 1000;

  // `user add|passwd|disable|enable|grant-admin|revoke-admin NAME` arguments.
  std::string user_name;
  std::string first_name;
  std::string last_name;
  std::string job_title;

  // `backup DEST [--force]` and `restore SRC`.
  std::string copy_path;         ///< DEST of backup, SRC of restore
  bool force = false;            ///< backup may replace an existing DEST

  bool tls() const { return !tls_cert.empty(); }
  /** True if --host is a loopback address (127.0.0.0/8, ::1) or localhost. */
  bool listens_on_loopback() const;
};

/** The parsed command line, or the one-line reason it is unusable. */
struct parse_result {
  std::optional<config> cfg;
  std::string error;
};

/** Parses argv (argv[0] is the program name). Never throws, never exits. */
parse_result parse_command_line(int argc, const char* const* argv);

/** A config with every default, as if parsed from no arguments. */
config default_config();

/** The web root used when --web-root is not given (the wasm tree's web/dist). */
std::string default_web_root();

std::string help_text();
std::string version_text();

}  // namespace chat::server
