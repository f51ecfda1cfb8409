// The names the open guest sockets hold (see guest_names.hpp).
#include "auth/guest_names.hpp"

#include <chat/validation.hpp>

namespace chat::server {

guest_names::claim guest_names::take(const std::string& name) {
  std::string key = ascii_lower(name);
  {
    std::lock_guard lock(table_->mu);
    if (!table_->names.insert(key).second) return nullptr;
  }
  return std::shared_ptr<const std::string>(new std::string(std::move(key)),
                                            [t = table_](const std::string* held) {
                                              {
                                                std::lock_guard lock(t->mu);
                                                t->names.erase(*held);
                                              }
                                              delete held;
                                            });
}

std::size_t guest_names::size() const {
  std::lock_guard lock(table_->mu);
  return table_->names.size();
}

}  // namespace chat::server
