// What the client keeps across page loads: a small key-value store. In the
// browser it is localStorage (platform/browser_storage.*); tests use a map.
// chat_client owns the keys and what is in them (the outbox of each user, a
// logout the server has not confirmed); without a store nothing outlives the page.
#pragma once

#include <optional>
#include <string>

namespace chat::web {

class local_store {
 public:
  virtual ~local_store() = default;
  /** The value saved under `key`, if any. */
  virtual std::optional<std::string> get(const std::string& key) const = 0;
  /** Saves `value` under `key` (best effort: a full or disabled store keeps nothing). */
  virtual void set(const std::string& key, const std::string& value) = 0;
  virtual void remove(const std::string& key) = 0;
};

}  // namespace chat::web
