// The users concern of the store: the tutorial's hrdb departments and
// employees, with their password hashes. No engine words here: an
// implementation lives in its own folder (sqlite/).
#pragma once

#include "store/store_error.hpp"

#include <chat/model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace chat::server {

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

/** What add_employee did. */
enum class add_outcome {
  added,
  name_taken,     ///< a user of that name exists (any ASCII letter case)
  name_was_guest  ///< messages stored under that name (a guest's, from --guest-mode): a new user would look like their author
};
struct add_result {
  add_outcome outcome = add_outcome::added;
  std::int64_t id = 0;  ///< the new employee's id when added
};

/** What a user may do on the whole server. `admin` is the server admin role
 *  (granted and revoked with `chatroom-server user grant-admin|revoke-admin`);
 *  stored per user, for the moderation of the conversations to come. */
enum class user_role : std::uint8_t { member, admin };

/** A user with its standing: role and whether the account is disabled. */
struct user_account {
  user_profile user;
  user_role role = user_role::member;
  bool disabled = false;  ///< a disabled user cannot log in and has no session

  friend bool operator==(const user_account&, const user_account&) = default;
};

/** An account with the stored password hash (which never leaves the server). */
struct user_record : user_account {
  std::string password_hash;
};

/** Departments and employees. Every method blocks on the engine and throws
 *  store_error when it fails; call them from the store worker, the login pool
 *  or start-up and admin code, never from an I/O thread. Thread-safe: any
 *  number of callers at once; each write is atomic and is seen by every read
 *  that starts after it returns. */
class user_store {
 public:
  virtual ~user_store() = default;

  /** Adds a department (seeding). */
  virtual void add_department(const department& d) = 0;
  /** Adds an employee, unless the username is taken (usernames are unique
   *  ignoring ASCII letter case) or has messages stored under it (a guest
   *  posted with that name, any letter case): checked and added atomically. */
  virtual add_result add_employee(const new_employee& e) = 0;
  /** Of `usernames`, those that belong to a user (any letter case, disabled
   *  ones included), as given. One query whatever their number. */
  virtual std::unordered_set<std::string> registered_among(const std::vector<std::string>& usernames) = 0;
  /** Replaces a password hash and, in the same atomic step, revokes every
   *  session of the user; false if there is no such user. */
  virtual bool set_password(std::string_view username, const std::string& hash) = 0;
  /** Disables the user (it can no longer log in, its sessions are no longer
   *  found) and, in the same atomic step, revokes every session of the user;
   *  or enables it again. Idempotent; false if there is no such user. */
  virtual bool set_disabled(std::string_view username, bool disabled) = 0;
  /** Sets the user's role; false if there is no such user. */
  virtual bool set_role(std::string_view username, user_role role) = 0;
  /** The user named `username` (any letter case), with its standing and password hash. */
  virtual std::optional<user_record> find_user(std::string_view username) = 0;
  /** Every employee, disabled ones included, ordered by id. */
  virtual std::vector<user_account> list_users() = 0;
};

}  // namespace chat::server
