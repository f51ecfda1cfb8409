// The group-commit writer on a real SQLite file: a message after a quiet spell
// is committed at once, messages that come while it waits for the commit
// interval share one commit, a writer not woken commits nothing until wake(),
// and stop() commits what is still queued.
#include "room/message_writer.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

using namespace chat::server;
using namespace std::chrono_literals;

namespace {

/** Records the size and ids of each committed batch. */
struct commits {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::vector<std::int64_t>> batches;

  message_writer::commit_fn fn() {
    return [this](std::vector<write_result>&& r) {
      std::vector<std::int64_t> ids;
      for (const auto& x : r) ids.push_back(x.outcome.message.id);
      std::lock_guard lock(mu);
      batches.push_back(std::move(ids));
      cv.notify_all();
    };
  }
  /** Waits until `n` messages in all were committed. */
  bool wait_messages(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return count_locked() >= n; });
  }
  std::vector<std::vector<std::int64_t>> snapshot() {
    std::lock_guard lock(mu);
    return batches;
  }

 private:
  std::size_t count_locked() const {
    std::size_t n = 0;
    for (const auto& b : batches) n += b.size();
    return n;
  }
};

write_request draft(const std::string& body) { return write_request{message_draft{"amy", body, {}, 0}, {}}; }

message_writer::fail_fn no_failure() {
  return [](std::vector<write_request>&&, const std::string& why) { FAIL("store failed: " << why); };
}

}  // namespace

TEST_CASE("with a commit interval, a lone message commits at once and a burst shares one commit", "[writer]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "w.db").string());
  commits seen;
  message_writer w(*db, seen.fn(), no_failure(), 1000, 512, std::chrono::milliseconds(1000));

  const auto start = std::chrono::steady_clock::now();
  REQUIRE(w.submit(draft("lone")));
  REQUIRE(seen.wait_messages(1));
  // Not held back for the interval (1 s): nothing was committed before it.
  CHECK(std::chrono::steady_clock::now() - start < 900ms);

  // Right after a commit the writer paces: these wait for the interval and go together.
  for (int k = 0; k < 20; ++k) REQUIRE(w.submit(draft("burst " + std::to_string(k))));
  REQUIRE(seen.wait_messages(21));
  const auto batches = seen.snapshot();
  REQUIRE(batches.size() == 2);
  CHECK(batches[0] == std::vector<std::int64_t>{1});
  REQUIRE(batches[1].size() == 20);
  for (std::size_t k = 0; k < 20; ++k) CHECK(batches[1][k] == static_cast<std::int64_t>(k + 2));
}

TEST_CASE("a burst stops waiting for the interval once a batch is full", "[writer]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "w.db").string());
  commits seen;
  message_writer w(*db, seen.fn(), no_failure(), 10000, 8, std::chrono::milliseconds(1000));
  REQUIRE(w.submit(draft("first")));
  REQUIRE(seen.wait_messages(1));
  for (int k = 0; k < 16; ++k) REQUIRE(w.submit(draft("m" + std::to_string(k))));
  REQUIRE(seen.wait_messages(17));
  std::int64_t expect = 1;
  for (const auto& b : seen.snapshot()) {
    CHECK(b.size() <= 8);
    for (const auto id : b) CHECK(id == expect++);
  }
}

TEST_CASE("messages submitted without waking are committed after wake(), and stop() commits the rest", "[writer]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "w.db").string());
  commits seen;
  {
    message_writer w(*db, seen.fn(), no_failure(), 1000, 512, std::chrono::milliseconds(0));
    for (int k = 0; k < 5; ++k) REQUIRE(w.submit(draft("quiet " + std::to_string(k)), false));
    w.wake();
    REQUIRE(seen.wait_messages(5));
    std::int64_t expect = 1;
    for (const auto& b : seen.snapshot()) {
      for (const auto id : b) CHECK(id == expect++);
    }

    for (int k = 0; k < 3; ++k) REQUIRE(w.submit(draft("at stop " + std::to_string(k)), false));
    w.stop();
    CHECK_FALSE(w.submit(draft("after stop")));
  }
  REQUIRE(seen.wait_messages(8, 0ms));
  CHECK(db->last_message_id() == 8);
}

TEST_CASE("the queue bound refuses submissions past max_pending while a commit runs", "[writer]") {
  chat::test::temp_dir d;
  auto db = open_sqlite_store((d / "w.db").string());
  std::mutex mu;
  std::condition_variable cv;
  bool in_commit = false;
  bool release = false;
  std::size_t committed = 0;
  message_writer w(
      *db,
      [&](std::vector<write_result>&& r) {
        std::unique_lock lock(mu);
        committed += r.size();
        in_commit = true;
        cv.notify_all();
        cv.wait(lock, [&] { return release; });  // hold the writer inside its first commit
      },
      no_failure(), 3, 512, std::chrono::milliseconds(0));
  REQUIRE(w.submit(draft("first")));
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, 10s, [&] { return in_commit; }));
  }
  CHECK(w.submit(draft("a")));
  CHECK(w.submit(draft("b")));
  CHECK(w.submit(draft("c")));
  CHECK_FALSE(w.submit(draft("d")));  // three are waiting: the bound
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  w.stop();
  CHECK(committed == 4);
  CHECK(db->last_message_id() == 4);
}
