// Text rules shared by the server (which enforces them) and the client (which
// warns before sending): UTF-8 validity, length in characters, trimming,
// blank messages, usernames.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chat {

/** True if `s` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
bool is_valid_utf8(std::string_view s) noexcept;

/** A view of text known to be well-formed UTF-8, so a message is validated
 *  once on its way through: validate_utf8() makes one, and so does a reader
 *  that validated the same bytes as they arrived (the server's RFC 6455 frame
 *  reader), through already_checked(). */
class valid_utf8 {
 public:
  std::string_view text() const noexcept { return text_; }
  /** For a validator that has checked `s` itself; name it at the call. */
  static valid_utf8 already_checked(std::string_view s) noexcept { return valid_utf8(s); }

 private:
  explicit valid_utf8(std::string_view s) noexcept : text_(s) {}
  std::string_view text_;
};

/** `s` as valid_utf8, or nullopt if it is not well-formed UTF-8. */
std::optional<valid_utf8> validate_utf8(std::string_view s) noexcept;

/** Number of code points in valid UTF-8 `s` (each invalid byte counts as one). */
std::size_t utf8_length(std::string_view s) noexcept;

/** `s` without leading and trailing white space (ASCII and Unicode White_Space). */
std::string_view trim(std::string_view s) noexcept;

enum class body_status { ok, empty, too_long, invalid_utf8 };

/** The verdict on a message body and the trimmed text to store when ok. */
struct body_check {
  body_status status = body_status::ok;
  std::string_view text;    ///< trimmed body (a view into the input)
  std::size_t chars = 0;    ///< code points after trimming
};

/** Checks a raw body against the rules: valid UTF-8, 1..max_message_chars code
 *  points after trimming. */
body_check check_message_body(std::string_view raw) noexcept;
/** The same for a body already known to be UTF-8 (never invalid_utf8). */
body_check check_message_body(valid_utf8 raw) noexcept;

/** The wire error code for a refused body ("empty", "too_long", "invalid_utf8"). */
std::string_view body_error_code(body_status s) noexcept;
/** A sentence explaining the refusal, for people. */
std::string_view body_error_text(body_status s) noexcept;

enum class room_text_status { ok, empty, too_long, invalid_utf8, control_char };

/** The verdict on a room's name or topic and the trimmed text to store when ok. */
struct room_text_check {
  room_text_status status = room_text_status::ok;
  std::string_view text;  ///< trimmed (a view into the input)
};

/** A room name: valid UTF-8 in any script, 1..max_room_name_chars code points
 *  after trimming, no control characters (C0, DEL, C1: no line breaks). */
room_text_check check_room_name(std::string_view raw) noexcept;
/** A room topic: the same rules, 0..max_room_topic_chars code points. */
room_text_check check_room_topic(std::string_view raw) noexcept;

/** Usernames: 1..32 bytes of ASCII letters, digits, '.', '_', '-', starting
 *  with a letter or digit. */
bool is_valid_username(std::string_view s) noexcept;

/** `s` with A-Z folded to a-z, nothing else changed: usernames and host names
 *  compare ignoring ASCII letter case. */
std::string ascii_lower(std::string_view s);

}  // namespace chat
