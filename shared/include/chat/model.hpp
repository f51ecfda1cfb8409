// The chat's data model, shared by the server and the web client.
#pragma once

#include <cstdint>
#include <string>

namespace chat {

/** An employee who can log in: the seed's hrdb Employee row as the API shows it. */
struct user_profile {
  std::int64_t id = 0;
  std::string username;
  std::string firstname;
  std::string lastname;
  std::string name;       ///< display name, "Firstname Lastname"
  std::string picurl;     ///< same-origin URL of the picture, may be empty
  std::string job_title;  ///< "jobTitle" on the wire

  friend bool operator==(const user_profile&, const user_profile&) = default;
};

/** One chat message. `id` is the server's order; `time` is Unix epoch milliseconds. */
struct chat_message {
  std::int64_t id = 0;
  std::string username;
  std::string message;
  std::int64_t time = 0;
  std::string client_id;  ///< the sender's de-duplication key; empty for plain-text sends

  friend bool operator==(const chat_message&, const chat_message&) = default;
};

}  // namespace chat
