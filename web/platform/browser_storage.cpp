// browser_storage (see browser_storage.hpp) over js/platform.js.
#include "platform/browser_storage.hpp"

#include <cstdlib>

extern "C" {
// js/platform.js: the value as a malloc'ed string (the caller frees it), or null when absent.
char* chatroom_storage_get(const char* key);
void chatroom_storage_set(const char* key, const char* value);
void chatroom_storage_remove(const char* key);
}

namespace chat::web {

std::optional<std::string> browser_storage::get(const std::string& key) const {
  char* value = chatroom_storage_get(key.c_str());
  if (value == nullptr) return std::nullopt;
  std::string out(value);
  std::free(value);
  return out;
}

void browser_storage::set(const std::string& key, const std::string& value) {
  chatroom_storage_set(key.c_str(), value.c_str());
}

void browser_storage::remove(const std::string& key) { chatroom_storage_remove(key.c_str()); }

}  // namespace chat::web
