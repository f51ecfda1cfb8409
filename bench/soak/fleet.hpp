// Every connection of the soak: each gets a fresh id (a replaced connection never
// shares one with its predecessor, so a late event of the old one cannot be taken
// for the new one's), and its events go to the pool that owns it.
#pragma once

#include "ws_client.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace soak {

using loadgen::steady;

/** A pool of connections (cyclers, senders): told what happens to each of its own. */
struct owner {
  virtual ~owner() = default;
  virtual void opened(int slot, int id) = 0;
  virtual void text(int slot, int id, std::string_view frame) = 0;
  /** `planned`: the pool asked for the close (close or reset); `code`: the peer's close code, 0 if none. */
  virtual void closed(int slot, int id, bool planned, bool was_open, int code, const std::string& why) = 0;
};

/** The connections and their bookkeeping, all on one io_context thread. */
class fleet final : public loadgen::client_events {
 public:
  explicit fleet(boost::asio::io_context& io) : io_(io) {}

  /** Starts a connection for `slot` of `who`; returns its id. */
  int connect(owner& who, int slot, const loadgen::client_target& target);
  /** Queues a text frame on `id` (nothing if it is closed). */
  void send(int id, std::string frame);
  /** Closes `id` cleanly (a WebSocket close) or with a TCP reset; its closed() says planned. */
  void close(int id, bool reset);
  /** Drops every connection still open (the end of the run). */
  void abort_all();

  int live() const noexcept { return live_; }               ///< handshakes done, not yet closed
  int peak_live() const noexcept { return peak_live_; }
  int pending() const noexcept { return pending_; }         ///< connecting, not yet open nor failed
  std::uint64_t opened() const noexcept { return opened_; }  ///< handshakes completed, in total
  std::uint64_t started() const noexcept { return conns_.size(); }
  std::uint64_t frames() const noexcept { return frames_; }  ///< text frames received, all connections
  int unclosed() const noexcept { return pending_ + live_; }

  void on_open(int id) override;
  void on_text(int id, std::string_view frame, steady::time_point at) override;
  void on_written(int) override {}
  void on_closed(int id, bool opened, const std::string& why) override;

 private:
  struct conn {
    owner* who = nullptr;
    int slot = 0;
    bool open = false, planned = false, done = false;
  };

  boost::asio::io_context& io_;
  std::vector<conn> conns_;
  std::vector<std::shared_ptr<loadgen::ws_client>> clients_;  // by id; released once closed
  int live_ = 0, peak_live_ = 0, pending_ = 0;
  std::uint64_t opened_ = 0, frames_ = 0;
};

/** Source address number `n` (0-based) of the 127.1.x.y range the cyclers connect from. */
std::string source_address(int n);

}  // namespace soak
