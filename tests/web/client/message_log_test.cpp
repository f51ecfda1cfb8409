// The message log: order and de-duplication by id, the outbox, day separators
// and grouping by sender, all in an injected time zone.
#include "client/message_log.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace chat;
using namespace chat::web;

namespace {

constexpr std::int64_t t0 = 1795860000000;  // 2026-11-28 10:00:00 UTC
constexpr std::int64_t minute = 60'000;

chat_message msg(std::int64_t id, std::string user, std::string text, std::int64_t time, std::string cid = {}) {
  return chat_message{id, std::move(user), std::move(text), time, std::move(cid)};
}

std::vector<std::int64_t> ids(const message_log& log) {
  std::vector<std::int64_t> out;
  for (const auto& e : log.confirmed()) out.push_back(e.id);
  return out;
}

/** The rows as a compact string: D = day separator, M<id>[f][l] = message, first/last of its group. */
std::string shape(const message_log& log) {
  std::string s;
  for (const auto& r : log.rows()) {
    if (r.kind == log_row::row_type::day) {
      s += "D ";
      continue;
    }
    const log_entry& e = log.entry(r);
    s += e.id > 0 ? "M" + std::to_string(e.id) : "L" + std::to_string(e.local_seq);
    if (r.group_first) s += "f";
    if (r.group_last) s += "l";
    s += " ";
  }
  return s;
}

}  // namespace

TEST_CASE("messages are ordered and de-duplicated by id, never by time") {
  message_log log([](std::int64_t) { return 0; });
  CHECK(log.add(msg(5, "amy", "five", t0)));
  CHECK(log.add(msg(2, "eric", "two", t0 + 9 * minute)));  // later clock, lower id: still first
  CHECK(log.add(msg(9, "amy", "nine", t0 - minute)));
  CHECK_FALSE(log.add(msg(5, "amy", "five again", t0)));
  CHECK_FALSE(log.add(msg(0, "seed", "no id", t0)));
  CHECK(ids(log) == std::vector<std::int64_t>{2, 5, 9});
  CHECK(log.confirmed()[1].text == "five");
  CHECK(log.first_id() == 2);
  CHECK(log.last_id() == 9);
  CHECK(log.contains(5));
  CHECK_FALSE(log.contains(6));
}

TEST_CASE("an older page merges in front, overlaps counted once") {
  message_log log([](std::int64_t) { return 0; });
  for (std::int64_t id = 51; id <= 100; ++id) log.add(msg(id, "amy", "m", t0 + id));
  for (std::int64_t id = 1; id <= 60; ++id) log.add(msg(id, "amy", "m", t0 + id));
  REQUIRE(log.confirmed().size() == 100);
  for (std::size_t i = 0; i < 100; ++i) CHECK(log.confirmed()[i].id == static_cast<std::int64_t>(i + 1));
}

TEST_CASE("times are labelled hh:mm:ss a in the injected local time") {
  message_log log([](std::int64_t) { return 90; });  // UTC+01:30
  log.add(msg(1, "amy", "hi", t0 + 7 * 1000));
  CHECK(log.confirmed()[0].time_label == "11:30:07 AM");
}

TEST_CASE("the outbox follows the confirmed messages until its echo arrives") {
  message_log log([](std::int64_t) { return 0; });
  log.add(msg(1, "amy", "hi", t0));
  const auto seq = log.add_local("hello", "c-1", "eric", t0 + 1000);
  CHECK(seq == 1);
  REQUIRE(log.outbox().size() == 1);
  CHECK(log.outbox()[0].delivery == delivery_state::pending);
  CHECK(log.outbox()[0].key() == -1);
  CHECK(shape(log) == "D M1fl L1fl ");

  log.fail("c-1", "too fast");
  CHECK(log.outbox()[0].delivery == delivery_state::failed);
  CHECK(log.outbox()[0].error == "too fast");

  CHECK(log.confirm("c-1"));
  log.add(msg(2, "eric", "hello", t0 + 2000, "c-1"));
  CHECK(log.outbox().empty());
  CHECK(shape(log) == "D M1fl M2fl ");
}

TEST_CASE("consecutive messages of one sender are grouped") {
  message_log log([](std::int64_t) { return 0; });
  log.add(msg(1, "amy", "a", t0));
  log.add(msg(2, "amy", "b", t0 + minute));
  log.add(msg(3, "amy", "c", t0 + 2 * minute));
  log.add(msg(4, "eric", "d", t0 + 3 * minute));
  log.add(msg(5, "amy", "e", t0 + 4 * minute));
  log.add(msg(6, "amy", "f", t0 + 4 * minute + message_log::group_gap_ms + 1));  // a pause starts a new group
  CHECK(shape(log) == "D M1f M2 M3l M4fl M5fl M6fl ");
}

TEST_CASE("a day separator goes where the local day changes") {
  const std::int64_t late = 1795908600000;  // 2026-11-28 23:30 UTC
  SECTION("in UTC the two messages are a day apart") {
    message_log log([](std::int64_t) { return 0; });
    log.add(msg(1, "amy", "late", late));
    log.add(msg(2, "amy", "early", late + 60 * minute));
    CHECK(shape(log) == "D M1fl D M2fl ");
    CHECK(log.rows()[2].day_time == late + 60 * minute);
  }
  SECTION("in UTC-2 both are on the same evening") {
    message_log log([](std::int64_t) { return -120; });
    log.add(msg(1, "amy", "late", late));
    log.add(msg(2, "amy", "early", late + 4 * minute));
    CHECK(shape(log) == "D M1f M2l ");
  }
}

TEST_CASE("the revision grows with every visible change") {
  message_log log([](std::int64_t) { return 0; });
  const auto r0 = log.revision();
  log.add(msg(1, "amy", "a", t0));
  const auto r1 = log.revision();
  CHECK(r1 > r0);
  log.add(msg(1, "amy", "a", t0));
  CHECK(log.revision() == r1);
  log.add_local("x", "c-9", "amy", t0);
  CHECK(log.revision() > r1);
  CHECK(log.remove_local("c-9"));
  CHECK_FALSE(log.remove_local("c-9"));
}

TEST_CASE("day separators are labelled Today, Yesterday, or with the date") {
  message_log log([](std::int64_t) { return 0; });
  const std::int64_t day = 24 * 60 * minute;
  CHECK(log.day_label(t0, t0 + minute) == "Today");
  CHECK(log.day_label(t0 - day, t0) == "Yesterday");
  CHECK(log.day_label(t0 - 3 * day, t0) == "Wednesday, November 25, 2026");
}

TEST_CASE("a history page merges in one go, duplicates dropped, the new ones reported") {
  message_log log([](std::int64_t) { return 0; });
  for (std::int64_t id : {10, 20, 30}) log.add(msg(id, "amy", "x", t0 + id));
  const std::vector<chat_message> page = {msg(25, "eric", "b", t0), msg(5, "eric", "a", t0), msg(20, "amy", "dup", t0),
                                         msg(25, "eric", "b", t0), msg(0, "seed", "no id", t0)};
  const auto added = log.add_many(page);
  REQUIRE(added.size() == 2);
  CHECK(added[0]->id == 5);
  CHECK(added[1]->id == 25);
  CHECK(ids(log) == std::vector<std::int64_t>{5, 10, 20, 25, 30});
  CHECK(log.confirmed()[2].text == "x");
  const auto rev = log.revision();
  CHECK(log.add_many(page).empty());
  CHECK(log.revision() == rev);
}
