// The messages concern of the store: the chat's history, each message with an
// id the store assigns. The id is the message's position in its room: the one
// order every member sees and resumes from. Each room counts its own
// positions (rooms.hpp); every read here is of the default room, which is all
// that v1 and legacy clients see.
#pragma once

#include "store/store_error.hpp"

#include <chat/model.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chat::server {

/** The room every user is in: the tutorial's one room, "Chat Room". */
inline constexpr std::int64_t default_room_id = 1;

/** A message to store; the store assigns its id (its position in `room`). */
struct message_draft {
  std::string username;
  std::string body;
  std::string client_id;  ///< empty: no de-duplication key
  std::int64_t time_ms = 0;
  std::int64_t quota_bytes = 0;  ///< the sender's storage quota (bytes of stored bodies); 0: none
  std::int64_t room = default_room_id;  ///< last, so that today's initializers keep meaning the default room
};

/** What storing a draft gave: the stored message, or the original one when
 *  (username, client_id) was already stored (`duplicate`), or nothing when
 *  storing it would take its sender past `quota_bytes` (`over_quota`) or its
 *  room does not exist (`no_room`): then the message keeps id 0. */
struct append_outcome {
  chat_message message;
  bool duplicate = false;
  bool over_quota = false;
  bool no_room = false;
};

/** Messages in ascending id order; `more_before` says older ones in the asked
 *  range were left out. */
struct message_page {
  std::vector<chat_message> messages;
  bool more_before = false;
  std::int64_t horizon = 0;  ///< ids <= horizon were removed by retention (0: none ever was)
};

/** What retention keeps; a message goes when either limit says so. */
struct retention_policy {
  std::int64_t older_than_ms = 0;  ///< remove messages with time_ms below this (0: no age limit)
  std::int64_t keep_newest = 0;    ///< keep only this many of the newest (0: no count limit)
  bool active() const { return older_than_ms > 0 || keep_newest > 0; }
};

/** One retention step: how many messages went, the horizon after it, and
 *  whether more are due (the step stopped at its row limit). */
struct prune_result {
  std::size_t removed = 0;
  std::int64_t horizon = 0;
  bool more = false;
};

/** Stored messages. Every method blocks on the engine and throws store_error
 *  when it fails; never call one from an I/O thread. */
class message_store {
 public:
  virtual ~message_store() = default;

  /** Stores the drafts in one atomic commit, in order, and reports each.
   *  Each message takes the next position of its draft's room (its id), so
   *  positions in a room have no gaps that a message made. Called by ONE
   *  writer at a time (the message_writer's thread): ids grow in commit
   *  order, and within a room nothing commits with a lower id than one a
   *  reader has already seen. All or nothing: on failure it throws
   *  store_error and nothing is stored, so the drafts may be submitted again.
   *  A draft whose (username, client_id) is stored already is not stored
   *  again: its outcome is the original (`duplicate`), and it uses up no id. */
  virtual std::vector<append_outcome> append_messages(const std::vector<message_draft>& drafts) = 0;
  /** The default room's highest stored id, 0 if none. Any thread but the I/O threads. */
  virtual std::int64_t last_message_id() = 0;
  /** The default room's newest `max` messages with after < id <= upto, ascending, read from
   *  one consistent snapshot: every message committed before the call with an
   *  id in the range is in it or counted by `more_before`. Any number of
   *  readers at once, concurrently with the writer; never on an I/O thread. */
  virtual message_page messages_page(std::int64_t after, std::int64_t upto, std::size_t max) = 0;
  /** Removes at most `max_rows` of the oldest messages of every room that
   *  `policy` no longer keeps (the count limit counts every room's), in one
   *  commit, with their bytes from their senders' storage, and moves each
   *  room's horizon to its highest position removed (the result's horizon is
   *  the default room's). Called by the writer only
   *  (between its commits, so a send waits at most one step). Messages go
   *  oldest first: times never decrease along the ids. */
  virtual prune_result prune_messages(const retention_policy& policy, std::size_t max_rows) = 0;
  /** The highest id of the default room that retention removed, 0 if none. */
  virtual std::int64_t history_horizon() = 0;
};

}  // namespace chat::server
