// The soak's server: a real chatroom-server started on a temporary database and
// a free port of 127.0.0.1, and the small synchronous HTTP calls made to it
// (logins for tokens, GET /metrics) outside the soak's event loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace soak {

/** One child chatroom-server in its own temporary directory (removed by the destructor). */
class server_process {
 public:
  server_process() = default;
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;
  ~server_process();

  /** Starts `bin` with `args` (after --host/--port/--db/--web-root) and waits up to `deadline_s` for its
   *  "listening on" line. Returns why it failed, or empty. */
  std::string start(const std::string& bin, const std::vector<std::string>& args, double deadline_s);

  /** SIGTERM, then waits up to `deadline_s` (SIGKILL after). Returns its exit status, or -1 when it had
   *  to be killed or was already gone. */
  int stop(double deadline_s);

  /** Whether it still runs (reaps it, keeping its status, when it has exited). */
  bool running();
  int pid() const noexcept { return pid_; }
  unsigned short port() const noexcept { return port_; }
  /** The last `lines` lines the server wrote to stderr (for a failure report). */
  std::string log_tail(int lines) const;

 private:
  int pid_ = 0;
  unsigned short port_ = 0;
  std::string dir_;
};

/** An HTTP answer: status 0 when there was none (refused, timed out). */
struct http_answer {
  int status = 0;
  std::string body;
  std::string error;
};

/** One request on its own connection to 127.0.0.1:`port`, bounded by `timeout_s`. */
http_answer http_call(unsigned short port, const std::string& method, const std::string& target,
                      const std::string& json_body, double timeout_s);

/** POST /api/login as `user` (password = username): the bearer token, or nothing. */
std::optional<std::string> login_token(unsigned short port, const std::string& user, std::string& error);

}  // namespace soak
