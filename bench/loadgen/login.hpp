// Logins through the chat server's HTTP API (POST /api/login), one keep-alive
// connection per worker, for tokens and for the logins-per-second workload.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace loadgen {

/** Credentials for one login. */
struct credentials {
  std::string username, password;
};

/** The answer to one login. */
struct login_outcome {
  std::string username;
  bool ok = false;
  int status = 0;            ///< HTTP status, 0 if no response
  std::string token;         ///< the bearer token on success
  std::string error;         ///< why it failed
  std::int64_t latency_ns = 0;
};

/** Logs in as each of `logins` in turn over one connection (reconnecting when the
 *  server closes it), reports every outcome, then calls `finished`. */
class login_worker {
 public:
  virtual ~login_worker() = default;
  virtual void start() = 0;

  static std::shared_ptr<login_worker> make(boost::asio::io_context& io, std::string host, std::uint16_t port,
                                            std::vector<credentials> logins,
                                            std::function<void(const login_outcome&)> on_outcome,
                                            std::function<void()> finished);
};

}  // namespace loadgen
