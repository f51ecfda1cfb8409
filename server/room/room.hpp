// The chat room: who is connected (presence), the order of messages, history
// on join, and the hand-over of delivered batches to the I/O shards. No Beast
// here: sessions take part through the small room_member interface, the I/O
// threads through member_shard, the writer and other processes through the
// fan-out.
//
// Invariant that makes joins and resumes lose nothing and double nothing:
//  * The writer commits a batch and publishes it to the fan-out
//    (fanout/fanout.hpp), which delivers every committed batch exactly once, in
//    id order, one at a time, to room::on_batch. There, under mu_, last_id_
//    becomes the batch's highest id; after unlocking the room hands the batch
//    to every shard, which posts it to its I/O thread and frames it there.
//  * join() runs on the joining member's I/O thread: under mu_ it registers
//    the member and reads its join point L = last_id_. The history (since, L]
//    is read on the store worker, never on an I/O thread; its reply (welcome,
//    history, L) is posted back to the member's I/O thread.
//  * Until that reply is queued there, the member holds every batch that
//    reaches it, in arrival order (join_gate); right after queueing the
//    history it flushes them, and from then on takes batches as they come,
//    each time only the messages with id > L, in order.
//  * So a message with id <= L was delivered before the registration and is in
//    the history (and skipped in any batch); a message with id > L belongs to a
//    batch handed over after the registration, whose handler runs on the
//    member's thread after the join handler, i.e. it is held or queued after
//    the history. Every message reaches the member exactly once, in id order.
//  * Members without a shard (tests) get each delivered batch through
//    deliver(), posted after the same last_id_ update, and the join reply
//    through join()'s callback; they order the two the same way.
#pragma once

#include "fanout/fanout.hpp"
#include "room/history_pacer.hpp"
#include "room/message_writer.hpp"
#include "room/presence_ticker.hpp"
#include "room/rate_limiter.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>
#include <chat/model.hpp>
#include <chat/validation.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace chat {
struct history_request;
}

namespace chat::server {

class message_store;
class store_worker;

/** One encoded event (its JSON text), shared by every session that sends it. */
using event_text = std::shared_ptr<const std::string>;
/** Events handed to a session in one post. */
using event_list = std::shared_ptr<const std::vector<event_text>>;

/** The protocol a connection speaks (docs/protocol.md): the seed's (plain-text sends, message
 *  events only) or v1 (`?v=1`: every event, JSON requests). */
enum class protocol_version : std::uint8_t { legacy, v1 };

/** Who a connection is and how it speaks. */
struct member_info {
  user_profile user;
  protocol_version version = protocol_version::legacy;
  bool speaks_v1() const { return version >= protocol_version::v1; }
  bool guest = false;
  std::string address;                  ///< client IP, for logs
  std::optional<std::int64_t> since;    ///< resume point (?since=)
  std::string session;                  ///< digest of the session token it was admitted with; empty for guests
  std::shared_ptr<const void> guest_claim;  ///< a guest's hold on its name (guest_names), kept while it is connected
  std::shared_ptr<const void> counted;      ///< its place under the connection caps (connection_caps), kept while connected
};

/** The members living on one I/O thread. The room hands each delivered batch
 *  to every shard once; on its thread the shard gives it to its members, each
 *  from its join point on (see the invariant above), framed once for all
 *  shards by the first that sends it. */
class member_shard {
 public:
  virtual ~member_shard() = default;
  /** Callable from the fan-out's delivery thread; posts and returns. */
  virtual void broadcast(batch_ref batch) = 0;
};

/** A history request the room has accepted: the page `(0, upto]`, newest `limit`. */
struct history_ask {
  std::int64_t upto = 0;
  std::size_t limit = 0;
  std::optional<std::int64_t> before;  ///< echoed in the answer
  std::chrono::steady_clock::time_point due{};  ///< not read before (history_pacer)
};

/** A connection as the room sees it; implemented by ws_session. */
class room_member {
 public:
  /** `on_shard`: committed batches reach it through its member_shard, not deliver(). */
  explicit room_member(member_info info, bool on_shard = false) : info_(std::move(info)), on_shard_(on_shard) {}
  virtual ~room_member() = default;
  const member_info& info() const { return info_; }
  bool on_shard() const { return on_shard_; }

  /** Queues events for sending; callable from any thread (posts to the member's I/O thread). */
  virtual void deliver(event_list events) = 0;
  /** Closes the connection with `code`; callable from any thread. */
  virtual void close(std::uint16_t code, std::string reason) = 0;
  /** The writer is done with a message this member sent (member_reply::submitted):
   *  stored as `id`, its broadcast published; or 0: refused or a resend, its
   *  answer delivered already. Callable from any thread (the writer's). */
  virtual void written(std::int64_t /*id*/) {}

  /** Refused sends of this connection; used by room::handle_text on the member's I/O thread. */
  strike_counter strikes;

  /** This connection's history requests not yet answered, oldest first; the
   *  first one is at the store worker. So one connection never holds more than
   *  one place in the store worker's queue. The room's only, under history_mu. */
  std::mutex history_mu;
  std::deque<history_ask> history_asks;
  /** This connection's history reads, paced (history_pacer); under history_mu. */
  pace_state history_pace;
  /** The room's presence version this connection's client last heard (its
   *  welcome, or a presence event); the room's only, under its lock. */
  std::uint64_t presence_heard = 0;

 private:
  member_info info_;
  bool on_shard_;
};

/** Room settings (from the command line). */
struct room_options {
  double rate_per_second = 0;
  double rate_burst = 1;
  int rate_strikes = 1;
  std::size_t max_pending_writes = 1;
  std::size_t max_write_batch = 1;
  std::size_t max_history_bytes = 1024 * 1024;  ///< encoded messages per history frame
  /** History reads (requests and joins' histories): per connection, per user
   *  (guests: per address); off by default (per_second 0). */
  pace history_connection;
  pace history_user;
  std::chrono::milliseconds history_max_wait{10000};  ///< a read paced later is refused
  std::chrono::microseconds commit_interval{};    ///< see message_writer
  /** At most one presence event per interval, carrying the list as it is then. */
  std::chrono::milliseconds presence_interval{limits::presence_interval_ms};
  /** Bytes of stored message bodies per sender; a send past it is refused
   *  with quota_exceeded (0: no quota). */
  std::int64_t user_quota_bytes = 0;
  /** Retention (see message_writer): messages older than `retention_days`
   *  or beyond the newest `retention_messages` are removed (0: that limit off). */
  int retention_days = 0;
  std::int64_t retention_messages = 0;
  std::chrono::milliseconds retention_every{60000};  ///< how often retention looks for messages to remove
};

/** What a session must do after join() or handle_text(): queue `events`,
 *  then close with `close_code` if it is not 0. After join(), `last_id` is the
 *  member's join point L: batches give it only messages with id > L. */
struct member_reply {
  std::vector<event_text> events;
  std::uint16_t close_code = 0;
  std::string close_reason;
  std::int64_t last_id = 0;
  /** handle_text() queued a message for the writer without waking it (a
   *  member on a shard): the shard calls room::wake_writer() after its ready work. */
  bool wake_writer = false;
  /** handle_text() gave a message to the writer: room_member::written() follows. */
  bool submitted = false;
};

/** Members, presence, ordering and broadcast. Thread-safe. */
class room final : private fanout_consumer {
 public:
  /** `s`: where messages are stored and read; `reader`: the thread that reads
   *  history for the members (the writer has its own); `bus` carries
   *  committed batches back to this room (and, in a cluster, to the other nodes'). */
  room(message_store& s, store_worker& reader, room_options opts, std::unique_ptr<fanout> bus = make_local_fanout());
  ~room();
  room(const room&) = delete;
  room& operator=(const room&) = delete;

  /** Adds an I/O thread's shard; call before any member joins. */
  void add_shard(member_shard& s);

  /** Called with a member's join reply: on the store worker's thread, or
   *  inside join() when there is nothing to read; it must post the reply to
   *  the member's I/O thread and do nothing else. */
  using join_done = std::function<void(member_reply)>;
  /** Registers a member at its join point and has its welcome and history
   *  read off the I/O threads (see the invariant above); `done` gets them.
   *  Call on the member's I/O thread, once. If the store worker's queue is
   *  full the reply closes with 1013; if the read fails, with 1011. */
  void join(const std::shared_ptr<room_member>& m, join_done done);
  /** Unregisters a member (idempotent); if it was the user's last
   *  connection, presence changed (announced by the next presence tick). */
  void leave(room_member* m);
  /** Handles one text message from a member, already checked as UTF-8 (by the
   *  frame reader). Call on the member's I/O thread. A history request is
   *  answered later, through m->deliver(), from the store worker (`busy` at
   *  once if its queue is full). */
  member_reply handle_text(const std::shared_ptr<room_member>& m, valid_utf8 text);
  /** The same for text not checked yet (tests, tools): invalid UTF-8 is
   *  answered like any undecodable request. */
  member_reply handle_text(const std::shared_ptr<room_member>& m, std::string_view text);

  /** Asks every member to close with `code` (shutdown: 1001). */
  void close_all(std::uint16_t code, const std::string& reason);
  /** Asks the members admitted with the session whose token digest is
   *  `session` to close with close_code::session_ended; returns how many. */
  std::size_t end_session(const std::string& session);
  /** Calls `f` with each member's info, under the room's lock: keep it short,
   *  never call the room from it. O(members). */
  void for_each_member(const std::function<void(const member_info&)>& f) const;
  /** Asks every member whose info matches `pred` (called under the room's
   *  lock) to close with `code`; returns how many. One pass over the members. */
  std::size_t close_where(const std::function<bool(const member_info&)>& pred, std::uint16_t code,
                          const std::string& reason);
  /** Waits until no member is registered or `deadline` passes; true if empty. */
  bool wait_empty(std::chrono::steady_clock::time_point deadline);
  std::size_t size() const;
  /** Usernames online, sorted. */
  std::vector<std::string> online() const;
  /** The newest committed and broadcast message id. */
  std::int64_t last_id() const;
  /** Commits what the writer still holds and stops it. */
  void stop_writer();
  /** Ends the presence ticker's thread, which delivers to members on their
   *  shards: shutdown calls it before the shards stop (idempotent). */
  void stop_presence();
  /** Lets the writer commit what members on shards submitted (see member_reply::wake_writer). */
  void wake_writer();

 private:
  /** The writer's commit: echoes resends to their senders, publishes the new messages. */
  void on_committed(std::vector<write_result>&& results);
  /** The fan-out's delivery: moves the join point, hands the batch to the shards. */
  void on_batch(const batch_ref& batch) override;
  void on_write_failed(std::vector<write_request>&& requests, const std::string& why);
  /** Sends `m`'s oldest history request to the store worker; its answer sends
   *  the next one. A request the full worker refuses is answered `busy` (in
   *  `reply` when given, the caller's own request, else through deliver()). */
  void read_history(const std::shared_ptr<room_member>& m, member_reply* reply = nullptr);
  /** A history request from a v1 member (room_history.cpp): paced, queued, read. */
  member_reply handle_history(const std::shared_ptr<room_member>& m, const history_request& request);
  /** The time `m`'s next history read may run, or nullopt if it is refused (history_pacer). */
  std::optional<std::chrono::steady_clock::time_point> pace_history(room_member& m);
  std::vector<std::string> online_locked() const;
  /** A user came or went: O(1), under mu_; the presence ticker publishes later. */
  void presence_changed_locked(bool joined, const std::string& name);
  /** The presence tick (on the ticker's thread): one event with the current
   *  list, encoded once, to every v1 member that has not heard this version.
   *  True if it sent to anyone. */
  bool publish_presence();
  /** The online list for a v1 welcome: built at most once per presence version. */
  std::shared_ptr<const std::vector<std::string>> online_snapshot_locked();
  /** Drops the oldest messages of `page` until it fits max_history_bytes. */
  void fit(message_page& page) const;

  message_store& store_;
  store_worker& reader_;
  const room_options opts_;
  rate_limiter rate_;
  history_pacer history_pace_;

  mutable std::mutex mu_;
  std::condition_variable empty_cv_;
  std::unordered_map<room_member*, std::weak_ptr<room_member>> members_;
  std::size_t direct_members_ = 0;     ///< members without a shard
  std::map<std::string, int> online_;  ///< username → open connections
  std::uint64_t presence_version_ = 1;  ///< grows with every change of online_'s keys
  bool last_joined_ = true;  ///< the newest change (a join, else a leave) of last_changed_: the next event names it
  std::string last_changed_;
  std::shared_ptr<const std::vector<std::string>> online_snapshot_;
  std::uint64_t snapshot_version_ = 0;
  std::int64_t last_id_ = 0;
  std::vector<member_shard*> shards_;  ///< fixed before the first join

  std::unique_ptr<fanout> bus_;
  std::unique_ptr<message_writer> writer_;
  std::unique_ptr<presence_ticker> presence_;  // last: its thread ends first
};

}  // namespace chat::server
