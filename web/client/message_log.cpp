// Ordering, de-duplication, the outbox and the list's rows (see message_log.hpp).
#include "client/message_log.hpp"

#include <chat/time_format.hpp>

#include <algorithm>
#include <cstdlib>

namespace chat::web {
namespace {

bool continues_group(const log_entry& prev, const log_entry& cur) {
  return prev.username == cur.username && prev.day == cur.day &&
         std::llabs(cur.time - prev.time) <= message_log::group_gap_ms;
}

}  // namespace

message_log::message_log(utc_offset_fn utc_offset) : utc_offset_(std::move(utc_offset)) {}

void message_log::label(log_entry& e) const {
  const int offset = utc_offset_ ? utc_offset_(e.time) : 0;
  e.time_label = format_clock(e.time, offset);
  e.day = local_day_number(e.time, offset);
}

log_entry message_log::make(const chat_message& m) const {
  log_entry e;
  e.id = m.id;
  e.client_id = m.client_id;
  e.username = m.username;
  e.text = m.message;
  e.time = m.time;
  label(e);
  return e;
}

bool message_log::add(const chat_message& m) {
  if (m.id <= 0) return false;  // a v=1 server always numbers its messages
  log_entry e = make(m);
  // Live messages arrive in order: append without searching.
  if (confirmed_.empty() || confirmed_.back().id < m.id) {
    confirmed_.push_back(std::move(e));
  } else {
    const auto at = std::lower_bound(confirmed_.begin(), confirmed_.end(), m.id,
                                     [](const log_entry& x, std::int64_t id) { return x.id < id; });
    if (at != confirmed_.end() && at->id == m.id) return false;
    confirmed_.insert(at, std::move(e));
  }
  ++revision_;
  return true;
}

bool message_log::contains(std::int64_t id) const {
  const auto at = std::lower_bound(confirmed_.begin(), confirmed_.end(), id,
                                   [](const log_entry& x, std::int64_t v) { return x.id < v; });
  return at != confirmed_.end() && at->id == id;
}

std::vector<const chat_message*> message_log::add_many(const std::vector<chat_message>& page) {
  std::vector<const chat_message*> added;
  const std::size_t old_size = confirmed_.size();
  for (const auto& m : page) {
    if (m.id <= 0 || contains(m.id)) continue;  // searches the sorted part only
    added.push_back(&m);
  }
  std::sort(added.begin(), added.end(), [](const chat_message* a, const chat_message* b) { return a->id < b->id; });
  added.erase(std::unique(added.begin(), added.end(), [](const chat_message* a, const chat_message* b) { return a->id == b->id; }),
              added.end());
  if (added.empty()) return added;
  confirmed_.reserve(old_size + added.size());
  for (const chat_message* m : added) confirmed_.push_back(make(*m));
  // One merge of the sorted new tail into the sorted log, instead of an insert per message.
  std::inplace_merge(confirmed_.begin(), confirmed_.begin() + static_cast<std::ptrdiff_t>(old_size), confirmed_.end(),
                     [](const log_entry& a, const log_entry& b) { return a.id < b.id; });
  ++revision_;
  return added;
}

std::string message_log::day_label(std::int64_t time, std::int64_t now) const {
  return date_label(time, utc_offset_ ? utc_offset_(time) : 0, now);
}

bool message_log::confirm(std::string_view client_id) {
  return !client_id.empty() && remove_local(client_id);
}

std::int64_t message_log::add_local(std::string text, std::string client_id, std::string username,
                                   std::int64_t now) {
  log_entry e;
  e.local_seq = next_seq_++;
  e.client_id = std::move(client_id);
  e.username = std::move(username);
  e.text = std::move(text);
  e.time = now;
  e.delivery = delivery_state::pending;
  label(e);
  outbox_.push_back(std::move(e));
  ++revision_;
  return outbox_.back().local_seq;
}

log_entry* message_log::find_local(std::string_view client_id) {
  for (auto& e : outbox_) {
    if (e.client_id == client_id) return &e;
  }
  return nullptr;
}

void message_log::fail(std::string_view client_id, std::string reason) {
  if (log_entry* e = find_local(client_id)) {
    e->delivery = delivery_state::failed;
    e->error = std::move(reason);
    e->sent_at = -1;
    ++revision_;
  }
}

bool message_log::remove_local(std::string_view client_id) {
  const auto it = std::find_if(outbox_.begin(), outbox_.end(),
                               [&](const log_entry& e) { return e.client_id == client_id; });
  if (it == outbox_.end()) return false;
  outbox_.erase(it);
  ++revision_;
  return true;
}

void message_log::drop_through(std::int64_t id) {
  const auto end = std::find_if(confirmed_.begin(), confirmed_.end(), [&](const log_entry& e) { return e.id > id; });
  if (end == confirmed_.begin()) return;
  confirmed_.erase(confirmed_.begin(), end);
  ++revision_;
}

void message_log::clear() {
  confirmed_.clear();
  outbox_.clear();
  ++revision_;
}

const std::vector<log_row>& message_log::rows() const {
  if (rows_revision_ != revision_) rebuild_rows();
  return rows_;
}

void message_log::rebuild_rows() const {
  rows_.clear();
  rows_.reserve(confirmed_.size() + outbox_.size() + 16);
  const log_entry* prev = nullptr;
  const auto push = [&](const log_entry& e, bool outbox, std::uint32_t index) {
    if (prev == nullptr || prev->day != e.day) {
      log_row day;
      day.kind = log_row::row_type::day;
      day.day_time = e.time;
      rows_.push_back(day);
    }
    log_row r;
    r.outbox = outbox;
    r.index = index;
    r.group_first = prev == nullptr || rows_.back().kind == log_row::row_type::day || !continues_group(*prev, e);
    if (!r.group_first) {
      rows_.back().group_last = false;
    }
    rows_.push_back(r);
    prev = &e;
  };
  for (std::uint32_t i = 0; i < confirmed_.size(); ++i) push(confirmed_[i], false, i);
  for (std::uint32_t i = 0; i < outbox_.size(); ++i) push(outbox_[i], true, i);
  rows_revision_ = revision_;
}

}  // namespace chat::web
