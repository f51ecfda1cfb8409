// What one receiving connection of the soak saw: every message checked by its
// server id (strictly increasing) and by its sender's sequence (no gap, no step
// back). Plain C++ so tests/bench can check it without sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace soak {

/** How one message compares with what the receiver saw before. */
enum class seen { next, repeat, gap, reorder, foreign };

/** One receiver's view of all senders. */
class sequence_ledger {
 public:
  /** `from_zero`: the receiver was there before any send, so each sender's first message must be seq 0;
   *  otherwise the first one seen of a sender (a join's history starts anywhere) sets where it starts. */
  sequence_ledger(int senders, bool from_zero);

  /** Message `seq` of `sender` with server id `id`. An id at or below the last one is a repeat
   *  (and counts nowhere else); a sender's seq past the next expected is a gap of the ones skipped;
   *  below it, a reorder. */
  seen record(std::int64_t id, int sender, int seq);

  /** The next seq expected from `sender` (how many of its messages arrived in a row from its first). */
  int next_seq(int sender) const { return next_[static_cast<std::size_t>(sender)]; }
  /** Messages `sender` had acknowledged that this receiver never got. */
  int missing(int sender, int acknowledged) const;

  std::int64_t last_id() const noexcept { return last_id_; }
  std::uint64_t messages() const noexcept { return messages_; }  ///< in order, once
  std::uint64_t repeats() const noexcept { return repeats_; }
  std::uint64_t gaps() const noexcept { return gaps_; }          ///< messages skipped
  std::uint64_t reorders() const noexcept { return reorders_; }
  std::uint64_t foreign() const noexcept { return foreign_; }    ///< sender out of range

 private:
  std::vector<int> next_;  // per sender; -1: none seen yet (only when not from_zero)
  std::int64_t last_id_ = 0;
  std::uint64_t messages_ = 0, repeats_ = 0, gaps_ = 0, reorders_ = 0, foreign_ = 0;
};

/** The sum of every sample of metric `family` in Prometheus text (`name{labels} value` lines) whose
 *  labels contain `label` (e.g. `code="1013"`; empty: all). Nothing when no sample matched. */
std::optional<double> metric_sum(std::string_view text, std::string_view family, std::string_view label = {});

}  // namespace soak
