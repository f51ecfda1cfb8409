// The SQLite engine behind the store interfaces, and the only place where its
// words (WAL, checkpoint, synchronous mode) appear outside sqlite/.
#pragma once

#include "store/rooms.hpp"
#include "store/store.hpp"

#include <memory>
#include <string>

namespace chat::server {

namespace sqlite {
class database;
}

/** When a commit reaches the disk. Both keep every committed message across a
 *  crash of the server (WAL); they differ on power loss and kernel crashes. */
enum class sync_mode {
  normal,  ///< synchronous=NORMAL: commits are in the WAL in the OS page cache; fsync at checkpoints
  full,    ///< synchronous=FULL: every commit waits for fsync (survives power loss)
};

/** How to open the database. */
struct sqlite_options {
  sync_mode sync = sync_mode::normal;
};

/** The store on one SQLite file: WAL mode, one write connection and a small
 *  pool of read connections (readers never wait for the writer). Also the
 *  rooms concern (rooms.hpp), which the server does not use yet. */
class sqlite_store final : public store, public room_store {
 public:
  /** Opens, creating and migrating if needed; throws store_error. */
  sqlite_store(const std::string& path, sqlite_options options);
  /** Checkpoints (errors ignored: SQLite replays the WAL on the next open). */
  ~sqlite_store() override;
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  /** The schema version after migrations. */
  int schema_version();
  /** Moves the write-ahead log into the main file and truncates it. */
  void checkpoint();

  bool created() const override;
  /** Checkpoints. */
  void close() override;

  void add_department(const department& d) override;
  add_result add_employee(const new_employee& e) override;
  std::unordered_set<std::string> registered_among(const std::vector<std::string>& usernames) override;
  bool set_password(std::string_view username, const std::string& hash) override;
  bool set_disabled(std::string_view username, bool disabled) override;
  bool set_role(std::string_view username, user_role role) override;
  std::optional<user_record> find_user(std::string_view username) override;
  std::vector<user_account> list_users() override;

  void create_session(const std::string& token_digest, std::int64_t emp_id, std::int64_t created_ms,
                      std::int64_t expires_ms) override;
  std::optional<user_profile> session_user(std::string_view token_digest, std::int64_t now_ms) override;
  std::unordered_set<std::string> live_sessions(const std::vector<std::string>& token_digests,
                                                std::int64_t now_ms) override;
  bool delete_session(std::string_view token_digest) override;
  int purge_expired_sessions(std::int64_t now_ms) override;

  std::vector<append_outcome> append_messages(const std::vector<message_draft>& drafts) override;
  std::int64_t last_message_id() override;
  message_page messages_page(std::int64_t after, std::int64_t upto, std::size_t max) override;
  prune_result prune_messages(const retention_policy& policy, std::size_t max_rows) override;
  std::int64_t history_horizon() override;

  room_result create_room(const new_room& r) override;
  std::optional<room_info> find_room(std::int64_t room) override;
  std::vector<room_info> public_rooms() override;
  std::vector<room_info> rooms_of(std::string_view username) override;
  std::vector<room_member_info> members(std::int64_t room) override;
  room_status join(std::int64_t room, std::string_view username, std::int64_t now_ms) override;
  room_status leave(std::int64_t room, std::string_view username) override;
  room_status invite(std::int64_t room, std::string_view by, std::string_view invitee, std::int64_t now_ms) override;
  room_status set_member_role(std::int64_t room, std::string_view by, std::string_view who, room_role role) override;
  room_result find_or_create_dm(const std::vector<std::string>& usernames, std::int64_t now_ms) override;
  message_page room_page(std::int64_t room, std::int64_t after, std::int64_t upto, std::size_t max) override;

 private:
  std::unique_ptr<sqlite::database> db_;
};

/** Opens (creating and migrating if needed) the SQLite database at `path`.
 *  Throws store_error if it cannot. */
std::unique_ptr<sqlite_store> open_sqlite_store(const std::string& path, sqlite_options options = {});

}  // namespace chat::server
