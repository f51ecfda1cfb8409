// The soak's churn: slots of guest connections, each living a random short time,
// then closing (cleanly or with a TCP reset) and replaced by a new connection.
#pragma once

#include "fleet.hpp"
#include "soak_options.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <random>
#include <vector>

namespace soak {

/** What the cyclers saw go wrong: each is an honest client's surprise. */
struct cycler_counts {
  std::uint64_t closes_clean = 0, closes_reset = 0;
  std::uint64_t refused = 0;      ///< upgrade or connect failed
  std::uint64_t dropped = 0;      ///< closed by the server before its time
  std::uint64_t v1_joins = 0;
};

class cyclers final : public owner {
 public:
  cyclers(boost::asio::io_context& io, fleet& f, const options& o, unsigned short port, std::mt19937_64& rng);

  /** Opens every slot, at most `concurrency` handshakes at a time until all are open. */
  void start(int concurrency);
  /** Stops replacing; closes every slot's connection (clean or reset, as during the run). */
  void stop();

  const cycler_counts& counts() const noexcept { return counts_; }
  int slots() const noexcept { return static_cast<int>(slots_.size()); }

  void opened(int slot, int id) override;
  void text(int, int, std::string_view) override {}
  void closed(int slot, int id, bool planned, bool was_open, int code, const std::string& why) override;

 private:
  struct slot_state {
    int id = -1;  ///< the current connection, -1 when none
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  void launch(int slot);
  void expire(int slot);
  void ramp();
  bool pick_reset() { return std::bernoulli_distribution(o_.reset_share)(rng_); }

  boost::asio::io_context& io_;
  fleet& fleet_;
  const options& o_;
  unsigned short port_;
  std::mt19937_64& rng_;
  std::vector<slot_state> slots_;
  cycler_counts counts_;
  int ramp_next_ = 0, ramp_concurrency_ = 1;
  bool stopping_ = false;
};

}  // namespace soak
