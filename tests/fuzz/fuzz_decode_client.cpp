// libFuzzer target: shared's decode_client on any bytes (a client's text
// frame). It never throws or crashes, refuses exactly the invalid UTF-8 with
// invalid_utf8, and what it decodes survives encode -> decode unchanged.
#include "fuzz_check.hpp"

#include <chat/protocol.hpp>
#include <chat/validation.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto decoded = chat::decode_client(text);
  const bool utf8 = chat::is_valid_utf8(text);
  if (!decoded) {
    const auto& code = decoded.error().code;
    FUZZ_CHECK(code == "bad_request" || code == "invalid_utf8", "unknown error code");
    FUZZ_CHECK((code == "invalid_utf8") == !utf8, "invalid_utf8 for valid text, or the reverse");
    return 0;
  }
  FUZZ_CHECK(utf8, "invalid UTF-8 was decoded");
  if (const auto* send = std::get_if<chat::send_request>(&decoded.value())) {
    FUZZ_CHECK(chat::is_valid_utf8(send->message), "a message body is not UTF-8");
    FUZZ_CHECK(send->client_id.empty() || chat::is_valid_client_id(send->client_id), "a bad client_id passed");
  } else {
    const auto& h = std::get<chat::history_request>(decoded.value());
    FUZZ_CHECK(h.limit >= 1 && (!h.before || *h.before >= 1), "a history request out of range passed");
  }
  const auto again = chat::decode_client(chat::encode(decoded.value()));
  FUZZ_CHECK(again && again.value() == decoded.value(), "encode -> decode changed the frame");
  return 0;
}
