// `chatroom-server backup` and `restore` against the real binary: a backup
// taken as a separate process during a 200 msg/s flood passes integrity_check
// and holds every message acknowledged before it started; restore refuses
// while the server runs, and after a stop the server serves the restored
// history. Then what the commands refuse, and that they leave nothing behind.
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

using namespace chat::test;
namespace fs = std::filesystem;

namespace {

/** Runs `sql` on the database file `db`; the first column of each row as text. */
std::vector<std::string> query(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::vector<std::string> rows;
  const int prepared = sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  INFO(sql << ": " << sqlite3_errmsg(h));
  int rc = SQLITE_DONE;
  while (prepared == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    rows.emplace_back(t ? t : "");
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  REQUIRE(prepared == SQLITE_OK);
  REQUIRE(rc == SQLITE_DONE);
  return rows;
}

std::int64_t number(const fs::path& db, const std::string& sql) { return std::stoll(query(db, sql).at(0)); }

/** A new database with the sample users (made by the binary) and `n` old messages of 300 bytes. */
void make_database(const fs::path& db, int n) {
  child_process create({"--db", db.string(), "--demo-users", "user", "list"});  // a new database is empty without it
  REQUIRE(create.wait() == 0);
  query(db, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " + std::to_string(n) +
                ") INSERT INTO messages(room_id, seq, username, body, time_ms) SELECT 1, i, 'user1', printf('old %d ', i) || "
                "hex(zeroblob(146)), 1732752000000 + i FROM k");
  query(db, "UPDATE rooms SET last_seq = " + std::to_string(n) + " WHERE id = 1");  // the default room's counter
}

std::vector<std::string> serve_args(const fs::path& dir) {
  fs::create_directories(dir / "web");
  return {"--port", "0", "--db", (dir / "chat.db").string(), "--web-root", (dir / "web").string(), "--rate-limit", "0"};
}

std::uint16_t started(child_process& p) {
  const auto line = p.read_line();
  REQUIRE(line);
  return port_of(*line);
}

/** Acknowledgements of the flood: the sender's own echo of each message (docs/protocol.md §4). */
struct acks {
  std::mutex mu;
  std::vector<std::pair<std::int64_t, std::string>> list;  ///< (id, client_id), in arrival order
  std::vector<std::chrono::steady_clock::time_point> times;  ///< when each arrived
  std::atomic<bool> stop{false};
  std::atomic<int> broken{0};  ///< senders whose socket closed under them

  std::size_t size() {
    std::lock_guard lock(mu);
    return list.size();
  }
  std::vector<std::pair<std::int64_t, std::string>> snapshot() {
    std::lock_guard lock(mu);
    return list;
  }
  /** The longest wait for an acknowledgement between `from` and `to`. */
  std::chrono::milliseconds longest_gap(std::chrono::steady_clock::time_point from,
                                        std::chrono::steady_clock::time_point to) {
    std::lock_guard lock(mu);
    auto last = from;
    std::chrono::steady_clock::duration gap{};
    for (const auto t : times) {
      if (t <= from) continue;
      gap = std::max(gap, t - last);
      last = t;
      if (t >= to) break;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(gap);
  }
};

/** Sends one message every `period` until told to stop, recording the id of each acknowledged one. */
void flood(ws_client& ws, const std::string& user, std::chrono::microseconds period, acks& out) {
  auto next = std::chrono::steady_clock::now();
  int n = 0;
  try {
    while (!out.stop) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= next) {
        const std::string cid = user + "-" + std::to_string(n++);
        ws.send_text(send_frame("flood " + cid, cid));
        next += period;
        continue;
      }
      const auto f = ws.read(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(next - now), 1ms));
      if (!f) {
        if (ws.closed()) break;
        continue;
      }
      const auto j = json::parse(*f);
      if (j.value("type", "") == "message" && j.value("username", "") == user && j.contains("client_id")) {
        std::lock_guard lock(out.mu);
        out.list.emplace_back(j.at("id").get<std::int64_t>(), j.at("client_id").get<std::string>());
        out.times.push_back(std::chrono::steady_clock::now());
      }
    }
  } catch (const std::exception&) {
  }
  if (!out.stop) out.broken++;
}

}  // namespace

TEST_CASE("a backup taken during a 200 msg/s flood holds every acknowledged message, and restores",
          "[backup][process]") {
  temp_dir d;
  const auto db = d / "chat.db";
  const auto copy = d / "backups" / "chat-copy.db";
  fs::create_directories(d / "backups");
  make_database(db, 30000);  // about 10 MB: the copy takes many steps of 256 pages while the flood commits

  std::int64_t live_last = 0;
  std::vector<std::pair<std::int64_t, std::string>> before;  // acknowledged before the backup started
  std::int64_t copy_last = 0;
  {
    child_process server(serve_args(d.path()));
    const auto port = started(server);
    const std::vector<std::string> users = {"user1", "user2", "user3", "sofia"};
    std::vector<joined> clients;
    for (const auto& u : users) clients.push_back(join_v1(port, login(port, u, u)));
    acks acked;
    std::vector<std::thread> senders;
    for (std::size_t i = 0; i < users.size(); ++i) {
      // 4 senders, one message each every 20 ms: 200 messages a second.
      senders.emplace_back([&, i] { flood(*clients[i].ws, users[i], std::chrono::milliseconds(20), acked); });
    }
    REQUIRE(wait_for([&] { return acked.size() >= 300; }, 30s));

    before = acked.snapshot();
    const auto backup_start = std::chrono::steady_clock::now();
    child_process backup({"--db", db.string(), "backup", copy.string()});
    REQUIRE(backup.wait(60s) == 0);
    const auto backup_end = std::chrono::steady_clock::now();
    const auto during = acked.size() - before.size();
    const auto line = backup.stdout_rest();
    std::smatch m;
    const std::regex said(R"(backed up .* to .*: (\d+) pages, (\d+) bytes, )"
                          R"((\d+) messages \(last id (\d+)\), [0-9.]+ s\n)");
    REQUIRE(std::regex_match(line, m, said));
    CHECK(std::stoll(m[1]) > 256);
    CHECK(std::stoll(m[2]) == static_cast<std::int64_t>(fs::file_size(copy)));
    copy_last = std::stoll(m[4]);
    // The flood goes on: the server kept committing while and after the copy was taken.
    const auto at_end = acked.size();
    CHECK(wait_for([&] { return acked.size() >= at_end + 200; }, 30s));
    // The copy never held the server's writer up: acknowledgements kept coming (here every
    // few ms; the bound leaves room for a loaded machine, not for a writer waiting on a lock).
    const auto gap = acked.longest_gap(backup_start, backup_end);
    INFO("backup " << std::chrono::duration_cast<std::chrono::milliseconds>(backup_end - backup_start).count()
                   << " ms, " << during << " acknowledged meanwhile, longest wait " << gap.count() << " ms");
    CHECK(gap < 3s);

    // A restore onto the database of a running server is refused, and changes nothing.
    child_process refused({"--db", db.string(), "restore", copy.string()});
    CHECK(refused.wait() == 1);
    CHECK(refused.stderr_text().find("is in use") != std::string::npos);
    const auto at_refusal = acked.size();
    CHECK(wait_for([&] { return acked.size() >= at_refusal + 50; }, 30s));

    acked.stop = true;
    for (auto& t : senders) t.join();
    CHECK(acked.broken == 0);
    server.signal(SIGTERM);
    REQUIRE(server.wait() == 0);
    std::smatch stopped;
    const auto log_text = server.stderr_text();
    REQUIRE(std::regex_search(log_text, stopped, std::regex(R"(stopped last_id=(\d+))")));
    live_last = std::stoll(stopped[1]);  // also messages in flight when the senders stopped

    // The copy is one checked file with every message acknowledged before the backup started.
    CHECK(query(copy, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(query(copy, "PRAGMA journal_mode") == std::vector<std::string>{"delete"});
    CHECK_FALSE(fs::exists(copy.string() + "-wal"));
    CHECK(number(copy, "SELECT count(*) FROM messages") == std::stoll(m[3]));
    CHECK(number(copy, "SELECT max(id) FROM messages") == copy_last);
    std::map<std::int64_t, std::string> stored;
    for (const auto& row : query(copy, "SELECT id || ' ' || client_id FROM messages WHERE client_id IS NOT NULL")) {
      stored[std::stoll(row)] = row.substr(row.find(' ') + 1);
    }
    for (const auto& [id, cid] : before) {
      INFO(id << " " << cid);
      REQUIRE(stored.count(id) == 1);
      CHECK(stored[id] == cid);
    }
    CHECK(number(copy, "SELECT count(*) FROM messages WHERE client_id IS NULL") == 30000);
    REQUIRE(copy_last < live_last);  // the live database went on past the copy
  }

  // Restore with the server stopped, then the server serves the copy's history.
  child_process restore({"--db", db.string(), "restore", copy.string()});
  REQUIRE(restore.wait(60s) == 0);
  const auto said = restore.stdout_rest();
  CHECK(said.find("restored " + db.string() + " from " + copy.string()) == 0);
  std::vector<fs::path> kept;
  for (const auto& e : fs::directory_iterator(d.path())) {
    if (e.path().filename().string().rfind("chat.db.replaced-", 0) == 0) kept.push_back(e.path());
  }
  REQUIRE(kept.size() == 1);
  CHECK(said.find(kept[0].string()) != std::string::npos);
  CHECK(number(kept[0], "SELECT max(id) FROM messages") == live_last);  // the replaced database, whole
  CHECK_FALSE(fs::exists(db.string() + "-wal"));

  child_process server(serve_args(d.path()));
  const auto port = started(server);
  auto reader = join_v1(port, login(port, "user2", "user2"));
  CHECK(reader.welcome.at("last_id") == copy_last);
  std::map<std::int64_t, std::string> served;
  const std::int64_t oldest = before.empty() ? copy_last : std::min_element(before.begin(), before.end())->first;
  for (std::int64_t below = copy_last + 1; below > oldest;) {
    reader.ws->send_text(json{{"type", "history"}, {"before", below}, {"limit", 200}}.dump());
    const auto page = next_of(*reader.ws, "history");
    REQUIRE_FALSE(page.at("messages").empty());
    for (const auto& msg : page.at("messages")) served[msg.at("id").get<std::int64_t>()] = msg.value("client_id", "");
    below = page.at("messages").front().at("id").get<std::int64_t>();
  }
  for (const auto& [id, cid] : before) {
    INFO(id << " " << cid);
    REQUIRE(served.count(id) == 1);
    CHECK(served[id] == cid);
  }
  // Ids go on after the replaced database's: an id a client saw before the restore is never reused.
  CHECK(said.find("new messages get ids from " + std::to_string(live_last + 1)) != std::string::npos);
  reader.ws->send_text(send_frame("after the restore", "after-1"));
  CHECK(next_of(*reader.ws, "message").at("id") == live_last + 1);
  reader.ws->close();
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}

TEST_CASE("backup and restore refuse what they cannot do, say why, and leave nothing behind", "[backup][process]") {
  temp_dir d;
  const auto db = d / "chat.db";
  const auto dest = d / "copy.db";
  auto run = [](const std::vector<std::string>& args, int code, const std::string& says) {
    child_process p(args);
    INFO(args.back() << " -> " << p.stderr_text());
    CHECK(p.wait() == code);
    const auto err = p.stderr_text();
    CHECK(err.rfind("chatroom-server: ", 0) == 0);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(err.find(says) != std::string::npos);
  };
  // No database: exit 2, and none is created.
  run({"--db", db.string(), "backup", dest.string()}, 2, "no such database file");
  CHECK_FALSE(fs::exists(db));
  write_file(d / "junk.db", std::string(8192, 'x'));
  run({"--db", (d / "junk.db").string(), "backup", dest.string()}, 2, "not a database");

  make_database(db, 10);
  run({"--db", db.string(), "backup", (d / "no/such/dir/copy.db").string()}, 2, "does not exist");
  run({"--db", db.string(), "backup", db.string(), "--force"}, 2, "is the database itself");
  write_file(dest, "keep me");
  run({"--db", db.string(), "backup", dest.string()}, 1, "exists (--force replaces it)");
  {
    std::ifstream in(dest);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "keep me");
  }
  {
    child_process forced({"--db", db.string(), "backup", dest.string(), "--force"});
    CHECK(forced.wait() == 0);
    CHECK(number(dest, "SELECT count(*) FROM messages") == 10);
  }

  // A damaged backup is refused by integrity_check (or cannot be read at all): the database stays as it was.
  const auto damaged = d / "damaged.db";
  fs::copy_file(dest, damaged);
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    const auto page = number(dest, "SELECT rootpage FROM sqlite_master WHERE name='messages'");
    f.seekp(static_cast<std::streamoff>((page - 1) * 4096));
    const std::string garbage(64, '\x7f');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  {
    child_process p({"--db", db.string(), "restore", damaged.string()});
    CHECK(p.wait() == 1);
    INFO(p.stderr_text());
    CHECK(p.stderr_text().rfind("chatroom-server: restore: ", 0) == 0);
  }
  CHECK(number(db, "SELECT count(*) FROM messages") == 10);
  run({"--db", db.string(), "restore", (d / "junk.db").string()}, 2, "not a database");
  run({"--db", db.string(), "restore", (d / "none.db").string()}, 2, "no such database file");

  // A restore where there is no database yet creates it and keeps nothing aside.
  const auto fresh = d / "fresh" / "chat.db";
  fs::create_directories(fresh.parent_path());
  {
    child_process p({"--db", fresh.string(), "restore", dest.string()});
    CHECK(p.wait() == 0);
    CHECK(p.stdout_rest().find("replaced") == std::string::npos);
  }
  CHECK(number(fresh, "SELECT count(*) FROM messages") == 10);

  // Nothing half-written is left: no temporary copies, no journals.
  std::set<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(d.path())) {
    names.insert(e.path().lexically_relative(d.path()).string());
  }
  CHECK(names == std::set<std::string>{"chat.db", "copy.db", "damaged.db", "junk.db", "fresh", "fresh/chat.db"});
}
