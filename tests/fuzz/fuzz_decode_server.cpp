// libFuzzer target: shared's decode_server on any bytes (what the web client
// receives). It never throws or crashes, and what it decodes survives
// encode -> decode unchanged.
#include "fuzz_check.hpp"

#include <chat/protocol.hpp>
#include <chat/validation.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto decoded = chat::decode_server(text);
  if (!decoded) {
    const auto& code = decoded.error().code;
    FUZZ_CHECK(code == "bad_request" || code == "invalid_utf8", "unknown error code");
    FUZZ_CHECK((code == "invalid_utf8") == !chat::is_valid_utf8(text), "invalid_utf8 for valid text, or the reverse");
    return 0;
  }
  const auto again = chat::decode_server(chat::encode(decoded.value()));
  FUZZ_CHECK(again && again.value() == decoded.value(), "encode -> decode changed the frame");
  return 0;
}
