// The soak's receiver bookkeeping and the /metrics reader (see ledger.hpp).
#include "ledger.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace soak {

sequence_ledger::sequence_ledger(int senders, bool from_zero)
    : next_(static_cast<std::size_t>(senders), from_zero ? 0 : -1) {}

seen sequence_ledger::record(std::int64_t id, int sender, int seq) {
  if (id <= last_id_) {
    ++repeats_;
    return seen::repeat;
  }
  last_id_ = id;
  if (sender < 0 || sender >= static_cast<int>(next_.size())) {
    ++foreign_;
    return seen::foreign;
  }
  int& next = next_[static_cast<std::size_t>(sender)];
  if (next < 0) next = seq;
  if (seq < next) {
    ++reorders_;
    return seen::reorder;
  }
  ++messages_;
  const bool skipped = seq > next;
  if (skipped) gaps_ += static_cast<std::uint64_t>(seq - next);
  next = seq + 1;
  return skipped ? seen::gap : seen::next;
}

int sequence_ledger::missing(int sender, int acknowledged) const {
  const int next = next_[static_cast<std::size_t>(sender)];
  return acknowledged > next ? acknowledged - std::max(next, 0) : 0;
}

std::optional<double> metric_sum(std::string_view text, std::string_view family, std::string_view label) {
  std::optional<double> sum;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.substr(0, family.size()) != family || line.size() == family.size()) continue;
    std::string_view rest = line.substr(family.size());
    std::string_view labels;
    if (rest.front() == '{') {
      const auto close = rest.find('}');
      if (close == std::string_view::npos) continue;
      labels = rest.substr(1, close - 1);
      rest.remove_prefix(close + 1);
    }
    if (rest.empty() || rest.front() != ' ') continue;  // another family with this one's name as prefix
    if (!label.empty() && labels.find(label) == std::string_view::npos) continue;
    const std::string value(rest.substr(1));
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str()) continue;
    sum = sum.value_or(0) + v;
  }
  return sum;
}

}  // namespace soak
