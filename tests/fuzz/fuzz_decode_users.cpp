// libFuzzer target: shared's decode_users and decode_user on any bytes (the
// answers of GET /api/employees and /api/me). They never throw or crash, and
// what they decode survives encode -> decode unchanged.
#include "fuzz_check.hpp"

#include <chat/protocol.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto users = chat::decode_users(text)) {
    const auto again = chat::decode_users(chat::encode_users(users.value()));
    FUZZ_CHECK(again && again.value() == users.value(), "encode_users -> decode_users changed the list");
  }
  if (const auto user = chat::decode_user(text)) {
    const auto again = chat::decode_user(chat::encode_user(user.value()));
    FUZZ_CHECK(again && again.value() == user.value(), "encode_user -> decode_user changed the user");
  }
  return 0;
}
