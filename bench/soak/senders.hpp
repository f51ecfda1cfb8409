// The soak's honest traffic: senders on the seed's path (guests that stay), v1
// senders (logged in) that reconnect with since= and resend what was not
// acknowledged, and one watcher that must see every message once, in order.
#pragma once

#include "fleet.hpp"
#include "ledger.hpp"
#include "soak_options.hpp"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace soak {

/** What the senders and the watcher counted. */
struct sender_counts {
  std::uint64_t sent = 0, acked = 0, resent = 0, reconnects = 0, skipped = 0;
  std::uint64_t refused = 0, dropped = 0, error_events = 0;
  std::uint64_t own_out_of_order = 0;                      ///< a sender's own echo out of its order
  std::uint64_t view_repeats = 0, view_gaps = 0, view_reorders = 0;  ///< v1 senders' own views across resumes
  bool watcher_dropped = false;
};

class senders final : public owner {
 public:
  /** `tokens`: bearer tokens for the v1 senders (shared round-robin); `watcher_token` for the watcher. */
  senders(boost::asio::io_context& io, fleet& f, const options& o, unsigned short port, std::mt19937_64& rng,
          std::vector<std::string> tokens, std::string watcher_token);

  /** Connects the watcher, then (once it has joined) every sender. */
  void start();
  /** Every sender and the watcher joined. */
  bool all_joined() const;
  /** No new messages from now on. */
  void stop_sending();
  /** Every message a sender wrote was acknowledged and the watcher saw all of them. */
  bool drained() const;
  /** Closes every sender (clean or reset) and the watcher. */
  void close_all();

  const sequence_ledger& watcher() const noexcept { return watcher_view_; }
  const sender_counts& counts() const noexcept { return counts_; }
  /** Messages senders had acknowledged that the watcher never saw. */
  std::uint64_t missing_at_watcher() const;
  /** Messages sent and never acknowledged. */
  std::uint64_t unacknowledged() const;

  void opened(int slot, int id) override;
  void text(int slot, int id, std::string_view frame) override;
  void closed(int slot, int id, bool planned, bool was_open, int code, const std::string& why) override;

 private:
  struct sender {
    bool v1 = false;
    int id = -1;
    bool started = false;  ///< its sending turns run
    bool ready = false;  ///< may send: open (seed's path) or its history arrived (v1)
    int next_seq = 0, acked = 0;
    std::deque<std::string> outbox;  ///< v1: encoded sends not yet acknowledged, in order
    std::optional<sequence_ledger> view;  ///< v1: what it saw, across its resumes
    std::unique_ptr<boost::asio::steady_timer> send_timer, life_timer;
  };

  void connect(int slot);
  void on_ready(int slot);
  void schedule_send(int slot, double delay_s);
  void send_one(int slot);
  void take_message(int slot, const std::string& body, std::int64_t id);
  void watcher_text(std::string_view frame);
  bool pick_reset() { return std::bernoulli_distribution(o_.reset_share)(rng_); }
  int watcher_slot() const { return static_cast<int>(senders_.size()); }

  boost::asio::io_context& io_;
  fleet& fleet_;
  const options& o_;
  unsigned short port_;
  std::mt19937_64& rng_;
  std::vector<std::string> tokens_;
  std::string watcher_token_, run_;
  std::vector<sender> senders_;
  int watcher_id_ = -1;
  bool watcher_ready_ = false, stopping_ = false, closing_ = false;
  sequence_ledger watcher_view_;
  sender_counts counts_;
};

}  // namespace soak
