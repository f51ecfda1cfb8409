// The close, error-event and HTTP error codes of chat/codes.hpp are the ones
// docs/protocol.md promises: every code the server sends is in the document's tables, and the
// tables name no code the program does not define.
#include <chat/codes.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace chat;

namespace {

/** The close codes a server or client sends (1005, 1006 and 1008 never are). */
const std::set<int> sent_close_codes = {close_code::normal,          close_code::going_away,   close_code::protocol_error,
                                        close_code::unknown_data,    close_code::bad_payload,  close_code::too_big,
                                        close_code::internal_error,  close_code::try_again_later,
                                        close_code::rate_limited,    close_code::session_ended};

const std::set<std::string> error_codes = {wire_error::too_long,     wire_error::empty, wire_error::invalid_utf8,
                                           wire_error::bad_request,  wire_error::rate_limited, wire_error::busy,
                                           wire_error::unavailable, wire_error::quota_exceeded};

const std::set<std::string> http_codes = {
    http_error::bad_request,      http_error::bad_credentials,   http_error::unauthorized,
    http_error::forbidden_origin, http_error::forbidden_address, http_error::username_mismatch,
    http_error::username_taken,   http_error::account_disabled,
    http_error::not_found,        http_error::method_not_allowed, http_error::body_too_large,
    http_error::misdirected_request,
    http_error::upgrade_required, http_error::throttled,         http_error::headers_too_large,
    http_error::internal,         http_error::busy,              http_error::unavailable,
    http_error::shutting_down,    http_error::handshake_timeout,
    http_error::connecting_too_fast, http_error::too_many_address_connections, http_error::too_many_user_connections};

}  // namespace

#ifdef CHATROOM_SOURCE_DIR
TEST_CASE("the codes match docs/protocol.md", "[codes]") {
  std::ifstream in(std::string(CHATROOM_SOURCE_DIR) + "/docs/protocol.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();

  const auto close_section = doc.find("## 5. Close codes");
  REQUIRE(close_section != std::string::npos);
  std::set<int> documented;
  const std::regex row(R"(\n\| (\d{4}) \|)");
  for (auto it = std::sregex_iterator(doc.begin() + static_cast<long>(close_section), doc.end(), row);
       it != std::sregex_iterator(); ++it) {
    documented.insert(std::stoi((*it)[1]));
  }
  CHECK(documented == sent_close_codes);

  const auto errors = doc.find("- Error codes:");
  REQUIRE(errors != std::string::npos);
  const std::string paragraph = doc.substr(errors, doc.find("\n- ", errors + 1) - errors);
  std::set<std::string> named;
  const std::regex code("`([a-z_0-9]+)`");
  for (auto it = std::sregex_iterator(paragraph.begin(), paragraph.end(), code); it != std::sregex_iterator(); ++it) {
    named.insert((*it)[1]);
  }
  CHECK(named == error_codes);

  // §2 names each HTTP error as "STATUS `code`", in its tables and its prose.
  const auto http_section = doc.find("## 2. ");
  const auto http_end = doc.find("## 3. ");
  REQUIRE(http_section != std::string::npos);
  REQUIRE(http_end != std::string::npos);
  const std::string http = doc.substr(http_section, http_end - http_section);
  std::set<std::string> answered;
  const std::regex status_code(R"(\b[45]\d\d\s+`([a-z_]+)`)");
  for (auto it = std::sregex_iterator(http.begin(), http.end(), status_code); it != std::sregex_iterator(); ++it) {
    answered.insert((*it)[1]);
  }
  CHECK(answered == http_codes);
}
#endif
