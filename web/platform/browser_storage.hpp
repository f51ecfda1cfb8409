// The client's local_store in the browser: window.localStorage, under keys
// prefixed "chatroom.". Best effort: where storage is disabled or full the
// values are simply not kept (the client then works as without a store).
#pragma once

#include "client/local_store.hpp"

namespace chat::web {

class browser_storage final : public local_store {
 public:
  std::optional<std::string> get(const std::string& key) const override;
  void set(const std::string& key, const std::string& value) override;
  void remove(const std::string& key) override;
};

}  // namespace chat::web
