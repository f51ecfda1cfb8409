// Message times as the tutorial shows them (`hh:mm:ss a`) and day labels for
// the separators between days. Pure arithmetic on epoch milliseconds and a
// UTC offset, so both trees format alike.
#pragma once

#include <cstdint>
#include <string>

namespace chat {

/** A calendar day. `weekday` is 0 = Sunday … 6 = Saturday. */
struct civil_date {
  int year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..31
  int weekday = 4;
  friend bool operator==(const civil_date&, const civil_date&) = default;
};

/** Days since 1970-01-01 of the local day holding `epoch_ms` at `utc_offset_minutes`. */
std::int64_t local_day_number(std::int64_t epoch_ms, int utc_offset_minutes) noexcept;

/** The local calendar date of `epoch_ms`. */
civil_date local_date(std::int64_t epoch_ms, int utc_offset_minutes) noexcept;

/** `hh:mm:ss a`, for example "03:07:09 PM"; midnight is "12:00:00 AM". */
std::string format_clock(std::int64_t epoch_ms, int utc_offset_minutes);

/** A day separator: "Today", "Yesterday", or "Saturday, November 28, 2026". */
std::string date_label(std::int64_t epoch_ms, int utc_offset_minutes, std::int64_t now_ms);

}  // namespace chat
