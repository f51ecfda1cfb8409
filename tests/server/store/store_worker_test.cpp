// The store worker: jobs run one at a time in order, off the caller's thread,
// answers carry the value or the store's error, the queue is bounded, and
// stop() runs what was queued.
#include "store/store_worker.hpp"
#include "store/store_error.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

using namespace chat::server;
using namespace std::chrono_literals;

TEST_CASE("store jobs run in order off the caller's thread and answer with a value or the error", "[store]") {
  store_worker w(16);
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::string> errors;
  std::atomic<int> answers{0};
  std::atomic<bool> off_thread{true};
  const auto caller = std::this_thread::get_id();
  for (int k = 0; k < 5; ++k) {
    REQUIRE(w.submit(
        [&, k] {
          if (std::this_thread::get_id() == caller) off_thread = false;
          if (k == 3) throw store_error("disk I/O error");
          return k;
        },
        [&](store_answer<int> a) {
          std::lock_guard lock(mu);
          if (a) {
            order.push_back(*a.value);
          } else {
            errors.push_back(a.error);
          }
          ++answers;
        }));
  }
  REQUIRE(chat::test::wait_for([&] { return answers == 5; }));
  CHECK(off_thread);
  std::lock_guard lock(mu);
  CHECK(order == std::vector<int>{0, 1, 2, 4});
  CHECK(errors == std::vector<std::string>{"disk I/O error"});
}

TEST_CASE("a full store queue refuses at once, and stop() runs what was queued", "[store]") {
  store_worker w(2);
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  std::atomic<int> ran{0};
  auto blocked = [&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return go; });
    return ++ran;
  };
  REQUIRE(w.submit(blocked, [](store_answer<int>) {}));
  REQUIRE(w.submit([&] { return ++ran; }, [](store_answer<int>) {}));
  CHECK(w.pending() == 2);
  bool refused_ran = false;
  CHECK_FALSE(w.submit([&] { return refused_ran = true; }, [](store_answer<bool>) {}));
  {
    std::lock_guard lock(mu);
    go = true;
  }
  cv.notify_all();
  w.stop();
  CHECK(ran == 2);
  CHECK_FALSE(refused_ran);
  CHECK_FALSE(w.post([] {}));  // stopped
}

TEST_CASE("the periodic job runs on the worker between jobs, even when the queue is full, and not after stop()",
          "[store]") {
  using clock = std::chrono::steady_clock;
  store_worker w(1);
  std::mutex mu;
  std::vector<clock::time_point> runs;
  std::thread::id ran_on;
  const auto set_at = clock::now();
  w.every(std::chrono::milliseconds(50), [&] {
    std::lock_guard lock(mu);
    runs.push_back(clock::now());
    ran_on = std::this_thread::get_id();
  });
  auto count = [&] {
    std::lock_guard lock(mu);
    return runs.size();
  };
  REQUIRE(chat::test::wait_for([&] { return count() >= 3; }));
  {
    std::lock_guard lock(mu);
    CHECK(runs[0] - set_at >= std::chrono::milliseconds(50));  // one period after every()
    CHECK(runs[1] - runs[0] >= std::chrono::milliseconds(50));
    CHECK(ran_on != std::this_thread::get_id());
  }

  // A job that holds the only place of the queue: the periodic job still runs (after it).
  std::mutex gate;
  std::condition_variable cv;
  bool go = false;
  std::atomic<bool> job_done{false};
  REQUIRE(w.post([&] {
    std::unique_lock lock(gate);
    cv.wait(lock, [&] { return go; });
    job_done = true;
  }));
  CHECK_FALSE(w.post([] {}));  // full
  const auto before = count();
  {
    std::lock_guard lock(gate);
    go = true;
  }
  cv.notify_all();
  REQUIRE(chat::test::wait_for([&] { return count() >= before + 2; }));
  CHECK(job_done);

  w.stop();
  const auto stopped_at = count();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // three periods: none may run now
  CHECK(count() == stopped_at);
}

TEST_CASE("a job given a due time waits aside until then, without delaying the jobs behind it", "[store]") {
  store_worker w(8);
  std::mutex mu;
  std::vector<std::string> order;
  std::atomic<int> answers{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point later_ran{};
  auto note = [&](std::string what) {
    return [&, what](store_answer<int>) {
      std::lock_guard lock(mu);
      order.push_back(what);
      ++answers;
    };
  };
  REQUIRE(w.submit_at(t0 + 300ms, [&] {
    later_ran = std::chrono::steady_clock::now();
    return 0;
  }, note("later")));
  REQUIRE(w.submit([] { return 1; }, note("now")));
  CHECK(w.pending() >= 1);  // the waiting job counts
  REQUIRE(chat::test::wait_for([&] { return answers == 2; }));
  CHECK(later_ran - t0 >= 300ms);
  std::lock_guard lock(mu);
  CHECK(order == std::vector<std::string>{"now", "later"});
}

TEST_CASE("stop() runs the jobs still waiting for their time at once", "[store]") {
  store_worker w(8);
  std::atomic<bool> ran{false};
  REQUIRE(w.submit_at(std::chrono::steady_clock::now() + 1h, [&] { return ran = true; }, [](store_answer<bool>) {}));
  const auto t0 = std::chrono::steady_clock::now();
  w.stop();
  CHECK(ran);
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
}
