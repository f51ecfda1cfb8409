// The database behind the chat: users (the hrdb Employee table), sessions and
// messages. The room and auth see only this interface, never SQL; a second
// backend is a second implementation of it. Implementations are thread-safe.
#pragma once

#include <chat/model.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace chat::server {

/** A failure of the database itself (I/O error, corrupt file, disk full). */
class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** A row of hrdb Department. */
struct department {
  std::int64_t id = 0;
  std::string name;
  std::string code;
  std::string location;
};

/** A new row of hrdb Employee; `password_hash` is an argon2id string. */
struct new_employee {
  std::string username;
  std::string firstname;
  std::string lastname;
  std::string job_title;
  std::string picurl;
  std::int64_t dept_id = 0;  ///< 0: no department
  std::string password_hash;
};

/** A user with the stored password hash (which never leaves the server). */
struct user_record {
  user_profile user;
  std::string password_hash;
};

/** A message to store; the store assigns its id. */
struct message_draft {
  std::string username;
  std::string body;
  std::string client_id;  ///< empty: no de-duplication key
  std::int64_t time_ms = 0;
};

/** What storing a draft gave: the stored message, or the original one when
 *  (username, client_id) was already stored (`duplicate`). */
struct append_outcome {
  chat_message message;
  bool duplicate = false;
};

/** Messages in ascending id order; `more_before` says older ones in the asked
 *  range were left out. */
struct message_page {
  std::vector<chat_message> messages;
  bool more_before = false;
};

/** Users, sessions and messages. */
class store {
 public:
  virtual ~store() = default;

  /** The schema version after migrations. */
  virtual int schema_version() = 0;
  /** True if this open created the database (the first start). */
  virtual bool created() const = 0;

  virtual void add_department(const department& d) = 0;
  /** Adds an employee; returns the new EMP_ID, or nullopt if the username is taken. */
  virtual std::optional<std::int64_t> add_employee(const new_employee& e) = 0;
  /** Replaces a password hash and revokes the user's sessions; false if no such user. */
  virtual bool set_password(std::string_view username, const std::string& hash) = 0;
  virtual std::optional<user_record> find_user(std::string_view username) = 0;
  /** Every employee, ordered by EMP_ID. */
  virtual std::vector<user_profile> list_users() = 0;

  /** Stores a session under the digest of its token. */
  virtual void create_session(const std::string& token_digest, std::int64_t emp_id, std::int64_t created_ms,
                              std::int64_t expires_ms) = 0;
  /** The user of a live session, if the digest names one that has not expired at `now_ms`. */
  virtual std::optional<user_profile> session_user(std::string_view token_digest, std::int64_t now_ms) = 0;
  /** Revokes a session; false if there was none. */
  virtual bool delete_session(std::string_view token_digest) = 0;
  /** Deletes expired sessions; returns how many. */
  virtual int purge_expired_sessions(std::int64_t now_ms) = 0;

  /** Stores the drafts in one transaction, in order, and reports each. All or
   *  nothing: on failure throws store_error and nothing is stored. */
  virtual std::vector<append_outcome> append_messages(const std::vector<message_draft>& drafts) = 0;
  /** The highest stored message id, 0 if none. */
  virtual std::int64_t last_message_id() = 0;
  /** The newest `max` messages with after < id <= upto, ascending. */
  virtual message_page messages_page(std::int64_t after, std::int64_t upto, std::size_t max) = 0;

  /** Moves the write-ahead log into the main file (on shutdown). */
  virtual void checkpoint() = 0;
};

/** When a commit reaches the disk. Both keep every committed message across a
 *  crash of the server (WAL); they differ on power loss and kernel crashes. */
enum class sync_mode {
  normal,  ///< synchronous=NORMAL: commits are in the WAL in the OS page cache; fsync at checkpoints
  full,    ///< synchronous=FULL: every commit waits for fsync (survives power loss)
};

/** Opens (creating and migrating if needed) the SQLite database at `path`.
 *  Throws store_error if it cannot. */
std::unique_ptr<store> open_sqlite_store(const std::string& path, sync_mode sync = sync_mode::normal);

}  // namespace chat::server
