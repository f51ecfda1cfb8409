// Times as the tutorial shows them (`hh:mm:ss a`) and day separators.
#include <chat/time_format.hpp>

#include <catch2/catch.hpp>

using namespace chat;

namespace {
constexpr std::int64_t hour = 3'600'000;
constexpr std::int64_t day = 24 * hour;
// 2026-11-28 00:00:00 UTC (a Saturday).
constexpr std::int64_t nov28 = 1795824000000;
}  // namespace

TEST_CASE("clock at midnight, noon and in between", "[time]") {
  CHECK(format_clock(nov28, 0) == "12:00:00 AM");
  CHECK(format_clock(nov28 + 12 * hour, 0) == "12:00:00 PM");
  CHECK(format_clock(nov28 + 15 * hour + 7 * 60'000 + 9'000, 0) == "03:07:09 PM");
  CHECK(format_clock(nov28 + 1 * hour + 999, 0) == "01:00:00 AM");  // milliseconds are truncated
  CHECK(format_clock(nov28 - 1, 0) == "11:59:59 PM");
  CHECK(format_clock(nov28 + 11 * hour + 59 * 60'000 + 59'999, 0) == "11:59:59 AM");
  CHECK(format_clock(0, 0) == "12:00:00 AM");
  CHECK(format_clock(-1000, 0) == "11:59:59 PM");  // before 1970
}

TEST_CASE("clock across UTC offsets", "[time]") {
  const std::int64_t t = nov28 + 15 * hour + 7 * 60'000 + 9'000;  // 15:07:09 UTC
  CHECK(format_clock(t, 60) == "04:07:09 PM");
  CHECK(format_clock(t, -5 * 60) == "10:07:09 AM");
  CHECK(format_clock(t, 5 * 60 + 30) == "08:37:09 PM");   // India
  CHECK(format_clock(t, 9 * 60) == "12:07:09 AM");        // Tokyo: past midnight
  CHECK(format_clock(t, -12 * 60) == "03:07:09 AM");
  CHECK(format_clock(t, 14 * 60) == "05:07:09 AM");
}

TEST_CASE("local dates and weekdays", "[time]") {
  CHECK(local_date(nov28, 0) == civil_date{2026, 11, 28, 6});
  CHECK(local_date(nov28, -60) == civil_date{2026, 11, 27, 5});
  CHECK(local_date(0, 0) == civil_date{1970, 1, 1, 4});
  CHECK(local_date(-1, 0) == civil_date{1969, 12, 31, 3});
  CHECK(local_date(951782400000, 0) == civil_date{2000, 2, 29, 2});  // leap day
  CHECK(local_day_number(nov28 + 23 * hour, 0) == local_day_number(nov28, 0));
  CHECK(local_day_number(nov28 + 23 * hour, 60) == local_day_number(nov28, 0) + 1);
}

TEST_CASE("date labels for separators", "[time]") {
  const std::int64_t now = nov28 + 10 * hour;
  CHECK(date_label(nov28 + 1, 0, now) == "Today");
  CHECK(date_label(nov28 - 1, 0, now) == "Yesterday");
  CHECK(date_label(nov28 - day - 1, 0, now) == "Thursday, November 26, 2026");
  CHECK(date_label(0, 0, now) == "Thursday, January 1, 1970");
  // The same instant is "Today" in UTC and "Yesterday" eleven hours west.
  CHECK(date_label(nov28 + 1 * hour, 0, now) == "Today");
  CHECK(date_label(nov28 + 1 * hour, -11 * 60, now + 5 * hour) == "Yesterday");
}

TEST_CASE("extreme times do not overflow", "[time]") {
  CHECK_FALSE(format_clock(INT64_MAX, 14 * 60).empty());
  CHECK_FALSE(format_clock(INT64_MIN, -14 * 60).empty());
  CHECK_FALSE(date_label(INT64_MAX, 0, 0).empty());
}
