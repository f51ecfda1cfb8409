// The conversation as the client holds it: confirmed messages ordered and
// de-duplicated by server id, the messages typed here that the server has not
// confirmed yet (the outbox), and the rows the list draws from them (day
// separators, messages grouped by sender).
#pragma once

#include <chat/model.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::web {

/** Where a message stands: confirmed by the server, on its way, or refused. */
enum class delivery_state { sent, pending, failed };

/** One message as the list shows it. */
struct log_entry {
  std::int64_t id = 0;         ///< server id; 0 while not confirmed
  std::int64_t local_seq = 0;  ///< > 0 for a message typed here and not confirmed
  std::string client_id;
  std::string username;
  std::string text;
  std::int64_t time = 0;   ///< epoch ms: the server's, or when it was typed
  std::string time_label;  ///< "hh:mm:ss a" in local time
  std::int64_t day = 0;    ///< local day number of `time`
  delivery_state delivery = delivery_state::sent;
  std::string error;           ///< why it failed, for people
  std::int64_t sent_at = -1;   ///< when the last attempt went out; -1 = waiting for a connection

  /** A key that stays put while the list re-lays out: the id, or minus the local sequence. */
  std::int64_t key() const { return id > 0 ? id : -local_seq; }
};

/** One row of the list: a day separator, or a message with its place in its group. */
struct log_row {
  enum class row_type { day, message };
  row_type kind = row_type::message;
  bool outbox = false;       ///< the entry is in outbox() rather than confirmed()
  std::uint32_t index = 0;   ///< into confirmed() or outbox()
  bool group_first = true;   ///< the first message of a run by one sender (shows name and picture)
  bool group_last = true;    ///< the last message of that run
  std::int64_t day_time = 0; ///< for a day row: a time on that day (epoch ms)
};

/** Messages ordered by id, the outbox, and the rows derived from both. */
class message_log {
 public:
  /** Minutes east of UTC at a given instant (the browser's time zone, injected). */
  using utc_offset_fn = std::function<int(std::int64_t epoch_ms)>;

  /** Consecutive messages of one sender further apart than this start a new group. */
  static constexpr std::int64_t group_gap_ms = 5 * 60 * 1000;

  explicit message_log(utc_offset_fn utc_offset);

  /** Adds a confirmed message; false when its id is already known (or it has none). */
  bool add(const chat_message& m);
  /** Adds a page of messages in one merge (a history frame); returns those that were new. */
  std::vector<const chat_message*> add_many(const std::vector<chat_message>& page);

  /** Confirms the outbox entry with this client_id, if any: it leaves the outbox. */
  bool confirm(std::string_view client_id);

  /** Adds a message typed here; returns its local sequence number. */
  std::int64_t add_local(std::string text, std::string client_id, std::string username, std::int64_t now);

  log_entry* find_local(std::string_view client_id);
  void fail(std::string_view client_id, std::string reason);
  bool remove_local(std::string_view client_id);
  /** Outbox entries are edited in place through this (sent_at, delivery); bump the revision after. */
  std::vector<log_entry>& outbox_mut() { return outbox_; }
  void touch() { ++revision_; }

  void clear();
  /** Forgets the confirmed messages with id <= `id` (the server removed them: retention). */
  void drop_through(std::int64_t id);

  const std::vector<log_entry>& confirmed() const { return confirmed_; }
  const std::vector<log_entry>& outbox() const { return outbox_; }
  const log_entry& entry(const log_row& r) const { return r.outbox ? outbox_[r.index] : confirmed_[r.index]; }

  /** The rows to draw, rebuilt when the messages changed. */
  const std::vector<log_row>& rows() const;

  /** Grows whenever anything a row shows changes. */
  std::uint64_t revision() const { return revision_; }

  std::int64_t first_id() const { return confirmed_.empty() ? 0 : confirmed_.front().id; }
  std::int64_t last_id() const { return confirmed_.empty() ? 0 : confirmed_.back().id; }
  bool contains(std::int64_t id) const;

  /** The separator's label for the day holding `time`: "Today", "Yesterday", or the date. */
  std::string day_label(std::int64_t time, std::int64_t now) const;

 private:
  void label(log_entry& e) const;
  log_entry make(const chat_message& m) const;
  void rebuild_rows() const;

  utc_offset_fn utc_offset_;
  std::vector<log_entry> confirmed_;  // ascending id
  std::vector<log_entry> outbox_;     // in the order they were typed
  std::int64_t next_seq_ = 1;
  std::uint64_t revision_ = 1;
  mutable std::vector<log_row> rows_;
  mutable std::uint64_t rows_revision_ = 0;
};

}  // namespace chat::web
