// The rooms concern of the store: public and private rooms, direct messages,
// their members, and each room's own order of messages. No engine words
// here; the SQLite implementation is sqlite/sqlite_rooms.cpp. Nothing on the
// wire uses it yet: the default room (id 1) is what message_store serves.
#pragma once

#include "store/messages.hpp"
#include "store/store_error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::server {

enum class room_kind : std::uint8_t { public_room, private_room, dm };
/** A member's standing in one room; a room admin moderates that room. */
enum class room_role : std::uint8_t { member, admin };
/** What a member is notified of in one room. */
enum class notify_level : std::uint8_t { all, mentions, muted };

/** A room as listed. `last_position` is the highest position given in it. */
struct room_info {
  std::int64_t id = 0;
  room_kind kind = room_kind::public_room;
  std::string name;     ///< empty for a DM
  std::string topic;
  std::string creator;  ///< username; empty for the default room or a removed user
  std::int64_t created_ms = 0;
  std::int64_t last_position = 0;

  friend bool operator==(const room_info&, const room_info&) = default;
};

/** One member of a room. */
struct room_member_info {
  std::string username;
  room_role role = room_role::member;
  std::int64_t joined_ms = 0;
  std::int64_t read_position = 0;  ///< the member's read marker (positions <= it are read)
  notify_level notify = notify_level::all;

  friend bool operator==(const room_member_info&, const room_member_info&) = default;
};

/** A room to create; its creator becomes its first member, a room admin. */
struct new_room {
  room_kind kind = room_kind::public_room;  ///< public_room or private_room (DMs: find_or_create_dm)
  std::string name;
  std::string topic;
  std::string creator;
  std::int64_t now_ms = 0;
};

/** Why a room operation did nothing; `ok` when it did what was asked. */
enum class room_status : std::uint8_t {
  ok,
  bad_name,       ///< the name or topic breaks chat::check_room_name / check_room_topic
  name_taken,     ///< a public or private room has that name (any ASCII letter case)
  bad_kind,       ///< create_room asked for a DM
  no_such_room,
  no_such_user,   ///< a username that belongs to no user
  bad_members,    ///< a DM of fewer than 2 or more than limits::max_dm_members distinct users
  not_member,     ///< the acting user is not in the room
  not_allowed,    ///< the rules forbid it (see each method)
  already_member,
};

/** What create_room or find_or_create_dm gave. */
struct room_result {
  room_status status = room_status::ok;
  std::int64_t room = 0;  ///< the room's id when ok
  bool created = false;   ///< find_or_create_dm: this call created it
};

/** Rooms, members and per-room history. Every method blocks on the engine and
 *  throws store_error when it fails; never call one from an I/O thread.
 *  Thread-safe, and safe across processes on one database: each write is
 *  atomic and seen by every read that starts after it returns. Messages are
 *  appended through message_store::append_messages (a draft's `room`). */
class room_store {
 public:
  virtual ~room_store() = default;

  /** Creates a public or private room named by the rules; the name is unique
   *  among public and private rooms, ignoring ASCII letter case. */
  virtual room_result create_room(const new_room& r) = 0;
  /** The room, if it exists. */
  virtual std::optional<room_info> find_room(std::int64_t room) = 0;
  /** Every public room, by name. */
  virtual std::vector<room_info> public_rooms() = 0;
  /** The rooms `username` is a member of (DMs included), by id. */
  virtual std::vector<room_info> rooms_of(std::string_view username) = 0;
  /** The members of a room, by username. */
  virtual std::vector<room_member_info> members(std::int64_t room) = 0;

  /** `username` joins a public room (not_allowed for private rooms and DMs). */
  virtual room_status join(std::int64_t room, std::string_view username, std::int64_t now_ms) = 0;
  /** `username` leaves a public or private room (not_allowed for the default
   *  room, which every user is in, and for DMs, whose members are fixed). */
  virtual room_status leave(std::int64_t room, std::string_view username) = 0;
  /** A member `by` adds `invitee` to a public or private room (not_allowed
   *  for DMs: another set of members is another DM). */
  virtual room_status invite(std::int64_t room, std::string_view by, std::string_view invitee,
                             std::int64_t now_ms) = 0;
  /** A room admin `by` sets the role of member `who` (not_allowed if `by`
   *  is not a room admin of it, or for DMs). */
  virtual room_status set_member_role(std::int64_t room, std::string_view by, std::string_view who, room_role role) = 0;

  /** The one DM of exactly these users (2..max_dm_members distinct, any
   *  letter case, duplicates ignored), created if none exists: two callers
   *  asking for the same set at once, on any connection or process, get the
   *  same room. */
  virtual room_result find_or_create_dm(const std::vector<std::string>& usernames, std::int64_t now_ms) = 0;

  /** A room's messages with after < position <= upto, the newest `max`,
   *  ascending, each with its position as its id; as message_store's page. */
  virtual message_page room_page(std::int64_t room, std::int64_t after, std::int64_t upto, std::size_t max) = 0;
};

}  // namespace chat::server
