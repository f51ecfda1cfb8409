// The Autobahn-derived conformance run: every case of a section on its own
// connection to the real chatroom-server binary (a child process, guest
// mode, `--rate-limit 0` so section 9's thousand-message cases need no
// pacing), each judged OK / NON-STRICT / FAILED and printed as a table; a
// section passes only when every case is OK.
#include "autobahn/ab_driver.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <regex>

using namespace chat::test;
using namespace chat::test::autobahn;

namespace {

/** Runs `cases` against a fresh server; returns how many were not OK. */
int run_all(const std::string& title, const std::vector<test_case>& cases) {
  temp_dir d;
  std::filesystem::create_directories(d / "web");
  // An empty database first (a `user` command creates it without the sample
  // users, whose password hashing would take most of the run's time).
  child_process init({"--db", (d / "chat.db").string(), "user", "list"});
  REQUIRE(init.wait() == 0);
  child_process p({"--port", "0", "--db", (d / "chat.db").string(), "--web-root", (d / "web").string(), "--guest-mode",
                   "--rate-limit", "0"});
  const auto line = p.read_line();
  REQUIRE(line);
  REQUIRE(std::regex_match(*line, std::regex(R"(listening on http://127\.0\.0\.1:[0-9]+)")));
  const auto port = port_of(*line);
  int counts[3] = {0, 0, 0};
  std::vector<std::string> failed_users;
  const auto started = std::chrono::steady_clock::now();
  for (const auto& c : cases) {
    // A guest name of its own per case: "ab" and the case id (ab6.4.3).
    const auto r = run_case(port, c, "ab" + c.id);
    ++counts[static_cast<int>(r.v)];
    if (r.v != verdict::ok) {
      std::cout << "  " << c.id << "  " << name(r.v) << "  " << c.what << ": " << r.detail << "\n";
      failed_users.push_back("user=ab" + c.id + " ");
    }
  }
  // The server's log lines of the cases that were not OK.
  const auto log = p.stderr_text();
  for (std::size_t at = 0, end; at < log.size(); at = end + 1) {
    end = log.find('\n', at);
    if (end == std::string::npos) end = log.size();
    const auto line = log.substr(at, end - at);
    for (const auto& u : failed_users) {
      if (line.find(u) != std::string::npos) std::cout << "    server: " << line << "\n";
    }
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  std::cout << title << ": " << cases.size() << " cases, OK " << counts[0] << ", NON-STRICT " << counts[1]
            << ", FAILED " << counts[2] << " (" << ms << " ms)\n";
  return counts[1] + counts[2];
}

}  // namespace

TEST_CASE("Autobahn 1-5: framing, pings, reserved bits and opcodes, fragmentation", "[autobahn][framing]") {
  CHECK(run_all("section 1", section_1()) == 0);
  CHECK(run_all("section 2", section_2()) == 0);
  CHECK(run_all("section 3", section_3()) == 0);
  CHECK(run_all("section 4", section_4()) == 0);
  CHECK(run_all("section 5", section_5()) == 0);
}

TEST_CASE("Autobahn 6: UTF-8 handling", "[autobahn][utf8]") { CHECK(run_all("section 6", section_6()) == 0); }

TEST_CASE("Autobahn 7: closing", "[autobahn][closing]") { CHECK(run_all("section 7", section_7()) == 0); }

TEST_CASE("Autobahn 9 and 10: limits, many messages, fragmentation", "[autobahn][limits]") {
  CHECK(run_all("section 9", section_9()) == 0);
  CHECK(run_all("section 10", section_10()) == 0);
}
