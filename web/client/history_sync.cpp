// Connect history, older pages and resume gaps (see history_sync.hpp).
#include "client/history_sync.hpp"

#include <algorithm>
#include <utility>

namespace chat::web {

void history_sync::on_connect_attempt() {
  awaiting_connect_history_ = false;
  asks_.clear();
}

void history_sync::on_lost() {
  awaiting_connect_history_ = false;
  loading_older_ = false;
  asks_.clear();
}

void history_sync::on_rewound(std::int64_t newest) {
  reset();
  awaiting_connect_history_ = true;
  reload_before_ = newest > 0 ? newest + 1 : 0;
}

void history_sync::reset() {
  awaiting_connect_history_ = false;
  reload_before_ = 0;
  has_older_ = loading_older_ = false;
  horizon_ = 0;
  gap_.reset();
  asks_.clear();
}

void history_sync::on_history(const history_event& f, std::int64_t since_used, bool live) {
  enum class history_purpose { connect, gap, older, unknown } purpose = history_purpose::unknown;
  if (f.before) {
    const auto it = std::find_if(asks_.begin(), asks_.end(), [&](const history_ask& a) { return a.before == *f.before; });
    if (it != asks_.end()) {
      purpose = it->gap ? history_purpose::gap : history_purpose::older;
      asks_.erase(it);
    }
  } else if (awaiting_connect_history_) {
    purpose = history_purpose::connect;
  } else if (!asks_.empty()) {  // a server that does not echo `before`
    purpose = asks_.front().gap ? history_purpose::gap : history_purpose::older;
    asks_.pop_front();
  }

  std::int64_t min_id = 0;
  for (const auto& m : f.messages) {
    if (m.id > 0 && (min_id == 0 || m.id < min_id)) min_id = m.id;
  }

  if (f.horizon && *f.horizon > horizon_) {
    // Retention removed everything up to here: nothing below it can be asked for.
    horizon_ = *f.horizon;
    if (gap_ && gap_->low < horizon_) gap_->low = horizon_;
    if (gap_ && gap_->high <= gap_->low + 1) gap_.reset();
  }

  switch (purpose) {
    case history_purpose::connect:
      awaiting_connect_history_ = false;
      if (reload_before_ > 0) {  // rewound: the since= of this connection meant nothing; take the newest page
        has_older_ = true;
        load_older(std::exchange(reload_before_, 0), live);
        break;
      }
      if (since_used == 0) {
        has_older_ = f.limited && min_id > 0;
      } else if (f.limited && min_id > 0) {
        // A resume the server capped: the newest arrived; fetch the rest back to since.
        gap_ = gap_range{gap_ ? std::min(gap_->low, since_used) : since_used, min_id};
      }
      request_gap_page(live);
      break;
    case history_purpose::gap:
      if (!gap_) break;
      if (min_id == 0 || !f.limited || min_id <= gap_->low + 1) {
        gap_.reset();
      } else {
        gap_->high = std::min(gap_->high, min_id);
        request_gap_page(live);
      }
      break;
    case history_purpose::older:
      loading_older_ = false;
      has_older_ = f.limited && min_id > 0;
      break;
    case history_purpose::unknown: break;
  }
}

void history_sync::request_gap_page(bool live) {
  if (!gap_ || !live) return;
  for (const auto& a : asks_) {
    if (a.gap) return;
  }
  ctx_.emit(cmd::send{encode(history_request{gap_->high, ctx_.options().gap_page})});
  asks_.push_back(history_ask{gap_->high, true});
}

bool history_sync::load_older(std::int64_t first_id, bool live) {
  if (!live || !has_older_ || loading_older_ || first_id == 0) return false;
  ctx_.emit(cmd::send{encode(history_request{first_id, ctx_.options().history_page})});
  asks_.push_back(history_ask{first_id, false});
  loading_older_ = true;
  return true;
}

}  // namespace chat::web
