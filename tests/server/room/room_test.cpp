// The room without sockets: fake members record what is posted to them, in
// post order, after their join reply (welcome and history, read on the store
// worker), which is what a member's I/O thread does with its held batches.
// This tests the join/broadcast invariant of room.hpp directly.
#include "room/room.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store_worker.hpp"

#include "test_support.hpp"

#include <chat/limits.hpp>
#include <chat/protocol.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace chat::server;
using json = nlohmann::json;

namespace {

/** A member whose "strand" is a list: deliver() appends, like a post. */
class fake_member final : public room_member {
 public:
  explicit fake_member(std::string name, bool v1 = true, std::optional<std::int64_t> since = {})
      : room_member(member_info{chat::user_profile{0, name, name, "", name, "", ""}, v1 ? protocol_version::v1 : protocol_version::legacy, false, "test", since, {}, {}, {}}) {}

  void deliver(event_list events) override {
    std::lock_guard lock(mu_);
    for (const auto& f : *events) posted_.push_back(*f);
  }
  void close(std::uint16_t code, std::string) override {
    std::lock_guard lock(mu_);
    closed_with_ = code;
  }
  /** What the member would have sent, in order: its join reply, then the posts. */
  std::vector<json> sent() {
    std::lock_guard lock(mu_);
    std::vector<json> out;
    for (const auto& f : joined_) out.push_back(json::parse(f));
    for (const auto& f : posted_) out.push_back(json::parse(f));
    return out;
  }
  void set_join_reply(const member_reply& r) {
    std::lock_guard lock(mu_);
    for (const auto& f : r.events) joined_.push_back(*f);
    if (r.close_code != 0) closed_with_ = r.close_code;
    joined_at_ = r.last_id;
    has_reply_ = true;
  }
  bool has_reply() {
    std::lock_guard lock(mu_);
    return has_reply_;
  }
  /** The room's last id when it took the member in (-1 before the reply). */
  std::int64_t joined_at() {
    std::lock_guard lock(mu_);
    return joined_at_;
  }
  /** Frames posted after the join reply, as sent. */
  std::size_t posted() {
    std::lock_guard lock(mu_);
    return posted_.size();
  }
  std::uint16_t closed_with() {
    std::lock_guard lock(mu_);
    return closed_with_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> joined_;
  std::vector<std::string> posted_;
  std::uint16_t closed_with_ = 0;
  std::int64_t joined_at_ = -1;
  bool has_reply_ = false;
};

/** The real store, whose history reads fail or wait while told to. */
class flaky_messages final : public message_store {
 public:
  explicit flaky_messages(message_store& real) : real_(real) {}
  std::vector<append_outcome> append_messages(const std::vector<message_draft>& d) override {
    return real_.append_messages(d);
  }
  std::int64_t last_message_id() override { return real_.last_message_id(); }
  prune_result prune_messages(const retention_policy& p, std::size_t max_rows) override {
    return real_.prune_messages(p, max_rows);
  }
  std::int64_t history_horizon() override { return real_.history_horizon(); }
  message_page messages_page(std::int64_t after, std::int64_t upto, std::size_t max) override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !paused_; });
    if (failing_) throw store_error("disk I/O error");
    lock.unlock();
    return real_.messages_page(after, upto, max);
  }
  void fail(bool on) {
    std::lock_guard lock(mu_);
    failing_ = on;
  }
  void pause(bool on) {
    {
      std::lock_guard lock(mu_);
      paused_ = on;
    }
    cv_.notify_all();
  }

 private:
  message_store& real_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool failing_ = false;
  bool paused_ = false;
};

/** A room with its store worker; the worker stops before the room goes. */
struct test_room {
  test_room(message_store& s, room_options o, std::size_t max_jobs = 1024) : reader(max_jobs), r(s, reader, o) {}
  ~test_room() { reader.stop(); }
  store_worker reader;
  room r;
};

/** Asks the room to join `m` without waiting for the reply. */
void start_join(room& r, const std::shared_ptr<fake_member>& m) {
  r.join(m, [m](member_reply reply) { m->set_join_reply(reply); });
}

room_options options(double rate = 0) {
  room_options o;
  o.rate_per_second = rate;
  o.rate_burst = 3;
  o.rate_strikes = 2;
  o.max_pending_writes = chat::limits::max_pending_writes;
  o.max_write_batch = chat::limits::max_write_batch;
  o.max_history_bytes = chat::limits::max_history_frame_bytes;
  return o;
}

std::shared_ptr<fake_member> join(room& r, std::string name, bool v1 = true, std::optional<std::int64_t> since = {}) {
  auto m = std::make_shared<fake_member>(std::move(name), v1, since);
  start_join(r, m);
  REQUIRE(chat::test::wait_for([&] { return m->has_reply(); }));
  return m;
}

std::vector<std::int64_t> message_ids(const std::vector<json>& events) {
  std::vector<std::int64_t> ids;
  for (const auto& f : events) {
    if (f.at("type") == "message") ids.push_back(f.at("id"));
    if (f.at("type") == "history") {
      for (const auto& m : f.at("messages")) ids.push_back(m.at("id"));
    }
  }
  return ids;
}

}  // namespace

TEST_CASE("members joining during a stream of messages get each one exactly once, in order", "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  test_room t(*db, options());
  auto& r = t.r;
  auto sender = join(r, "amy");
  constexpr int chunks = 40, per_chunk = 10, total = chunks * per_chunk;

  // Joiner j comes in once chunk j-1 is committed; chunk j is posted right after its join started, so
  // joiner j's history read on the store worker races chunk j's commits, and it must take messages
  // 1..10j from its history and the rest live.
  std::atomic<int> started{0};
  std::atomic<bool> abandon{false};
  std::thread producer([&] {
    for (int j = 0; j < chunks; ++j) {
      while (started <= j && !abandon) std::this_thread::yield();
      for (int k = 0; k < per_chunk; ++k) r.handle_text(sender, "m" + std::to_string(j * per_chunk + k));
    }
  });
  std::vector<std::shared_ptr<fake_member>> joiners;
  bool in_step = true;
  for (int j = 0; j < chunks && in_step; ++j) {
    in_step = chat::test::wait_for([&] { return r.last_id() >= j * per_chunk; });
    joiners.push_back(std::make_shared<fake_member>("j" + std::to_string(j), true, 0));  // since=0: history, then live
    start_join(r, joiners.back());
    ++started;
  }
  abandon = true;
  producer.join();
  REQUIRE(in_step);
  for (const auto& m : joiners) REQUIRE(chat::test::wait_for([&] { return m->has_reply(); }));
  REQUIRE(chat::test::wait_for([&] { return r.last_id() == total; }));
  r.stop_writer();

  std::vector<std::int64_t> all;
  for (int k = 1; k <= total; ++k) all.push_back(k);
  for (int j = 0; j < chunks; ++j) {
    INFO("joiner " << j);
    CHECK(joiners[j]->joined_at() == j * per_chunk);  // the race was on: history below, live above
    CHECK(message_ids(joiners[j]->sent()) == all);
  }
  CHECK(message_ids(sender->sent()) == all);
}

/** The presence events among `events`, in order. */
std::vector<json> presence_of(const std::vector<json>& events) {
  std::vector<json> out;
  for (const auto& f : events) {
    if (f.at("type") == "presence") out.push_back(f);
  }
  return out;
}

/** True once the newest presence event `m` got lists `online`. */
bool heard_online(fake_member& m, const json& online) {
  const auto p = presence_of(m.sent());
  return !p.empty() && p.back().at("online") == online;
}

TEST_CASE("presence goes to v1 members only, once per user, and ends on the current list", "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  test_room t(*db, options());
  auto& r = t.r;
  auto a = join(r, "amy");
  auto legacy = join(r, "old", false);
  auto e1 = join(r, "eric");
  auto e2 = join(r, "eric");
  CHECK(r.online() == std::vector<std::string>{"amy", "eric", "old"});
  CHECK(a->sent()[0].at("online") == json::array({"amy"}));
  CHECK(e2->sent()[0].at("online") == json::array({"amy", "eric", "old"}));
  REQUIRE(chat::test::wait_for([&] { return heard_online(*a, json::array({"amy", "eric", "old"})); }));
  CHECK(presence_of(a->sent()).back().at("event") == "join");
  r.leave(e1.get());  // eric's other tab stays: nothing changes
  r.leave(e2.get());
  r.leave(e2.get());  // idempotent
  REQUIRE(chat::test::wait_for([&] { return heard_online(*a, json::array({"amy", "old"})); }));
  const auto p = presence_of(a->sent());
  CHECK(p.back() == json({{"type", "presence"}, {"event", "leave"}, {"username", "eric"}, {"online", {"amy", "old"}}}));
  CHECK(p.size() <= 3);  // old and eric joined (one or two events), eric left
  CHECK(legacy->sent().empty());  // no welcome, no history, no presence
  CHECK(presence_of(e2->sent()).size() <= 1);  // its welcome had the list: at most old's join, if it came after
}

TEST_CASE("presence is coalesced: a churn of joins and leaves reaches a v1 member as one event a second with the final list",
          "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  test_room t(*db, options());
  auto& r = t.r;
  auto watcher = join(r, "amy");
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    auto guest = join(r, "guest" + std::to_string(i), false);
    r.leave(guest.get());
  }
  auto stayer = join(r, "zoe", false);
  REQUIRE(chat::test::wait_for([&] { return heard_online(*watcher, json::array({"amy", "zoe"})); }));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto p = presence_of(watcher->sent());
  INFO("presence events " << p.size() << " in " << seconds << " s");
  CHECK(p.size() <= static_cast<std::size_t>(seconds) + 2);  // at most one a second (and the first at once)
  CHECK(p.back().at("event") == "join");
  CHECK(p.back().at("username") == "zoe");
}

TEST_CASE("a duplicate client_id is echoed to its sender only", "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  test_room t(*db, options());
  auto& r = t.r;
  auto a = join(r, "amy");
  auto b = join(r, "bob");
  r.handle_text(a, R"({"type":"send","message":"hi","client_id":"x1"})");
  r.handle_text(a, R"({"type":"send","message":"hi again","client_id":"x1"})");
  r.handle_text(b, R"({"type":"send","message":"end","client_id":"x1"})");  // same id, another user: new
  REQUIRE(chat::test::wait_for([&] { return r.last_id() == 2; }));
  r.stop_writer();
  auto at_a = message_ids(a->sent());
  std::sort(at_a.begin(), at_a.end());  // the echo may follow a message of the same batch
  CHECK(at_a == std::vector<std::int64_t>{1, 1, 2});
  CHECK(message_ids(b->sent()) == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("history requests page back and respect the byte budget", "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  std::vector<message_draft> drafts;
  for (int k = 1; k <= 30; ++k) drafts.push_back({"amy", std::string(1000, 'a'), "", k});
  db->append_messages(drafts);
  auto o = options();
  o.max_history_bytes = 10 * 1024;  // about nine of these messages
  test_room t(*db, o);
  auto& r = t.r;
  auto m = join(r, "amy");
  auto sent = m->sent();
  const auto& first = sent[1];
  CHECK(first.at("limited") == true);
  CHECK(first.at("messages").size() < 10);
  CHECK(first.at("messages").back().at("id") == 30);  // the newest are kept

  CHECK(r.handle_text(m, R"({"type":"history","before":5,"limit":3})").events.empty());  // answered later
  REQUIRE(chat::test::wait_for([&] { return m->posted() == 1; }));
  const auto page = m->sent().back();
  CHECK(page.at("before") == 5);
  CHECK(message_ids({page}) == std::vector<std::int64_t>{2, 3, 4});
  CHECK(page.at("limited") == true);

  auto legacy = join(r, "old", false);
  CHECK(r.handle_text(legacy, R"({"type":"history","before":5})").events.empty());
  t.reader.stop();  // runs what was queued
  CHECK(legacy->sent().empty());
}

TEST_CASE("refused sends: errors for v1, silence for legacy, 4029 after the strikes", "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  test_room t(*db, options(0.001));  // a burst of 3, practically no refill
  auto& r = t.r;
  auto a = join(r, "amy");
  for (int k = 0; k < 3; ++k) CHECK(r.handle_text(a, "ok").events.empty());
  auto refused = r.handle_text(a, R"({"type":"send","message":"no","client_id":"c9"})");
  REQUIRE(refused.events.size() == 1);
  const auto e = json::parse(*refused.events[0]);
  CHECK(e.at("code") == "rate_limited");
  CHECK(e.at("client_id") == "c9");
  CHECK(refused.close_code == 0);
  CHECK(r.handle_text(a, "no").close_code == chat::close_code::rate_limited);

  auto legacy = join(r, "old", false);
  CHECK(r.handle_text(legacy, "   ").events.empty());
  CHECK(r.handle_text(legacy, R"({"type":"bogus"})").events.empty());
  auto v1 = join(r, "bob");
  CHECK(json::parse(*r.handle_text(v1, R"({"type":"bogus"})").events[0]).at("code") == "bad_request");
  CHECK(json::parse(*r.handle_text(v1, std::string(4001, 'x')).events[0]).at("code") == "too_long");
}

TEST_CASE("close_all asks every member to close", "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  test_room t(*db, options());
  auto& r = t.r;
  auto a = join(r, "amy");
  auto b = join(r, "old", false);
  r.close_all(1001, "bye");
  CHECK(a->closed_with() == 1001);
  CHECK(b->closed_with() == 1001);
  CHECK_FALSE(r.wait_empty(std::chrono::steady_clock::now() + std::chrono::milliseconds(10)));
  r.leave(a.get());
  r.leave(b.get());
  CHECK(r.wait_empty(std::chrono::steady_clock::now()));
  CHECK(r.size() == 0);
}

TEST_CASE("a history read that fails closes the joining member with 1011, a failed page answers unavailable",
          "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  flaky_messages flaky(*db);
  test_room t(flaky, options());
  flaky.fail(true);
  auto a = join(t.r, "amy");
  CHECK(a->closed_with() == chat::close_code::internal_error);
  CHECK(a->sent().empty());  // no welcome without its history

  flaky.fail(false);
  auto b = join(t.r, "bob");
  CHECK(b->closed_with() == 0);
  CHECK(b->sent().at(1).at("type") == "history");
  flaky.fail(true);
  t.r.handle_text(b, R"({"type":"history","before":5})");
  REQUIRE(chat::test::wait_for([&] { return b->posted() == 1; }));
  CHECK(b->sent().back().at("code") == "unavailable");
  CHECK(b->closed_with() == 0);  // a failed page is no reason to close
}

TEST_CASE("a full store queue closes a joining member with 1013 and answers a history request busy", "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  flaky_messages flaky(*db);
  test_room t(flaky, options(), 1);  // one store job at a time
  auto c = join(t.r, "carl");
  flaky.pause(true);
  auto a = std::make_shared<fake_member>("amy");
  start_join(t.r, a);  // its history read now holds the only place
  REQUIRE(chat::test::wait_for([&] { return t.reader.pending() == 1; }));
  auto b = join(t.r, "bob");  // answered at once
  CHECK(b->closed_with() == 1013);
  const auto busy = t.r.handle_text(c, R"({"type":"history","before":5})");
  REQUIRE(busy.events.size() == 1);
  CHECK(json::parse(*busy.events[0]).at("code") == "busy");
  CHECK_FALSE(a->has_reply());
  flaky.pause(false);
  REQUIRE(chat::test::wait_for([&] { return a->has_reply(); }));
  CHECK(a->closed_with() == 0);
  CHECK(a->sent().at(0).at("type") == "welcome");
}

TEST_CASE("one connection's history requests are read one at a time, answered in order, and too many waiting close 1013",
          "[room]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "t.db").string());
  flaky_messages flaky(*db);
  test_room t(flaky, options(), 4);  // a small store queue: one connection must not fill it
  auto a = join(t.r, "amy");
  auto b = join(t.r, "bob");
  flaky.pause(true);
  const auto limit = chat::limits::max_waiting_history_requests;
  for (std::size_t k = 0; k <= limit; ++k) {  // one being read, `limit` waiting
    const auto reply = t.r.handle_text(a, R"({"type":"history","before":)" + std::to_string(1000 + k) + "}");
    CHECK(reply.events.empty());
    CHECK(reply.close_code == 0);
  }
  CHECK(t.reader.pending() == 1);  // amy holds one place in the store queue, not 17
  CHECK(t.r.handle_text(b, R"({"type":"history","before":5})").events.empty());  // bob still gets one
  const auto over = t.r.handle_text(a, R"({"type":"history","before":2000})");
  CHECK(over.close_code == chat::close_code::try_again_later);
  flaky.pause(false);
  auto pages = [&] {
    std::vector<json> out;
    for (const auto& e : a->sent()) {
      if (e.at("type") == "history" && e.contains("before")) out.push_back(e);
    }
    return out;
  };
  REQUIRE(chat::test::wait_for([&] { return pages().size() == limit + 1; }));
  const auto answered = pages();
  for (std::size_t k = 0; k <= limit; ++k) CHECK(answered.at(k).at("before") == 1000 + static_cast<int>(k));
  REQUIRE(chat::test::wait_for([&] { return b->posted() >= 1; }));
  CHECK(b->sent().back().at("before") == 5);
}
