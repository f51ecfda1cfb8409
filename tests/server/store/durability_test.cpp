// Crash durability against the real binary: SIGKILL while three users are
// sending, a restart on the same database, then (1) every message any client
// received before the kill is in the history with the same id and content,
// and (2) each client resumes with since=, resends what was never
// acknowledged (same client_id), and ends up with every message exactly once,
// in id order, with nothing lost.
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace chat::test;

namespace {

/** One user's side of the run: what it sent, what came back, what it saw. */
struct sender_log {
  std::string user;
  std::string token;
  std::vector<json> seen;                 ///< every message frame, in arrival order
  std::vector<std::string> sent;          ///< client_ids, in sending order
  std::set<std::string> acked;            ///< client_ids whose echo arrived
  bool cut_off = false;                   ///< the socket died under it (the kill), not the cap
};

std::int64_t id_of(const json& m) { return m.at("id").get<std::int64_t>(); }

/** Sends as fast as echoes come back (8 in flight) until the socket dies or
 *  `cap` messages; `on_ack` runs after each acknowledgement. */
void run_sender(ws_client& ws, sender_log& log, int cap, const std::function<void()>& on_ack) {
  int next = 0;
  std::set<std::string> pending;
  try {
    for (;;) {
      while (pending.size() < 8 && next < cap) {
        const std::string cid = log.user + "-" + std::to_string(next);
        log.sent.push_back(cid);
        pending.insert(cid);
        ws.send_text(send_frame("durable " + cid, cid));
        ++next;
      }
      if (next == cap && pending.empty()) return;
      const auto f = ws.read(10000ms);
      if (!f) break;  // closed (or silent for 10 s: the server is gone)
      auto j = json::parse(*f);
      if (j.at("type") != "message") continue;
      const std::string cid = j.value("client_id", "");
      if (pending.erase(cid) == 1) {
        log.acked.insert(cid);
        on_ack();
      }
      log.seen.push_back(std::move(j));
    }
  } catch (const std::exception&) {
    // A send on a dead socket: the kill.
  }
  log.cut_off = true;
}

std::vector<std::string> serve_args(const temp_dir& d) {
  return {"--port", "0", "--db", (d / "chat.db").string(), "--web-root", (d / "web").string(), "--rate-limit", "0"};
}

std::uint16_t started(child_process& p) {
  const auto line = p.read_line();
  REQUIRE(line);
  return port_of(*line);
}

}  // namespace

TEST_CASE("SIGKILL while senders are active loses nothing anyone saw, and resume with since= is exact",
          "[durability][process]") {
  temp_dir d;
  std::filesystem::create_directories(d / "web");
  std::vector<std::unique_ptr<sender_log>> logs;
  {
    child_process p(serve_args(d));
    const auto port = started(p);
    std::vector<joined> clients;
    for (const char* u : {"user1", "user2", "user3"}) {
      auto log = std::make_unique<sender_log>();
      log->user = u;
      log->token = login(port, u, u);
      clients.push_back(join_v1(port, log->token));
      logs.push_back(std::move(log));
    }
    // The kill comes from the senders themselves, mid-stream: at the 60th
    // acknowledgement, while each still has most of its 300 messages to send.
    std::atomic<int> acks{0};
    const auto kill_at_60 = [&] {
      if (++acks == 60) p.signal(SIGKILL);
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < logs.size(); ++i) {
      threads.emplace_back([&, i] { run_sender(*clients[i].ws, *logs[i], 300, kill_at_60); });
    }
    for (auto& t : threads) t.join();
    REQUIRE(acks >= 60);
    REQUIRE(p.wait() == 128 + SIGKILL);
    bool active = false;
    std::size_t in_flight = 0;
    for (const auto& l : logs) {
      active = active || l->cut_off;
      in_flight += l->sent.size() - l->acked.size();
    }
    REQUIRE(active);        // at least one sender still had messages to send when the server died
    CHECK(in_flight > 0);   // and some were sent but not acknowledged
  }

  child_process p(serve_args(d));
  const auto port = started(p);

  // (1) Everything anyone received is stored, with the same id and content.
  std::map<std::int64_t, json> stored;
  {
    auto observer = join_v1(port, logs[0]->token, "&since=0");
    REQUIRE(observer.history.at("limited") == false);
    for (auto m : observer.history.at("messages")) {
      m["type"] = "message";
      stored[id_of(m)] = m;
    }
    observer.ws->close();
  }
  std::size_t seen_total = 0;
  for (const auto& l : logs) {
    for (const auto& m : l->seen) {
      INFO(l->user << " saw " << m.dump());
      REQUIRE(stored.count(id_of(m)) == 1);
      CHECK(stored.at(id_of(m)) == m);
      ++seen_total;
    }
  }
  CHECK(seen_total > 0);

  // (2) Each client resumes from the last id it saw and resends what was never acknowledged.
  std::vector<joined> again;
  for (auto& l : logs) {
    const std::int64_t last = l->seen.empty() ? 0 : id_of(l->seen.back());
    again.push_back(join_v1(port, l->token, "&since=" + std::to_string(last)));
    for (const auto& m : again.back().history.at("messages")) {
      json copy = m;
      copy["type"] = "message";
      l->seen.push_back(copy);
    }
  }
  for (std::size_t i = 0; i < logs.size(); ++i) {
    auto& l = *logs[i];
    std::set<std::string> known;
    for (const auto& m : l.seen) known.insert(m.value("client_id", ""));
    std::set<std::string> resent;
    for (const auto& cid : l.sent) {
      if (known.count(cid)) continue;  // stored before the kill, echo lost with it: seen in the history
      again[i].ws->send_text(send_frame("durable " + cid, cid));
      resent.insert(cid);
    }
    while (!resent.empty()) {
      auto m = next_of(*again[i].ws, "message");
      resent.erase(m.value("client_id", ""));
      l.seen.push_back(std::move(m));
    }
  }
  // Everyone catches up to the newest message, then compares.
  std::int64_t newest = 0;
  {
    auto probe = join_v1(port, logs[0]->token);
    newest = probe.welcome.at("last_id");
    probe.ws->close();
  }
  std::map<std::int64_t, json> final_history;
  {
    auto observer = join_v1(port, logs[1]->token, "&since=0");
    for (auto m : observer.history.at("messages")) {
      m["type"] = "message";
      final_history[id_of(m)] = m;
    }
    observer.ws->close();
  }
  REQUIRE(static_cast<std::int64_t>(final_history.size()) == newest);  // ids 1..newest, no gap
  REQUIRE(final_history.rbegin()->first == newest);
  for (std::size_t i = 0; i < logs.size(); ++i) {
    auto& l = *logs[i];
    while (l.seen.empty() || id_of(l.seen.back()) < newest) l.seen.push_back(next_of(*again[i].ws, "message"));
    std::vector<std::int64_t> ids;
    for (const auto& m : l.seen) {
      ids.push_back(id_of(m));
      CHECK(final_history.at(id_of(m)) == m);
    }
    std::vector<std::int64_t> all;
    for (std::int64_t id = 1; id <= newest; ++id) all.push_back(id);
    INFO(l.user);
    CHECK(ids == all);  // every message once, in order: nothing lost, nothing doubled
  }
  // Every message any user sent is stored exactly once.
  std::map<std::string, int> per_client_id;
  for (const auto& [id, m] : final_history) per_client_id[m.value("client_id", "")]++;
  for (const auto& l : logs) {
    for (const auto& cid : l->sent) {
      INFO(cid);
      CHECK(per_client_id[cid] == 1);
    }
  }
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}
