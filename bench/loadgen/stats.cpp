// Delivery bookkeeping and percentiles (see stats.hpp).
#include "stats.hpp"

#include <algorithm>
#include <cmath>

namespace loadgen {

percentiles latency_recorder::summarize() {
  percentiles p;
  p.count = samples_.size();
  if (samples_.empty()) return p;
  std::sort(samples_.begin(), samples_.end());
  const auto rank = [&](double q) {
    const auto r = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_.size())));
    return samples_[std::min(samples_.size(), std::max<std::size_t>(r, 1)) - 1];
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.max = samples_.back();
  return p;
}

delivery_tracker::delivery_tracker(int receivers, int senders, int messages)
    : receivers_(receivers),
      senders_(senders),
      messages_(messages),
      seen_(static_cast<std::size_t>(receivers) * static_cast<std::size_t>(senders) * static_cast<std::size_t>(messages)),
      last_(static_cast<std::size_t>(receivers) * static_cast<std::size_t>(senders), -1),
      count_(static_cast<std::size_t>(receivers) * static_cast<std::size_t>(senders), 0),
      last_id_(static_cast<std::size_t>(receivers), 0) {}

arrival delivery_tracker::record(int receiver, int sender, int seq) {
  if (receiver < 0 || receiver >= receivers_ || sender < 0 || sender >= senders_ || seq < 0 || seq >= messages_) {
    ++unknown_;
    return arrival::unknown;
  }
  const auto s = slot(receiver, sender);
  auto& flag = seen_[s * static_cast<std::size_t>(messages_) + static_cast<std::size_t>(seq)];
  if (flag) {
    ++duplicated_;
    return arrival::duplicate;
  }
  flag = 1;
  ++delivered_;
  ++count_[s];
  if (seq < last_[s]) {
    ++out_of_order_;
    return arrival::out_of_order;
  }
  last_[s] = seq;
  return arrival::first;
}

bool delivery_tracker::record_server_id(int receiver, std::int64_t id) {
  if (receiver < 0 || receiver >= receivers_) return false;
  auto& last = last_id_[static_cast<std::size_t>(receiver)];
  if (id <= last) {
    ++id_regressions_;
    return false;
  }
  last = id;
  return true;
}

int delivery_tracker::delivered_from(int receiver, int sender) const {
  if (receiver < 0 || receiver >= receivers_ || sender < 0 || sender >= senders_) return 0;
  return count_[slot(receiver, sender)];
}

}  // namespace loadgen
