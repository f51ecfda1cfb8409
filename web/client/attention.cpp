// Unread counts, the title and the notice (see attention.hpp).
#include "client/attention.hpp"

namespace chat::web {

bool attention::set_visible(bool visible, std::int64_t last_id) {
  if (visible == visible_) return false;
  visible_ = visible;
  if (visible) {
    unread_ = 0;
    unread_baseline_.reset();
  } else if (last_id > 0) {
    unread_baseline_ = last_id;
  }
  return true;
}

void attention::set_at_bottom(bool at_bottom, std::int64_t last_id) {
  if (at_bottom == at_bottom_) return;
  at_bottom_ = at_bottom;
  if (at_bottom) {
    new_below_ = 0;
  } else {
    below_baseline_ = last_id;
  }
}

void attention::on_welcome(std::int64_t last_id) {
  if (!visible_ && !unread_baseline_) unread_baseline_ = last_id;
}

void attention::on_rewound(std::int64_t last_id) {
  if (unread_baseline_ && *unread_baseline_ > last_id) unread_baseline_ = last_id;
  if (below_baseline_ > last_id) below_baseline_ = last_id;
}

void attention::count(std::int64_t id) {
  if (!visible_ && unread_baseline_ && id > *unread_baseline_) ++unread_;
  if (!at_bottom_ && id > below_baseline_) ++new_below_;
}

void attention::reset() {
  unread_ = new_below_ = 0;
  unread_baseline_.reset();
  at_bottom_ = true;
  notice_.clear();
}

void attention::set_notice(std::string text, std::int64_t now) {
  notice_ = std::move(text);
  notice_until_ = now + ctx_.options().notice_ms;
}

void attention::expire_notice(std::int64_t now) {
  if (!notice_.empty() && now >= notice_until_) notice_.clear();
}

std::optional<std::int64_t> attention::next_wake() const {
  if (notice_.empty()) return std::nullopt;
  return notice_until_;
}

std::string attention::title(bool in_chat) const {
  const std::string& base = ctx_.options().title;
  if (in_chat && unread_ > 0) return "(" + std::to_string(unread_) + ") " + base;
  return base;
}

std::optional<std::string> attention::title_change(bool in_chat) {
  std::string t = title(in_chat);
  if (t == last_title_) return std::nullopt;
  last_title_ = t;
  return t;
}

}  // namespace chat::web
