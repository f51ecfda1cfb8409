// The sample users (password = username) are seeded only where no network
// reaches them: a new database gets them when the server listens on loopback
// or with --demo-users; listening on 0.0.0.0 it gets none, and the log says
// how to add the first admin. The real binary, reached over 127.0.0.1.
#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>

using namespace chat::test;
using json = nlohmann::json;

namespace {

/** Runs `args` on the database and returns its exit code. */
int cli(const std::string& db, std::vector<std::string> args, const std::string& stdin_text = {}) {
  args.insert(args.begin(), {"--db", db});
  child_process p(args, stdin_text);
  return p.wait().value_or(-1);
}

unsigned try_login(std::uint16_t port, const std::string& user, const std::string& password) {
  return http(port, "POST", "/api/login", {}, json{{"username", user}, {"password", password}}.dump()).status;
}

}  // namespace

TEST_CASE("listening on 0.0.0.0 a new database gets no sample users, and the log says how to add an admin",
          "[process][seed]") {
  temp_dir d;
  std::filesystem::create_directories(d / "web");
  const auto db = (d / "chat.db").string();
  child_process p({"--host", "0.0.0.0", "--port", "0", "--db", db, "--web-root", (d / "web").string()});
  const auto line = p.read_line();
  REQUIRE(line);
  REQUIRE(line->rfind("listening on http://0.0.0.0:", 0) == 0);
  const auto port = port_of(*line);
  for (const char* user : {"user1", "user2", "sofia"}) CHECK(try_login(port, user, user) == 401);
  const auto err = p.stderr_text();
  CHECK(err.find("with no users") != std::string::npos);
  CHECK(err.find("chatroom-server --db " + db + " user add NAME") != std::string::npos);
  CHECK(err.find("user grant-admin NAME") != std::string::npos);

  // The way the log tells, while the server runs.
  REQUIRE(cli(db, {"user", "add", "boss"}, "a long secret\n") == 0);
  REQUIRE(cli(db, {"user", "grant-admin", "boss"}) == 0);
  CHECK(try_login(port, "boss", "a long secret") == 200);
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}

TEST_CASE("with --demo-users the sample users are seeded also when listening on 0.0.0.0", "[process][seed]") {
  temp_dir d;
  std::filesystem::create_directories(d / "web");
  child_process p({"--host", "0.0.0.0", "--port", "0", "--demo-users", "--db", (d / "chat.db").string(),
                   "--web-root", (d / "web").string()});
  const auto line = p.read_line();
  REQUIRE(line);
  const auto port = port_of(*line);
  CHECK(try_login(port, "user1", "user1") == 200);
  CHECK(p.stderr_text().find("with the sample employees") != std::string::npos);
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}

TEST_CASE("user commands on a new database create it empty unless --demo-users", "[process][seed]") {
  temp_dir d;
  const auto empty = (d / "empty.db").string();
  CHECK(cli(empty, {"user", "passwd", "user1"}, "x\n") == 1);  // no such user: nothing was seeded
  const auto demo = (d / "demo.db").string();
  CHECK(cli(demo, {"--demo-users", "user", "passwd", "user1"}, "x\n") == 0);
}
