// Clock and date labels from epoch milliseconds (see chat/time_format.hpp).
#include <chat/time_format.hpp>

#include <cstdint>
#include <cstdio>

namespace chat {
namespace {

constexpr std::int64_t ms_per_day = 86'400'000;

/** Floor division, so times before 1970 fall on the right day. */
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/** Local wall-clock milliseconds, saturating instead of overflowing. */
std::int64_t local_ms(std::int64_t epoch_ms, int utc_offset_minutes) noexcept {
  const std::int64_t shift = static_cast<std::int64_t>(utc_offset_minutes) * 60'000;
  constexpr std::int64_t hi = INT64_MAX, lo = INT64_MIN;
  if (shift > 0 && epoch_ms > hi - shift) return hi;
  if (shift < 0 && epoch_ms < lo - shift) return lo;
  return epoch_ms + shift;
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01),
 *  by counting 400-year eras that start on March 1st. */
civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719468;  // days from 0000-03-01 to 1970-01-01
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;                                  // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                 // [0, 11], March = 0
  civil_date d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  return d;
}

}  // namespace

std::int64_t local_day_number(std::int64_t epoch_ms, int utc_offset_minutes) noexcept {
  return floor_div(local_ms(epoch_ms, utc_offset_minutes), ms_per_day);
}

civil_date local_date(std::int64_t epoch_ms, int utc_offset_minutes) noexcept {
  const std::int64_t days = local_day_number(epoch_ms, utc_offset_minutes);
  civil_date d = civil_from_days(days);
  const std::int64_t wd = (days + 4) % 7;  // 1970-01-01 was a Thursday
  d.weekday = static_cast<int>(wd < 0 ? wd + 7 : wd);
  return d;
}

std::string format_clock(std::int64_t epoch_ms, int utc_offset_minutes) {
  const std::int64_t local = local_ms(epoch_ms, utc_offset_minutes);
  std::int64_t ms_of_day = local % ms_per_day;  // not local - floor(local/day)*day: that overflows near INT64_MIN
  if (ms_of_day < 0) ms_of_day += ms_per_day;
  const int secs = static_cast<int>(ms_of_day / 1000);
  const int h24 = secs / 3600, m = secs / 60 % 60, s = secs % 60;
  const int h12 = h24 % 12 == 0 ? 12 : h24 % 12;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d %s", h12, m, s, h24 < 12 ? "AM" : "PM");
  return buf;
}

std::string date_label(std::int64_t epoch_ms, int utc_offset_minutes, std::int64_t now_ms) {
  const std::int64_t day = local_day_number(epoch_ms, utc_offset_minutes);
  const std::int64_t today = local_day_number(now_ms, utc_offset_minutes);
  if (day == today) return "Today";
  if (day == today - 1) return "Yesterday";
  static constexpr const char* weekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                             "Thursday", "Friday", "Saturday"};
  static constexpr const char* months[] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};
  const civil_date d = local_date(epoch_ms, utc_offset_minutes);
  return std::string(weekdays[d.weekday]) + ", " + months[d.month - 1] + " " + std::to_string(d.day) +
         ", " + std::to_string(d.year);
}

}  // namespace chat
