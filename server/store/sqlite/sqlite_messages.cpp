// The messages concern on SQLite (see sqlite_store.hpp, store/messages.hpp):
// appends in the writer's transaction with each room's positions and each
// sender's stored bytes, history pages of a room from pooled readers, and
// retention's removal steps.
#include "store/sqlite/sqlite_store.hpp"

#include "store/sqlite/database.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace chat::server {
namespace {

using sqlite::query;
using sqlite::transaction;

chat_message message_from(const query& q) {
  return chat_message{q.i64(0), q.text(1), q.text(2), q.i64(3), q.text(4)};
}

}  // namespace

std::vector<append_outcome> sqlite_store::append_messages(const std::vector<message_draft>& drafts) {
  std::vector<append_outcome> out;
  out.reserve(drafts.size());
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  // Each sender's stored bytes: read once per batch when a quota applies,
  // written back once per sender.
  std::map<std::string, std::int64_t, std::less<>> stored, added;
  // Each room's last position: read once per batch from the room's counter
  // row, written back once per room. Under the write transaction, so writers
  // to one room take turns and a position never commits below a visible one.
  std::map<std::int64_t, std::int64_t> last_seq, first_seq;
  auto room_last = [&](std::int64_t room) -> std::int64_t* {
    auto it = last_seq.find(room);
    if (it == last_seq.end()) {
      query q(w, "SELECT last_seq FROM rooms WHERE id=?");
      q.bind(1, room);
      if (!q.step()) return nullptr;
      it = last_seq.emplace(room, q.i64(0)).first;
      first_seq.emplace(room, q.i64(0));
    }
    return &it->second;
  };
  auto stored_bytes = [&](const std::string& username) {
    auto it = stored.find(username);
    if (it == stored.end()) {
      query q(w, "SELECT bytes FROM user_storage WHERE username=?");
      q.bind(1, username);
      it = stored.emplace(username, q.step() ? q.i64(0) : 0).first;
    }
    return it->second + added[username];
  };
  for (const auto& d : drafts) {
    if (!d.client_id.empty()) {
      // A resend of a stored (username, client_id): report the original.
      // Looked up first so that a refused insert never uses up an id.
      query orig(w,
                 "SELECT seq, username, body, time_ms, COALESCE(client_id,'') FROM messages "
                 "WHERE username=? AND client_id=?");
      orig.bind(1, d.username).bind(2, d.client_id);
      if (orig.step()) {
        out.push_back({message_from(orig), true});
        continue;
      }
    }
    const auto size = static_cast<std::int64_t>(d.body.size());
    if (d.quota_bytes > 0 && stored_bytes(d.username) + size > d.quota_bytes) {
      out.push_back({chat_message{0, d.username, d.body, d.time_ms, d.client_id}, false, true});
      continue;
    }
    auto* last = room_last(d.room);
    if (!last) {
      out.push_back({chat_message{0, d.username, d.body, d.time_ms, d.client_id}, false, false, true});
      continue;
    }
    const auto position = ++*last;
    query ins(w, "INSERT INTO messages(room_id, seq, username, body, time_ms, client_id) VALUES(?,?,?,?,?,?)");
    ins.bind(1, d.room).bind(2, position).bind(3, d.username).bind(4, d.body).bind(5, d.time_ms);
    if (d.client_id.empty()) {
      ins.bind_null(6);
    } else {
      ins.bind(6, d.client_id);
    }
    ins.step();
    added[d.username] += size;
    out.push_back({chat_message{position, d.username, d.body, d.time_ms, d.client_id}, false});
  }
  for (const auto& [room, last] : last_seq) {
    if (last == first_seq[room]) continue;
    query up(w, "UPDATE rooms SET last_seq=? WHERE id=?");
    up.bind(1, last).bind(2, room).step();
  }
  for (const auto& [username, bytes] : added) {
    if (bytes == 0) continue;
    query up(w,
             "INSERT INTO user_storage(username, bytes) VALUES(?,?) "
             "ON CONFLICT(username) DO UPDATE SET bytes = bytes + excluded.bytes");
    up.bind(1, username).bind(2, bytes).step();
  }
  tx.commit();
  return out;
}

prune_result sqlite_store::prune_messages(const retention_policy& policy, std::size_t max_rows) {
  prune_result r;
  if (!policy.active() || max_rows == 0) return r;
  std::lock_guard lock(db_->write_mu());
  auto& w = db_->writer();
  transaction tx(w);
  // The newest id the count limit lets go (0: none).
  std::int64_t over_count = 0;
  if (policy.keep_newest > 0) {
    query q(w, "SELECT id FROM messages ORDER BY id DESC LIMIT 1 OFFSET ?");
    q.bind(1, policy.keep_newest);
    if (q.step()) over_count = q.i64(0);
  }
  // What goes is a prefix of the id order (times never decrease along ids):
  // walk the oldest rows while either limit lets them go.
  std::int64_t last = 0;
  std::map<std::string, std::int64_t, std::less<>> freed;
  std::map<std::int64_t, std::int64_t> horizons;  // room -> highest position removed
  {
    query q(w,
            "SELECT id, time_ms, username, length(CAST(body AS BLOB)), room_id, seq FROM messages "
            "ORDER BY id LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(max_rows));
    while (q.step()) {
      const auto id = q.i64(0);
      const bool too_old = policy.older_than_ms > 0 && q.i64(1) < policy.older_than_ms;
      if (!too_old && id > over_count) break;
      last = id;
      freed[q.text(2)] += q.i64(3);
      auto& h = horizons[q.i64(4)];
      h = std::max(h, q.i64(5));
      ++r.removed;
    }
  }
  r.more = r.removed == max_rows;
  if (r.removed > 0) {
    query d(w, "DELETE FROM messages WHERE id <= ?");
    d.bind(1, last).step();
    for (const auto& [username, bytes] : freed) {
      query up(w, "UPDATE user_storage SET bytes = max(0, bytes - ?) WHERE username=?");
      up.bind(1, bytes).bind(2, username).step();
    }
    for (const auto& [room, position] : horizons) {
      query h(w, "UPDATE rooms SET horizon = max(horizon, ?) WHERE id=?");
      h.bind(1, position).bind(2, room).step();
    }
  }
  {
    query h(w, "SELECT horizon FROM rooms WHERE id=?");
    h.bind(1, default_room_id);
    r.horizon = h.step() ? h.i64(0) : 0;
  }
  tx.commit();
  return r;
}

std::int64_t sqlite_store::history_horizon() {
  auto c = db_->reader();
  query q(*c, "SELECT horizon FROM rooms WHERE id=?");
  q.bind(1, default_room_id);
  return q.step() ? q.i64(0) : 0;
}

std::int64_t sqlite_store::last_message_id() {
  auto c = db_->reader();
  query q(*c, "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room_id=?");
  q.bind(1, default_room_id);
  q.step();
  return q.i64(0);
}

message_page sqlite_store::messages_page(std::int64_t after, std::int64_t upto, std::size_t max) {
  return room_page(default_room_id, after, upto, max);
}

message_page sqlite_store::room_page(std::int64_t room, std::int64_t after, std::int64_t upto, std::size_t max) {
  message_page page;
  auto c = db_->reader();
  {
    query h(*c, "SELECT horizon FROM rooms WHERE id=?");
    h.bind(1, room);
    page.horizon = h.step() ? h.i64(0) : 0;
  }
  if (max == 0 || upto <= after) return page;
  query q(*c,
          "SELECT seq, username, body, time_ms, COALESCE(client_id,'') FROM messages "
          "WHERE room_id = ? AND seq > ? AND seq <= ? ORDER BY seq DESC LIMIT ?");
  q.bind(1, room).bind(2, after).bind(3, upto).bind(4, static_cast<std::int64_t>(max + 1));
  while (q.step()) page.messages.push_back(message_from(q));
  if (page.messages.size() > max) {
    page.messages.pop_back();
    page.more_before = true;
  }
  std::reverse(page.messages.begin(), page.messages.end());
  return page;
}

}  // namespace chat::server
