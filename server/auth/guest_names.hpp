// The names the open guest sockets hold (--guest-mode). A guest has no account
// and no session, only the name it asked for: two guests must not speak under
// one name, so a name is held from the upgrade's admission until the last copy
// of its claim (kept in the connection's member_info) is gone.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

namespace chat::server {

class guest_names {
 public:
  /** Held while any copy lives; releasing the last one frees the name. */
  using claim = std::shared_ptr<const void>;

  /** Takes `name` (ASCII letter case ignored, as for usernames); null when
   *  another guest holds it. Thread-safe. */
  claim take(const std::string& name);

  /** How many names are held. */
  std::size_t size() const;

 private:
  struct table {
    mutable std::mutex mu;
    std::unordered_set<std::string> names;  ///< folded to ASCII lower case
  };
  std::shared_ptr<table> table_ = std::make_shared<table>();  // claims may outlive this object
};

}  // namespace chat::server
