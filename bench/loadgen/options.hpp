// The load generator's command line: what to run, against what, how much.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loadgen {

/** Which server protocol the generator speaks. */
enum class target_kind {
  chat,   ///< our server: login through the API, v=1 frames, JSON sends
  plain,  ///< a reference peer: every text frame is broadcast verbatim
};

/** What the run does once connected. */
enum class run_mode {
  fanout,  ///< senders send, every client records arrivals
  idle,    ///< connect and hold: connections and server RSS per connection
  login,   ///< POST /api/login repeatedly: logins per second and latency
};

/** Every knob of one run. Defaults are a small fan-out. */
struct options {
  target_kind target = target_kind::chat;
  run_mode mode = run_mode::fanout;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path;  ///< WebSocket target; empty: "/websocket/chatroom?v=1" (chat) or "/" (plain)

  int clients = 10;           ///< WebSocket connections
  int senders = 1;            ///< the first `senders` clients send
  int messages = 10;          ///< messages per sender
  double rate = 0;            ///< messages per second per sender; 0: as fast as the window allows
  int window = 16;            ///< messages a sender may have sent and not yet seen echoed
  std::size_t payload = 64;   ///< message body bytes (at least the stamp's length)
  double steady_after_s = 2;  ///< the steady latency counts messages sent this long after the start

  bool guests = false;        ///< chat: no logins; client i joins as guest `g<i>` (the server runs --guest-mode)
  int sources = 1;            ///< client addresses: 127.0.0.1, or spread over 127.1.x.y (the server's caps count per address)
  std::vector<std::string> users{"user1", "user2", "user3"};  ///< chat: logins, shared round-robin
  std::string password;       ///< chat: empty means each user's password is its username
  int logins = 0;             ///< login mode: how many logins
  int login_concurrency = 4;  ///< login mode: logins in flight at once

  int server_pid = 0;             ///< read CPU and RSS of this process from /proc (0: do not)
  int connect_concurrency = 256;  ///< handshakes in flight at once
  double hold_s = 1;              ///< idle mode: time to hold the connections before sampling RSS
  double drain_s = 5;             ///< after the last send: time to wait for missing deliveries
  double timeout_s = 120;         ///< the whole run, whatever happens
  bool strict = false;            ///< exit 1 unless every delivery arrived once, in order
  bool json = false;              ///< print the result as one JSON line instead of text
  std::string label;              ///< a name carried into the report
};

/** The parsed options, or why the command line was refused. */
struct parse_result {
  std::optional<options> opts;
  std::string error;  ///< empty on success; "help" when --help was asked
};

/** Parses argv (argv[0] is skipped), checks bounds and loopback-only. */
parse_result parse_options(int argc, const char* const* argv);

/** The --help text. */
std::string usage();

/** The WebSocket target for `o` (its path, or the default for its target kind). */
std::string websocket_path(const options& o);

}  // namespace loadgen
