// The rooms concern on SQLite (see store/rooms.hpp): rooms and members as
// rows, each write one BEGIN IMMEDIATE transaction on the write connection, so
// writers on other connections or processes wait for it (busy timeout) and a
// check and the write it guards are one atomic step; a DM's member set is a
// UNIQUE key, so its creation is exactly-once on any engine.
#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/database.hpp"

#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <algorithm>

namespace chat::server {
namespace {

using sqlite::query;
using sqlite::transaction;

const char* const room_columns =
    "SELECT r.id, r.kind, COALESCE(r.name,''), r.topic, COALESCE(c.USERNAME,''), r.created_ms, r.last_seq "
    "FROM rooms r LEFT JOIN EMPLOYEE c ON c.EMP_ID = r.creator_id ";

room_kind kind_from(std::string_view s) {
  if (s == "dm") return room_kind::dm;
  return s == "private" ? room_kind::private_room : room_kind::public_room;
}

room_info room_from(const query& q) {
  return room_info{q.i64(0), kind_from(q.text(1)), q.text(2), q.text(3), q.text(4), q.i64(5), q.i64(6)};
}

notify_level notify_from(std::string_view s) {
  if (s == "muted") return notify_level::muted;
  return s == "mentions" ? notify_level::mentions : notify_level::all;
}

/** The employee id of `username` (any letter case), 0 if none. */
std::int64_t emp_id(sqlite::connection& c, std::string_view username) {
  query q(c, "SELECT EMP_ID FROM EMPLOYEE WHERE USERNAME=?");
  q.bind(1, username);
  return q.step() ? q.i64(0) : 0;
}

/** The kind of `room`, if it exists. */
std::optional<room_kind> kind_of(sqlite::connection& c, std::int64_t room) {
  query q(c, "SELECT kind FROM rooms WHERE id=?");
  q.bind(1, room);
  if (!q.step()) return std::nullopt;
  return kind_from(q.text(0));
}

/** The role of employee `emp` in `room`, if a member. */
std::optional<room_role> role_of(sqlite::connection& c, std::int64_t room, std::int64_t emp) {
  query q(c, "SELECT role FROM room_members WHERE room_id=? AND emp_id=?");
  q.bind(1, room).bind(2, emp);
  if (!q.step()) return std::nullopt;
  return q.text(0) == "admin" ? room_role::admin : room_role::member;
}

/** A member acting on another user in a room that is not a DM: both users
 *  exist and the actor is a member (`status` ok), with the actor's role. */
struct member_action {
  room_status status = room_status::ok;
  std::int64_t target = 0;
  room_role by_role = room_role::member;

  static member_action check(sqlite::connection& w, std::int64_t room, std::string_view by, std::string_view who) {
    const auto kind = kind_of(w, room);
    if (!kind) return {room_status::no_such_room};
    if (*kind == room_kind::dm) return {room_status::not_allowed};
    const auto from = emp_id(w, by);
    const auto target = emp_id(w, who);
    if (from == 0 || target == 0) return {room_status::no_such_user};
    const auto role = role_of(w, room, from);
    if (!role) return {room_status::not_member};
    return {room_status::ok, target, *role};
  }
};

/** Adds employee `emp` to `room` with everything before now read; false if a member already. */
bool add_member(sqlite::connection& w, std::int64_t room, std::int64_t emp, room_role role, std::int64_t now_ms) {
  query q(w,
          "INSERT INTO room_members(room_id, emp_id, role, joined_ms, read_seq) "
          "SELECT id, ?, ?, ?, last_seq FROM rooms WHERE id=? ON CONFLICT DO NOTHING");
  q.bind(1, emp).bind(2, std::string_view(role == room_role::admin ? "admin" : "member")).bind(3, now_ms).bind(4, room);
  q.step();
  return sqlite3_changes(w.raw()) > 0;
}

}  // namespace

room_result sqlite_store::create_room(const new_room& r) {
  if (r.kind == room_kind::dm) return {room_status::bad_kind};
  const auto name = check_room_name(r.name);
  const auto topic = check_room_topic(r.topic);
  if (name.status != room_text_status::ok || topic.status != room_text_status::ok) return {room_status::bad_name};
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  const auto creator = emp_id(w, r.creator);
  if (creator == 0) return {room_status::no_such_user};
  query ins(w, "INSERT INTO rooms(kind, name, topic, creator_id, created_ms) VALUES(?,?,?,?,?)");
  ins.bind(1, std::string_view(r.kind == room_kind::private_room ? "private" : "public"))
      .bind(2, name.text)
      .bind(3, topic.text)
      .bind(4, creator)
      .bind(5, r.now_ms);
  // The one constraint a public or private room can break is its name's uniqueness.
  if (!ins.run_allowing_constraint()) return {room_status::name_taken};
  const auto room = sqlite3_last_insert_rowid(w.raw());
  add_member(w, room, creator, room_role::admin, r.now_ms);
  tx.commit();
  return {room_status::ok, room, true};
}

std::optional<room_info> sqlite_store::find_room(std::int64_t room) {
  static const std::string sql = std::string(room_columns) + "WHERE r.id=?";
  auto c = db_->reader();
  query q(*c, sql.c_str());
  q.bind(1, room);
  if (!q.step()) return std::nullopt;
  return room_from(q);
}

std::vector<room_info> sqlite_store::public_rooms() {
  static const std::string sql = std::string(room_columns) + "WHERE r.kind='public' ORDER BY r.name, r.id";
  auto c = db_->reader();
  query q(*c, sql.c_str());
  std::vector<room_info> out;
  while (q.step()) out.push_back(room_from(q));
  return out;
}

std::vector<room_info> sqlite_store::rooms_of(std::string_view username) {
  static const std::string sql = std::string(room_columns) +
                                 "JOIN room_members m ON m.room_id = r.id "
                                 "WHERE m.emp_id = (SELECT EMP_ID FROM EMPLOYEE WHERE USERNAME=?) ORDER BY r.id";
  auto c = db_->reader();
  query q(*c, sql.c_str());
  q.bind(1, username);
  std::vector<room_info> out;
  while (q.step()) out.push_back(room_from(q));
  return out;
}

std::vector<room_member_info> sqlite_store::members(std::int64_t room) {
  auto c = db_->reader();
  query q(*c,
          "SELECT e.USERNAME, m.role, m.joined_ms, m.read_seq, m.notify FROM room_members m "
          "JOIN EMPLOYEE e ON e.EMP_ID = m.emp_id WHERE m.room_id=? ORDER BY e.USERNAME");
  q.bind(1, room);
  std::vector<room_member_info> out;
  while (q.step()) {
    out.push_back({q.text(0), q.text(1) == "admin" ? room_role::admin : room_role::member, q.i64(2), q.i64(3),
                   notify_from(q.text(4))});
  }
  return out;
}

room_status sqlite_store::join(std::int64_t room, std::string_view username, std::int64_t now_ms) {
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  const auto kind = kind_of(w, room);
  if (!kind) return room_status::no_such_room;
  if (*kind != room_kind::public_room) return room_status::not_allowed;
  const auto emp = emp_id(w, username);
  if (emp == 0) return room_status::no_such_user;
  if (!add_member(w, room, emp, room_role::member, now_ms)) return room_status::already_member;
  tx.commit();
  return room_status::ok;
}

room_status sqlite_store::leave(std::int64_t room, std::string_view username) {
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  const auto kind = kind_of(w, room);
  if (!kind) return room_status::no_such_room;
  if (room == default_room_id || *kind == room_kind::dm) return room_status::not_allowed;
  const auto emp = emp_id(w, username);
  if (emp == 0) return room_status::no_such_user;
  query d(w, "DELETE FROM room_members WHERE room_id=? AND emp_id=?");
  d.bind(1, room).bind(2, emp).step();
  if (sqlite3_changes(w.raw()) == 0) return room_status::not_member;
  tx.commit();
  return room_status::ok;
}

room_status sqlite_store::invite(std::int64_t room, std::string_view by, std::string_view invitee,
                                 std::int64_t now_ms) {
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  const member_action a = member_action::check(w, room, by, invitee);
  if (a.status != room_status::ok) return a.status;
  if (!add_member(w, room, a.target, room_role::member, now_ms)) return room_status::already_member;
  tx.commit();
  return room_status::ok;
}

room_status sqlite_store::set_member_role(std::int64_t room, std::string_view by, std::string_view who, room_role role) {
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  const member_action a = member_action::check(w, room, by, who);
  if (a.status != room_status::ok) return a.status;
  if (a.by_role != room_role::admin) return room_status::not_allowed;
  query q(w, "UPDATE room_members SET role=? WHERE room_id=? AND emp_id=?");
  q.bind(1, std::string_view(role == room_role::admin ? "admin" : "member")).bind(2, room).bind(3, a.target).step();
  if (sqlite3_changes(w.raw()) == 0) return room_status::not_member;
  tx.commit();
  return room_status::ok;
}

room_result sqlite_store::find_or_create_dm(const std::vector<std::string>& usernames, std::int64_t now_ms) {
  if (usernames.size() < 2 || usernames.size() > 4 * limits::max_dm_members) return {room_status::bad_members};
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  std::vector<std::int64_t> ids;
  for (const auto& u : usernames) {
    const auto id = emp_id(w, u);
    if (id == 0) return {room_status::no_such_user};
    ids.push_back(id);
  }
  const auto starter = ids.front();
  // The key of a member set: its sorted, distinct employee ids.
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() < 2 || ids.size() > limits::max_dm_members) return {room_status::bad_members};
  std::string key;
  for (const auto id : ids) key += (key.empty() ? "" : ",") + std::to_string(id);
  // Exactly once: the UNIQUE dm_key lets one insert in, whoever races it.
  query ins(w,
            "INSERT INTO rooms(kind, dm_key, creator_id, created_ms) VALUES('dm',?,?,?) "
            "ON CONFLICT(dm_key) DO NOTHING");
  ins.bind(1, key).bind(2, starter).bind(3, now_ms).step();
  room_result r;
  if (sqlite3_changes(w.raw()) > 0) {
    r.room = sqlite3_last_insert_rowid(w.raw());
    r.created = true;
    for (const auto id : ids) add_member(w, r.room, id, room_role::member, now_ms);
  } else {
    query q(w, "SELECT id FROM rooms WHERE dm_key=?");
    q.bind(1, key);
    if (!q.step()) throw store_error("the DM of members " + key + " is neither new nor stored");
    r.room = q.i64(0);
  }
  tx.commit();
  return r;
}

}  // namespace chat::server
