// The fan-out seam between the writer and the room (fanout/fanout.hpp): what
// the writer publishes, and what the room does with batches the fan-out
// delivers, including batches this process did not commit (as a bus between
// nodes delivers them). The relay below is a second implementation of the
// interface, which is what the seam is for; the store is the real SQLite one.
#include "fanout/fanout.hpp"
#include "room/room.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store_worker.hpp"

#include "test_support.hpp"

#include <chat/limits.hpp>
#include <chat/protocol.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>

using namespace chat::server;

namespace {

/** A fan-out that records every publish and delivers only when the test says. */
class relay_fanout final : public fanout {
 public:
  void attach(fanout_consumer& consumer) override { consumer_ = &consumer; }
  void publish(batch_ref batch) override {
    std::lock_guard lock(mu_);
    published_.push_back(std::move(batch));
  }
  /** Delivers a batch as the bus would (from this node's writer or another's). */
  void deliver(const batch_ref& batch) { consumer_->on_batch(batch); }
  std::vector<batch_ref> published() {
    std::lock_guard lock(mu_);
    return published_;
  }

 private:
  fanout_consumer* consumer_ = nullptr;
  std::mutex mu_;
  std::vector<batch_ref> published_;
};

/** A member that records the ids of the messages posted to it, in order. */
class recording_member final : public room_member {
 public:
  explicit recording_member(std::string name)
      : room_member(member_info{chat::user_profile{0, name, name, "", name, "", ""}, protocol_version::v1, false, "test", {}, {}, {}, {}}) {}
  void deliver(event_list events) override {
    std::lock_guard lock(mu_);
    for (const auto& f : *events) {
      const auto j = nlohmann::json::parse(*f);
      if (j.at("type") == "message") ids_.push_back(j.at("id"));
    }
  }
  void close(std::uint16_t, std::string) override {}
  std::vector<std::int64_t> ids() {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  std::mutex mu_;
  std::vector<std::int64_t> ids_;
};

room_options options() {
  room_options o;
  o.rate_burst = 1;
  o.max_pending_writes = chat::limits::max_pending_writes;
  o.max_write_batch = chat::limits::max_write_batch;
  o.max_history_bytes = chat::limits::max_history_frame_bytes;
  return o;
}

/** Joins `m` and waits for its reply (read on the store worker). */
member_reply join_and_wait(room& r, const std::shared_ptr<room_member>& m) {
  auto reply = std::make_shared<std::optional<member_reply>>();
  auto mu = std::make_shared<std::mutex>();
  r.join(m, [reply, mu](member_reply got) {
    std::lock_guard lock(*mu);
    *reply = std::move(got);
  });
  REQUIRE(chat::test::wait_for([&] {
    std::lock_guard lock(*mu);
    return reply->has_value();
  }));
  std::lock_guard lock(*mu);
  return **reply;
}

/** A room on a real store whose fan-out is a relay, with amy joined. */
struct relay_room {
  chat::test::temp_dir d;
  std::unique_ptr<sqlite_store> db = open_sqlite_store((d / "t.db").string());
  relay_fanout* relay = nullptr;
  store_worker reader{64};
  room r;
  std::shared_ptr<recording_member> amy = std::make_shared<recording_member>("amy");

  relay_room() : r(*db, reader, options(), make_relay()) { join_and_wait(r, amy); }
  std::unique_ptr<fanout> make_relay() {
    auto bus = std::make_unique<relay_fanout>();
    relay = bus.get();
    return bus;
  }
};

}  // namespace

TEST_CASE("the writer publishes each committed message once, in commit order, and nothing reaches members unless the fan-out delivers it",
          "[fanout]") {
  relay_room t;
  auto& [d, db, relay_ptr, reader, r, amy] = t;
  auto& relay = *relay_ptr;

  constexpr int total = 300;
  for (int k = 0; k < total; ++k) r.handle_text(amy, "m" + std::to_string(k));
  auto count = [&] {
    std::size_t n = 0;
    for (const auto& b : relay.published()) n += b->messages.size();
    return n;
  };
  REQUIRE(chat::test::wait_for([&] { return count() == total; }));
  std::int64_t expect = 1;
  for (const auto& b : relay.published()) {
    for (const auto& m : b->messages) CHECK(m.id == expect++);
  }
  CHECK(amy->ids().empty());  // committed, but not delivered by the fan-out yet
  CHECK(r.last_id() == 0);

  for (const auto& b : relay.published()) relay.deliver(b);
  std::vector<std::int64_t> all;
  for (int k = 1; k <= total; ++k) all.push_back(k);
  CHECK(amy->ids() == all);
  CHECK(r.last_id() == total);
  r.stop_writer();
}

TEST_CASE("a batch another node committed reaches this node's members and moves the join point", "[fanout]") {
  relay_room t;
  auto& [d, db, relay_ptr, reader, r, amy] = t;
  auto& relay = *relay_ptr;

  // Another node wrote to the shared store and published; this node only sees the bus.
  const auto outcomes = db->append_messages({{"bob", "from node 2", "", 1000}, {"bob", "again", "", 1001}});
  auto batch = std::make_shared<committed_batch>();
  for (const auto& o : outcomes) batch->messages.push_back(o.message);
  relay.deliver(batch);

  CHECK(amy->ids() == std::vector<std::int64_t>{1, 2});
  CHECK(r.last_id() == 2);
  // A member joining now starts after them: its history has them, no batch repeats them.
  auto eve = std::make_shared<recording_member>("eve");
  const auto reply = join_and_wait(r, eve);
  CHECK(reply.last_id == 2);
  r.stop_writer();
}
