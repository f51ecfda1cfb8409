// The real binary as a child process: the listening line, SIGTERM, restart
// with the same database, exit code 2 for unusable settings, --help,
// user administration through stdin, and TLS on the same port.
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace chat::test;

namespace {

/** Starts the server on a free port and returns its port (from the stdout line). */
std::uint16_t start(child_process& p) {
  const auto line = p.read_line();
  REQUIRE(line);
  REQUIRE(std::regex_match(*line, std::regex(R"(listening on http://127\.0\.0\.1:[0-9]+)")));
  return port_of(*line);
}

std::vector<std::string> serve_args(const temp_dir& d) {
  std::filesystem::create_directories(d / "web");
  return {"--port", "0", "--db", (d / "chat.db").string(), "--web-root", (d / "web").string()};
}

}  // namespace

TEST_CASE("SIGTERM closes sockets with 1001 and exits 0", "[process]") {
  temp_dir d;
  child_process p(serve_args(d));
  const auto port = start(p);
  CHECK(p.stdout_rest().empty());  // exactly one line on stdout
  auto a = join_v1(port, login(port, "user1", "user1"));
  ws_client legacy(port, "/websocket/chatroom?username=user2", login(port, "user2", "user2"));
  a.ws->send_text("last words");
  CHECK(next_of(*a.ws, "message").at("message") == "last words");

  p.signal(SIGTERM);
  REQUIRE(a.ws->wait_closed());
  CHECK(a.ws->close_code() == 1001);
  REQUIRE(legacy.wait_closed());
  CHECK(legacy.close_code() == 1001);
  const auto code = p.wait();
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(p.stderr_text().find("signal SIGTERM") != std::string::npos);
}

TEST_CASE("SIGINT also stops the server cleanly", "[process]") {
  temp_dir d;
  child_process p(serve_args(d));
  start(p);
  p.signal(SIGINT);
  CHECK(p.wait() == 0);
}

TEST_CASE("a restart keeps the history and the ids", "[process]") {
  temp_dir d;
  std::vector<json> before;
  {
    child_process p(serve_args(d));
    const auto port = start(p);
    auto a = join_v1(port, login(port, "user1", "user1"));
    for (int k = 0; k < 5; ++k) a.ws->send_text(send_frame("persisted " + std::to_string(k), "p-" + std::to_string(k)));
    for (int k = 0; k < 5; ++k) before.push_back(next_of(*a.ws, "message"));
    a.ws->close();
    p.signal(SIGTERM);
    REQUIRE(p.wait() == 0);
  }
  child_process p(serve_args(d));
  const auto port = start(p);
  auto a = join_v1(port, login(port, "user1", "user1"));
  CHECK(a.welcome.at("last_id") == before.back().at("id"));
  REQUIRE(a.history.at("messages").size() == before.size());
  for (std::size_t k = 0; k < before.size(); ++k) {
    json m = a.history.at("messages")[k];
    m["type"] = "message";
    CHECK(m == before[k]);
  }
  a.ws->send_text(send_frame("persisted 0", "p-0"));  // still de-duplicated after the restart
  CHECK(next_of(*a.ws, "message") == before[0]);
  a.ws->send_text("after the restart");
  CHECK(next_of(*a.ws, "message").at("id") == before.back().at("id").get<std::int64_t>() + 1);
  a.ws->close();
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}

TEST_CASE("bad flags and unusable --db or --web-root exit 2 with one line", "[process]") {
  temp_dir d;
  write_file(d / "not-a-db", std::string(4096, 'x'));
  // A readable --web-root where the case is about something else: without one the server would
  // warn (a second line) when the web client is not built yet.
  const std::string web = d.path().string();
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {"--port", "99999"},
      {"--port", "0", "--db", (d / "no/such/dir/x.db").string(), "--web-root", web},
      {"--port", "0", "--db", (d / "not-a-db").string(), "--web-root", web},
      {"--port", "0", "--db", (d / "ok.db").string(), "--web-root", (d / "missing").string()},
      {"--port", "0", "--db", (d / "ok.db").string(), "--tls-cert", (d / "none.pem").string(), "--tls-key",
       (d / "none.pem").string(), "--web-root", web},
  };
  for (const auto& args : cases) {
    INFO(args[0] + " " + (args.size() > 3 ? args[3] : ""));
    child_process p(args);
    CHECK(p.wait() == 2);
    const auto err = p.stderr_text();
    CHECK(err.rfind("chatroom-server: ", 0) == 0);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(p.stdout_rest().empty());
  }
}

TEST_CASE("help documents the flags, and the version", "[process]") {
  child_process help({"--help"});
  CHECK(help.wait() == 0);
  const auto text = help.stdout_rest();
  for (const char* flag : {"--host", "--port", "--db", "--web-root", "--threads", "--guest-mode", "--allow-origin",
                           "--tls-cert", "--tls-key", "--rate-limit", "--max-queue-bytes", "--metrics-allow",
                           "--trusted-proxy", "--public-url", "--allow-host", "--demo-users",
                           "user passwd"}) {
    CHECK(text.find(flag) != std::string::npos);
  }
  child_process version({"--version"});
  CHECK(version.wait() == 0);
  CHECK(version.stdout_rest().rfind("chatroom-server ", 0) == 0);
}

TEST_CASE("user add and user passwd read the password from stdin", "[process]") {
  temp_dir d;
  const auto db = (d / "chat.db").string();
  {
    // --demo-users: the new database gets the sample users (user1 below), as the server on loopback gives it.
    child_process add({"--db", db, "--demo-users", "user", "add", "zoe", "--first-name", "Zoe", "--last-name", "Park",
                       "--job-title", "Intern"},
                      "zoe's secret\n");
    CHECK(add.wait() == 0);
    CHECK(add.stdout_rest().find("added user zoe") != std::string::npos);
  }
  {
    child_process dup({"--db", db, "user", "add", "zoe"}, "x\n");
    CHECK(dup.wait() == 1);
  }
  {
    child_process pw({"--db", db, "user", "passwd", "user1"}, "a new password\n");
    CHECK(pw.wait() == 0);
  }
  {
    child_process empty({"--db", db, "user", "passwd", "user1"}, "");
    CHECK(empty.wait() == 1);
  }
  child_process list({"--db", db, "user", "list"});
  CHECK(list.wait() == 0);
  CHECK(list.stdout_rest().find("zoe\tZoe Park\tIntern") != std::string::npos);

  child_process p(serve_args(d));
  const auto port = start(p);
  CHECK(login(port, "zoe", "zoe's secret").size() > 20);
  CHECK(http(port, "POST", "/api/login", {}, R"({"username":"user1","password":"user1"})").status == 401);
  CHECK(login(port, "user1", "a new password").size() > 20);
}

TEST_CASE("with --tls-cert/--tls-key it serves https and wss on the same port", "[process][tls]") {
  temp_dir d;
  const auto cert = (d / "cert.pem").string();
  const auto key = (d / "key.pem").string();
  const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
                           " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(make.c_str()) == 0);
  auto args = serve_args(d);
  args.insert(args.end(), {"--tls-cert", cert, "--tls-key", key});
  child_process p(args);
  const auto line = p.read_line();
  REQUIRE(line);
  REQUIRE(std::regex_match(*line, std::regex(R"(listening on https://127\.0\.0\.1:[0-9]+)")));
  const auto port = std::to_string(port_of(*line));

  // openssl s_client is the TLS client: a login over https, then a plain-text
  // request on the same port gets 400 (TLS only).
  const auto out = (d / "out.txt").string();
  const std::string login_cmd =
      "printf 'POST /api/login HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: 39\\r\\nConnection: close\\r\\n\\r\\n"
      "{\"username\":\"user1\",\"password\":\"user1\"}' | timeout 20 openssl s_client -quiet -connect 127.0.0.1:" +
      port + " > " + out + " 2>/dev/null";
  CHECK(std::system(login_cmd.c_str()) == 0);
  std::ifstream in(out);
  const std::string reply((std::istreambuf_iterator<char>(in)), {});
  CHECK(reply.rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK(reply.find("Secure") != std::string::npos);  // the cookie is Secure under TLS
  CHECK(reply.find("\"token\"") != std::string::npos);

  const std::string upgrade_cmd =
      "printf 'GET /websocket/chatroom?v=1 HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: Upgrade\\r\\nUpgrade: websocket\\r\\n"
      "Sec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n\\r\\n' | timeout 20 openssl s_client "
      "-quiet -connect 127.0.0.1:" + port + " > " + out + " 2>/dev/null";
  CHECK(std::system(upgrade_cmd.c_str()) == 0);
  std::ifstream in2(out);
  const std::string refused((std::istreambuf_iterator<char>(in2)), {});
  CHECK(refused.rfind("HTTP/1.1 401", 0) == 0);  // wss reaches the socket's admission over TLS

  CHECK(http(port_of(*line), "GET", "/healthz").status == 400);  // plain HTTP: told to use https
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}
