// What the generator counts: each delivery checked for loss, duplication and
// order, and latency samples summarized as percentiles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace loadgen {

/** p50/p90/p99/max of a set of samples, in nanoseconds. */
struct percentiles {
  std::size_t count = 0;
  std::int64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};

/** Latency samples (nanoseconds); summarize() sorts them once at the end. */
class latency_recorder {
 public:
  void reserve(std::size_t n) { samples_.reserve(n); }
  void add(std::int64_t ns) { samples_.push_back(ns); }
  std::size_t size() const noexcept { return samples_.size(); }
  /** Nearest-rank percentiles: p99 is the smallest sample at or above 99 % of them. */
  percentiles summarize();

 private:
  std::vector<std::int64_t> samples_;
};

/** How one arrival compares with what its receiver saw before. */
enum class arrival { first, duplicate, out_of_order, unknown };

/** Per receiver and sender: which sequence numbers arrived, and in what order. */
class delivery_tracker {
 public:
  delivery_tracker(int receivers, int senders, int messages);

  /** Records that `receiver` got message `seq` of `sender`. An arrival is out of
   *  order when a later message of the same sender arrived before it. */
  arrival record(int receiver, int sender, int seq);

  /** Records the server's message id seen by `receiver` (chat only): the ids one
   *  client sees must increase. Returns false when it did not. */
  bool record_server_id(int receiver, std::int64_t id);

  std::uint64_t delivered() const noexcept { return delivered_; }      ///< first arrivals
  std::uint64_t duplicated() const noexcept { return duplicated_; }
  std::uint64_t out_of_order() const noexcept { return out_of_order_; }
  std::uint64_t unknown() const noexcept { return unknown_; }          ///< not a (sender, seq) of this run
  std::uint64_t id_regressions() const noexcept { return id_regressions_; }

  /** First arrivals of `sender`'s messages at `receiver`. */
  int delivered_from(int receiver, int sender) const;

 private:
  std::size_t slot(int receiver, int sender) const {
    return static_cast<std::size_t>(receiver) * static_cast<std::size_t>(senders_) + static_cast<std::size_t>(sender);
  }

  int receivers_, senders_, messages_;
  std::vector<std::uint8_t> seen_;   // receivers × senders × messages flags
  std::vector<std::int32_t> last_;   // receivers × senders: highest seq seen, -1 none
  std::vector<std::int32_t> count_;  // receivers × senders: first arrivals
  std::vector<std::int64_t> last_id_;  // receivers: highest server id seen
  std::uint64_t delivered_ = 0, duplicated_ = 0, out_of_order_ = 0, unknown_ = 0, id_regressions_ = 0;
};

}  // namespace loadgen
