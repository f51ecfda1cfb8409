// The command line: defaults come from chat/limits.hpp, every flag parses,
// bad input is refused with a one-line reason, --help names every flag.
#include "config.hpp"

#include <chat/limits.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace chat::server;

namespace {

parse_result parse(std::vector<const char*> args) {
  args.insert(args.begin(), "chatroom-server");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_CASE("defaults come from the shared limits", "[config]") {
  const auto r = parse({});
  REQUIRE(r.cfg);
  CHECK(r.cfg->cmd == command::serve);
  CHECK(r.cfg->host == "127.0.0.1");
  CHECK(r.cfg->port == 8080);
  CHECK(r.cfg->db_path == "chatroom.db");
  CHECK(r.cfg->web_root == default_web_root());
  CHECK_FALSE(r.cfg->web_root_given);
  CHECK(r.cfg->rate_per_second == chat::limits::rate_per_second);
  CHECK(r.cfg->rate_burst == chat::limits::rate_burst);
  CHECK(r.cfg->rate_strikes == chat::limits::rate_strikes);
  CHECK(r.cfg->max_queue_bytes == chat::limits::max_queue_bytes);
  CHECK(r.cfg->max_queue_frames == chat::limits::max_queue_frames);
  CHECK(r.cfg->idle_timeout_s == chat::limits::ws_idle_timeout_s);
  CHECK(r.cfg->frame_timeout_s == chat::limits::ws_frame_timeout_s);
  CHECK(r.cfg->max_partial_bytes == chat::limits::max_partial_bytes);
  CHECK(r.cfg->max_partial_bytes_per_address == chat::limits::max_partial_bytes_per_address);
  CHECK(r.cfg->history_per_second == chat::limits::history_per_second);
  CHECK(r.cfg->history_burst == chat::limits::history_burst);
  CHECK(r.cfg->commit_interval_ms == chat::limits::commit_interval_ms);
  CHECK(r.cfg->session_check_interval_ms == chat::limits::session_check_interval_s * 1000);
  CHECK_FALSE(r.cfg->fsync_full);
  CHECK_FALSE(r.cfg->log_json);
  CHECK_FALSE(r.cfg->guest_mode);
  CHECK_FALSE(r.cfg->tls());
  CHECK(r.cfg->metrics_allow == std::vector<std::string>{"127.0.0.0/8", "::1/128"});
}

TEST_CASE("every flag parses, in both spellings", "[config]") {
  const auto r = parse({"--host", "0.0.0.0", "--port=0", "--db", "x.db", "--web-root", "/srv/web", "--threads", "3",
                        "--guest-mode", "--allow-origin", "https://a.example/", "--allow-origin=http://b.example",
                        "--tls-cert", "c.pem", "--tls-key", "k.pem", "--rate-limit", "0", "--rate-burst", "7",
                        "--rate-strikes", "2", "--max-queue-bytes", "65536", "--max-queue-frames", "10",
                        "--idle-timeout", "20", "--commit-interval", "25", "--fsync", "full", "--log-format", "json",
                        "--metrics-allow", "10.0.0.0/8", "--metrics-allow=::1", "--frame-timeout", "4",
                        "--max-partial-bytes", "1048576", "--max-partial-bytes-per-address=131072",
                        "--history-rate", "0.5", "--history-burst", "3"});
  REQUIRE(r.cfg);
  const auto& c = *r.cfg;
  CHECK(c.host == "0.0.0.0");
  CHECK(c.port == 0);
  CHECK(c.db_path == "x.db");
  CHECK(c.web_root == "/srv/web");
  CHECK(c.web_root_given);
  CHECK(c.threads == 3);
  CHECK(c.guest_mode);
  CHECK(c.allow_origins == std::vector<std::string>{"https://a.example", "http://b.example"});
  CHECK(c.tls());
  CHECK(c.rate_per_second == 0);
  CHECK(c.rate_burst == 7);
  CHECK(c.rate_strikes == 2);
  CHECK(c.max_queue_bytes == 65536);
  CHECK(c.max_queue_frames == 10);
  CHECK(c.idle_timeout_s == 20);
  CHECK(c.commit_interval_ms == 25);
  CHECK(c.fsync_full);
  CHECK(c.log_json);
  CHECK(c.metrics_allow == std::vector<std::string>{"10.0.0.0/8", "::1"});
  CHECK(c.frame_timeout_s == 4);
  CHECK(c.max_partial_bytes == 1048576);
  CHECK(c.max_partial_bytes_per_address == 131072);
  CHECK(c.history_per_second == 0.5);
  CHECK(c.history_burst == 3);
}

TEST_CASE("the flags --trusted-proxy, --public-url, --allow-host and --demo-users parse and refuse bad values",
          "[config][proxy][host]") {
  auto r = parse({});
  REQUIRE(r.cfg);
  CHECK(r.cfg->trusted_proxies.empty());
  CHECK(r.cfg->public_url.empty());
  CHECK(r.cfg->allow_hosts.empty());
  CHECK_FALSE(r.cfg->demo_users);
  CHECK(r.cfg->listens_on_loopback());
  r = parse({"--trusted-proxy", "10.0.0.2", "--trusted-proxy", "fd00::/8", "--public-url", "https://chat.example.com",
             "--allow-host", "Chat.Internal", "--allow-host", "[::2]:80", "--demo-users", "--host", "0.0.0.0"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->trusted_proxies == std::vector<std::string>{"10.0.0.2", "fd00::/8"});
  CHECK(r.cfg->public_url == "https://chat.example.com");
  CHECK(r.cfg->allow_hosts == std::vector<std::string>{"chat.internal", "::2"});
  CHECK(r.cfg->demo_users);
  CHECK_FALSE(r.cfg->listens_on_loopback());
  for (const char* host : {"127.0.0.5", "::1", "localhost", "[::1]"}) {
    INFO(host);
    CHECK(parse({"--host", host}).cfg->listens_on_loopback());
  }
  CHECK(parse({"--trusted-proxy", "10.0.0.0/40"}).error == "--trusted-proxy needs an address range such as 10.0.0.0/8, 192.0.2.7 or ::1/128");
  CHECK(parse({"--public-url", "chat.example.com"}).error == "--public-url needs a URL such as https://chat.example.com");
  CHECK(parse({"--allow-host", "a b"}).error == "--allow-host needs a host name such as chat.example.com");
}

TEST_CASE("the --metrics-allow flags replace the loopback default with ranges, or any", "[config][metrics]") {
  auto r = parse({"--metrics-allow", "127.0.0.2/32"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->metrics_allow == std::vector<std::string>{"127.0.0.2/32"});
  r = parse({"--metrics-allow", "any"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->metrics_allow == std::vector<std::string>{"0.0.0.0/0", "::/0"});
  r = parse({"--metrics-allow", "2001:db8::/32", "--metrics-allow", "192.0.2.7"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->metrics_allow == std::vector<std::string>{"2001:db8::/32", "192.0.2.7"});
  for (const char* bad : {"", "10.0.0.0/33", "loopback", "10.0.0.0/8,::1", "*"}) {
    INFO(bad);
    r = parse({"--metrics-allow", bad});
    CHECK_FALSE(r.cfg);
    CHECK(r.error == "--metrics-allow needs an address range such as 10.0.0.0/8, 192.0.2.7 or ::1/128, or any");
  }
}

TEST_CASE("the commit interval flag takes 0 to 1000 ms and the fsync flag takes normal or full", "[config]") {
  for (const auto& [text, ms] : std::vector<std::pair<const char*, int>>{{"0", 0}, {"1", 1}, {"1000", 1000}}) {
    const auto r = parse({"--commit-interval", text});
    INFO(text);
    REQUIRE(r.cfg);
    CHECK(r.cfg->commit_interval_ms == ms);
  }
  CHECK(parse({"--commit-interval=7"}).cfg->commit_interval_ms == 7);
  CHECK_FALSE(parse({"--fsync", "normal"}).cfg->fsync_full);
  CHECK(parse({"--fsync=full"}).cfg->fsync_full);
  CHECK_FALSE(parse({"--fsync", "full", "--fsync", "normal"}).cfg->fsync_full);  // the last one counts

  for (const auto& args : std::vector<std::vector<const char*>>{{"--commit-interval"},
                                                                 {"--commit-interval", "-1"},
                                                                 {"--commit-interval", "1001"},
                                                                 {"--commit-interval", "5ms"},
                                                                 {"--commit-interval", "0.5"},
                                                                 {"--commit-interval", ""},
                                                                 {"--commit-interval", "99999999999999999999"},
                                                                 {"--fsync"},
                                                                 {"--fsync", "FULL"},
                                                                 {"--fsync", "off"},
                                                                 {"--fsync", ""},
                                                                 {"--fsync", "1"}}) {
    std::string shown;
    for (const auto* a : args) shown += std::string(a) + " ";
    INFO(shown);
    const auto r = parse(args);
    CHECK_FALSE(r.cfg);
    CHECK(r.error.find(args[0]) != std::string::npos);
    CHECK(r.error.find('\n') == std::string::npos);
  }
}

TEST_CASE("bad flags are refused with a reason", "[config]") {
  for (const auto& args : std::vector<std::vector<const char*>>{{"--port", "70000"},
                                                                 {"--port", "x"},
                                                                 {"--port"},
                                                                 {"--threads", "0"},
                                                                 {"--bogus"},
                                                                 {"--rate-limit", "-1"},
                                                                 {"--rate-limit", "nan"},
                                                                 {"--frame-timeout", "0"},
                                                                 {"--max-partial-bytes", "1000"},
                                                                 {"--max-partial-bytes-per-address", "-1"},
                                                                 {"--history-rate", "-1"},
                                                                 {"--history-burst", "0.5"},
                                                                 {"--tls-cert", "c.pem"},
                                                                 {"--guest-mode=yes"},
                                                                 {"frobnicate"},
                                                                 {"user", "add"},
                                                                 {"--po", "1"},  // no abbreviations
                                                                 {"--command", "user"},
                                                                 {"--", "user", "list"},
                                                                 {"--host", "--port", "1"},
                                                                 {"--port", "1", "--port", "x"}}) {
    const auto r = parse(args);
    INFO(args[0]);
    CHECK_FALSE(r.cfg);
    CHECK_FALSE(r.error.empty());
    CHECK(r.error.find('\n') == std::string::npos);
  }
}

TEST_CASE("user commands and --help/--version", "[config]") {
  auto r = parse({"--db", "f.db", "user", "add", "zoe", "--first-name", "Zoe", "--job-title", "Intern"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->cmd == command::user_add);
  CHECK(r.cfg->user_name == "zoe");
  CHECK(r.cfg->first_name == "Zoe");
  CHECK(r.cfg->job_title == "Intern");
  r = parse({"user", "passwd", "user1"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->cmd == command::user_passwd);
  r = parse({"user", "list"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->cmd == command::user_list);
  for (const auto& [name, cmd] : std::vector<std::pair<const char*, command>>{
           {"disable", command::user_disable},
           {"enable", command::user_enable},
           {"grant-admin", command::user_grant_admin},
           {"revoke-admin", command::user_revoke_admin}}) {
    INFO(name);
    r = parse({"--db", "f.db", "user", name, "lena"});
    REQUIRE(r.cfg);
    CHECK(r.cfg->cmd == cmd);
    CHECK(r.cfg->user_name == "lena");
    CHECK(r.cfg->db_path == "f.db");
    CHECK_FALSE(parse({"user", name}).cfg);                   // no name
    CHECK_FALSE(parse({"user", name, "lena", "omar"}).cfg);   // one at a time
  }
  for (const auto& args : std::vector<std::vector<const char*>>{
           {"user", "list", "lena"}, {"user", "remove", "lena"}, {"user", "grant", "lena"}, {"user", "role", "lena", "admin"}}) {
    const auto bad = parse(args);
    CHECK_FALSE(bad.cfg);
    CHECK(bad.error.rfind("usage: ", 0) == 0);
  }
  CHECK(parse({"--help"}).cfg->cmd == command::help);
  CHECK(parse({"--version"}).cfg->cmd == command::version);

  const std::string help = help_text();
  for (const char* flag : {"--host", "--port", "--db", "--web-root", "--threads", "--guest-mode", "--allow-origin",
                           "--tls-cert", "--tls-key", "--rate-limit", "--rate-burst", "--rate-strikes",
                           "--max-queue-bytes", "--max-queue-frames", "--idle-timeout", "--commit-interval", "--fsync", "--metrics-allow", "--help", "--version",
                           "--frame-timeout", "--max-partial-bytes", "--max-partial-bytes-per-address", "--history-rate",
                           "--history-burst",
                           "user add", "user passwd", "user list", "user disable", "user enable", "user grant-admin",
                           "user revoke-admin", "--first-name", "--last-name", "--job-title",
                           "backup DEST", "--force", "restore SRC", "--log-format text|json"}) {
    INFO(flag);
    CHECK(help.find(flag) != std::string::npos);
  }
}

TEST_CASE("help and version flags answer at once if the flags before them are good", "[config]") {
  CHECK(parse({"--port", "1", "--help", "--bogus"}).cfg->cmd == command::help);
  CHECK(parse({"-h", "user", "frob"}).cfg->cmd == command::help);
  CHECK(parse({"--help=1"}).cfg->cmd == command::help);
  CHECK(parse({"--version", "--port", "x"}).cfg->cmd == command::version);
  for (const auto& args : std::vector<std::vector<const char*>>{{"--bogus", "--help"}, {"--port", "99999", "--help"},
                                                                 {"--host", "", "--version"}}) {
    INFO(args[0]);
    const auto r = parse(args);
    CHECK_FALSE(r.cfg);
    CHECK(r.error.find(args[0]) != std::string::npos);
  }
  const auto r = parse({"--bogus", "--help"});
  CHECK(r.error == "unknown flag --bogus (see --help)");
  CHECK(parse({"--port"}).error == "--port needs a number from 0 to 65535");
  CHECK(parse({"--guest-mode=yes"}).error == "--guest-mode takes no value");
}

TEST_CASE("backup DEST, restore SRC, --force and --log-format", "[config]") {
  auto r = parse({"--db", "f.db", "backup", "/backups/f.db"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->cmd == command::backup);
  CHECK(r.cfg->db_path == "f.db");
  CHECK(r.cfg->copy_path == "/backups/f.db");
  CHECK_FALSE(r.cfg->force);
  r = parse({"backup", "b.db", "--force"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->force);
  r = parse({"--db", "f.db", "restore", "b.db"});
  REQUIRE(r.cfg);
  CHECK(r.cfg->cmd == command::restore);
  CHECK(r.cfg->copy_path == "b.db");
  CHECK(parse({"--log-format", "text"}).cfg->log_json == false);
  CHECK(parse({"--log-format=json"}).cfg->log_json == true);
  CHECK(parse({"--log-format", "json", "--log-format", "text"}).cfg->log_json == false);  // the last one counts

  for (const auto& args : std::vector<std::vector<const char*>>{{"backup"},
                                                                 {"backup", ""},
                                                                 {"backup", "a.db", "b.db"},
                                                                 {"restore"},
                                                                 {"restore", "a.db", "--force"},
                                                                 {"--force"},
                                                                 {"user", "list", "--force"},
                                                                 {"backup", "a.db", "--force=yes"},
                                                                 {"--log-format"},
                                                                 {"--log-format", "JSON"},
                                                                 {"--log-format", "logfmt"},
                                                                 {"--log-format", ""}}) {
    std::string shown;
    for (const auto* a : args) shown += std::string(a) + " ";
    INFO(shown);
    const auto bad = parse(args);
    CHECK_FALSE(bad.cfg);
    CHECK_FALSE(bad.error.empty());
    CHECK(bad.error.find('\n') == std::string::npos);
  }
  CHECK(parse({"--log-format", "xml"}).error == "--log-format needs text or json");
  CHECK(parse({"--force"}).error == "--force goes with backup only");
  CHECK(parse({"backup"}).error == "usage: chatroom-server [--db FILE] backup DEST [--force] | restore SRC");
}
