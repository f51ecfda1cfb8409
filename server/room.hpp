// The chat room: who is connected (presence), the order of messages, history
// on join, and the broadcast of committed messages. No Beast here: sessions
// take part through the small room_member interface.
//
// Invariant that makes joins and resumes lose nothing and double nothing:
//  * The writer commits a batch, THEN, under mu_, sets last_id_ to the batch's
//    highest id and snapshots the members; it posts the batch to each of those
//    members' strands after unlocking. One writer thread means batches are
//    posted in id order.
//  * join() runs in ONE handler on the joining session's strand: under mu_ it
//    registers the member and reads L = last_id_; after unlocking it reads
//    history (since, L] from the store and returns welcome + history, which the
//    session queues before that handler returns.
//  * So a message with id <= L was committed before the registration and is in
//    the history; a message with id > L is broadcast to a snapshot taken after
//    the registration, and its post runs on the strand after the join handler,
//    i.e. it is queued after the history. Every message reaches the member
//    exactly once, in id order.
#pragma once

#include "message_writer.hpp"
#include "rate_limiter.hpp"

#include <chat/model.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace chat::server {

class store;

/** One encoded frame, shared by every session that sends it. */
using frame = std::shared_ptr<const std::string>;
/** Frames handed to a session in one post. */
using frame_list = std::shared_ptr<const std::vector<frame>>;

/** Who a connection is and how it speaks. */
struct member_info {
  User user;
  bool v1 = false;                      ///< speaks protocol v1 (control frames)
  bool guest = false;
  std::string address;                  ///< client IP, for logs
  std::optional<std::int64_t> since;    ///< resume point (?since=)
};

/** A connection as the room sees it; implemented by websocket_session. */
class room_member {
 public:
  explicit room_member(member_info info) : info_(std::move(info)) {}
  virtual ~room_member() = default;
  const member_info& info() const { return info_; }

  /** Queues frames for sending; callable from any thread (posts to the strand). */
  virtual void deliver(frame_list frames) = 0;
  /** Closes the connection with `code`; callable from any thread. */
  virtual void close(std::uint16_t code, std::string reason) = 0;

  /** Refused sends of this connection; used by room::handle_text on the strand. */
  strike_counter strikes;

 private:
  member_info info_;
};

/** Room settings (from the command line). */
struct room_options {
  double rate_per_second = 0;
  double rate_burst = 1;
  int rate_strikes = 1;
  std::size_t max_pending_writes = 1;
  std::size_t max_write_batch = 1;
  std::size_t max_history_bytes = 1024 * 1024;  ///< encoded messages per history frame
};

/** What a session must do after join() or handle_text(): queue `frames`,
 *  then close with `close_code` if it is not 0. */
struct member_reply {
  std::vector<frame> frames;
  std::uint16_t close_code = 0;
  std::string close_reason;
};

/** Close codes of PROTOCOL.md §4 that the room decides. */
inline constexpr std::uint16_t close_rate_limited = 4029;
inline constexpr std::uint16_t close_internal_error = 1011;

/** Members, presence, ordering and broadcast. Thread-safe. */
class room {
 public:
  room(store& s, room_options opts);
  ~room();
  room(const room&) = delete;
  room& operator=(const room&) = delete;

  /** Registers a member and returns its welcome and history (see the invariant
   *  above). Call on the member's strand, once. */
  member_reply join(const std::shared_ptr<room_member>& m);
  /** Unregisters a member (idempotent); announces `leave` if it was the user's last. */
  void leave(room_member* m);
  /** Handles one text frame from a member. Call on the member's strand. */
  member_reply handle_text(const std::shared_ptr<room_member>& m, std::string_view text);

  /** Asks every member to close with `code` (shutdown: 1001). */
  void close_all(std::uint16_t code, const std::string& reason);
  /** Waits until no member is registered or `deadline` passes; true if empty. */
  bool wait_empty(std::chrono::steady_clock::time_point deadline);
  std::size_t size() const;
  /** Usernames online, sorted. */
  std::vector<std::string> online() const;
  /** The newest committed and broadcast message id. */
  std::int64_t last_id() const;
  /** Commits what the writer still holds and stops it. */
  void stop_writer();

 private:
  void on_committed(std::vector<write_result>&& results);
  void on_write_failed(std::vector<write_request>&& requests, const std::string& why);
  std::vector<std::string> online_locked() const;
  /** Drops the oldest messages of `page` until it fits max_history_bytes. */
  void fit(message_page& page) const;
  /** Posts a presence frame to every v1 member but `except`; call with mu_ held
   *  (posting is not I/O, and holding mu_ keeps presence frames in order).
   *  The members it touched go to `keep`, which the caller releases unlocked. */
  void announce_locked(frame f, const room_member* except, std::vector<std::shared_ptr<room_member>>& keep);

  store& store_;
  const room_options opts_;
  rate_limiter rate_;

  mutable std::mutex mu_;
  std::condition_variable empty_cv_;
  std::unordered_map<room_member*, std::weak_ptr<room_member>> members_;
  std::map<std::string, int> online_;  ///< username → open connections
  std::int64_t last_id_ = 0;

  std::unique_ptr<message_writer> writer_;  // last: its thread ends before the rest
};

}  // namespace chat::server
