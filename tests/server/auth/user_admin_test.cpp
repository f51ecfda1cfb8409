// User administration from the command line against a running server: the
// real chatroom-server binary runs `user disable|enable|passwd|grant-admin|
// revoke-admin` as a separate process on the database of a server running in
// this process (its session check shortened), and the users' open WebSockets,
// logins and the listing show the effect. Also: a session that expires under
// an open socket ends it, and each command's refusals and exit codes.
#include "auth/auth.hpp"
#include "auth/crypto.hpp"
#include "room/room.hpp"
#include "stats.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <chat/codes.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <set>

using namespace chat::test;
using chat::server::config;

namespace {

/** The check period of the servers below. */
constexpr auto check_period = std::chrono::milliseconds(300);
/** How late after the period a socket may close on a loaded machine (ASan, other suites running). */
constexpr auto margin = std::chrono::seconds(5);

void short_session_check(config& c) { c.session_check_interval_ms = static_cast<int>(check_period.count()); }

/** A finished run of the CLI. */
struct cli_run {
  std::optional<int> code;
  std::string out;
  std::string err;
};

cli_run cli(const std::filesystem::path& db, std::vector<std::string> args, const std::string& stdin_text = {}) {
  args.insert(args.begin(), {"--db", db.string()});
  child_process p(args, stdin_text);
  cli_run r;
  r.code = p.wait();
  r.out = p.stdout_rest();
  r.err = p.stderr_text();
  return r;
}

/** The line of `user list` for `username`. */
std::string list_line(const std::filesystem::path& db, const std::string& username) {
  const auto r = cli(db, {"user", "list"});
  REQUIRE(r.code == 0);
  std::size_t at = 0;
  while (at < r.out.size()) {
    const auto nl = r.out.find('\n', at);
    const std::string line = r.out.substr(at, nl - at);
    const auto tab = line.find('\t');
    if (tab != std::string::npos && line.substr(tab + 1, line.find('\t', tab + 1) - tab - 1) == username) return line;
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return {};
}

http_reply try_login(std::uint16_t port, const std::string& user, const std::string& password) {
  return http(port, "POST", "/api/login", {}, json{{"username", user}, {"password", password}}.dump());
}

/** A user's socket that must stay open: it still gets its own messages. */
void still_served(joined& j, const std::string& text) {
  j.ws->send_text(send_frame(text, "c-" + std::to_string(std::hash<std::string>{}(text))));
  CHECK(next_of(*j.ws, "message").at("message") == text);
}

}  // namespace

TEST_CASE("user disable from another process closes the user's sockets with 4401 within the check period and refuses "
          "logins until user enable",
          "[auth][process][ws]") {
  test_server s(short_session_check);
  const auto port = s.port();
  const auto token = login(port, "user1", "user1");
  const auto phone = login(port, "user1", "user1");  // a second session of the same user
  auto tab = join_v1(port, token);
  ws_client legacy(port, "/websocket/chatroom?username=user1", phone);
  const auto amy_token = login(port, "user2", "user2");
  auto amy = join_v1(port, amy_token);
  REQUIRE(wait_for([&] { return s.get().chat_room().size() == 3; }));

  const auto disabled = cli(s.db_path(), {"user", "disable", "user1"});
  REQUIRE(disabled.code == 0);
  CHECK(disabled.out.find("disabled user1") != std::string::npos);
  CHECK(tab.ws->wait_closed(check_period + margin));
  CHECK(tab.ws->close_code() == chat::close_code::session_ended);
  CHECK(legacy.wait_closed(check_period + margin));
  CHECK(legacy.close_code() == chat::close_code::session_ended);

  // The right password gets a clear refusal; a wrong one the usual answer (nothing learnt).
  auto r = try_login(port, "user1", "user1");
  CHECK(r.status == 403);
  CHECK(json::parse(r.body).at("error") == "account_disabled");
  CHECK_FALSE(r.has("set-cookie"));
  CHECK(s.get().stats().login_disabled.value() == 1);  // counted as its own outcome on /metrics
  r = try_login(port, "user1", "wrong");
  CHECK(r.status == 401);
  CHECK(json::parse(r.body).at("error") == "bad_credentials");
  for (const auto& t : {token, phone}) {
    CHECK(http(port, "GET", "/api/me", {{"Authorization", "Bearer " + t}}).status == 401);
    CHECK(upgrade_status(port, "/websocket/chatroom?v=1", {{"Authorization", "Bearer " + t}}) == 401);
  }

  // Others stay, and still see the disabled user's picture for old messages.
  still_served(amy, "after the disable");
  const auto employees = json::parse(http(port, "GET", "/api/employees", {{"Authorization", "Bearer " + amy_token}}).body);
  bool listed = false;
  for (const auto& e : employees) {
    listed = listed || e.at("username") == "user1";
    std::set<std::string> keys;
    for (const auto& [k, v] : e.items()) keys.insert(k);
    CHECK(keys == std::set<std::string>{"id", "username", "firstname", "lastname", "name", "picurl", "jobTitle"});
  }
  CHECK(listed);
  CHECK(list_line(s.db_path(), "user1") == "1\tuser1\tEric Lin\tProduct Manager\tmember\tdisabled");
  CHECK(wait_for([&] { return s.get().chat_room().online() == std::vector<std::string>{"user2"}; }));

  const auto enabled = cli(s.db_path(), {"user", "enable", "user1"});
  REQUIRE(enabled.code == 0);
  CHECK(enabled.out.find("enabled user1") != std::string::npos);
  CHECK(list_line(s.db_path(), "user1") == "1\tuser1\tEric Lin\tProduct Manager\tmember\tenabled");
  auto back = join_v1(port, login(port, "user1", "user1"));
  still_served(back, "back again");
  CHECK(http(port, "GET", "/api/me", {{"Authorization", "Bearer " + token}}).status == 401);  // old sessions stay ended
}

TEST_CASE("user passwd from another process ends the user's open sockets the same way", "[auth][process][ws]") {
  test_server s(short_session_check);
  const auto port = s.port();
  auto tab = join_v1(port, login(port, "user3", "user3"));
  auto amy = join_v1(port, login(port, "user2", "user2"));
  REQUIRE(wait_for([&] { return s.get().chat_room().size() == 2; }));

  const auto changed = cli(s.db_path(), {"user", "passwd", "user3"}, "a new secret\n");
  REQUIRE(changed.code == 0);
  CHECK(tab.ws->wait_closed(check_period + margin));
  CHECK(tab.ws->close_code() == chat::close_code::session_ended);
  still_served(amy, "amy is still here");
  CHECK(try_login(port, "user3", "user3").status == 401);
  auto again = join_v1(port, login(port, "user3", "a new secret"));
  still_served(again, "with the new password");
}

TEST_CASE("a session that expires while its socket is open ends the socket with 4401, and guests stay", "[auth][ws]") {
  log_capture logs;
  test_server s([](config& c) {
    short_session_check(c);
    c.guest_mode = true;
  });
  const auto port = s.port();
  // A session as the server stores one, that expires 1.5 s from now.
  const auto token = chat::server::crypto::new_token();
  const auto expires = chat::server::now_ms() + 1500;
  const auto user = s.get().database().find_user("user1");
  REQUIRE(user);
  s.get().database().create_session(chat::server::crypto::token_digest(token), user->user.id,
                                    chat::server::now_ms(), expires);
  auto tab = join_v1(port, token);
  joined guest;
  guest.ws = std::make_unique<ws_client>(port, "/websocket/chatroom?v=1&username=visitor");
  REQUIRE(next_frame(*guest.ws).at("type") == "welcome");

  CHECK(tab.ws->wait_closed(std::chrono::milliseconds(1500) + check_period + margin));
  CHECK(tab.ws->close_code() == chat::close_code::session_ended);
  CHECK(chat::server::now_ms() >= expires);  // not before it expired
  still_served(guest, "a guest has no session to end");
  // Logged by the check right after it asked the socket to close: maybe a moment after the close arrived.
  CHECK(wait_for([&] { return logs.text().find("session_check sessions=1 ended=1 closing=1") != std::string::npos; }));
}

TEST_CASE("user add refuses a name a guest posted under, and a connected guest whose name becomes a user's is closed "
          "within the check period",
          "[auth][process][ws]") {
  test_server s([](config& c) {
    short_session_check(c);
    c.guest_mode = true;
  });
  const auto port = s.port();
  {
    ws_client talker(port, "/websocket/chatroom?v=1&username=visitor");
    next_of(talker, "history");
    talker.send_text("said by a guest");
    CHECK(next_of(talker, "message").at("message") == "said by a guest");
  }
  const auto refused = cli(s.db_path(), {"user", "add", "Visitor"}, "a password\n");
  CHECK(refused.code == 1);
  CHECK(refused.err.find("a guest has posted as Visitor") != std::string::npos);
  CHECK(list_line(s.db_path(), "visitor").empty());

  joined quiet;  // connected, has said nothing yet
  quiet.ws = std::make_unique<ws_client>(port, "/websocket/chatroom?v=1&username=newcomer");
  next_of(*quiet.ws, "history");
  REQUIRE(cli(s.db_path(), {"user", "add", "newcomer"}, "a password\n").code == 0);
  const auto added_at = std::chrono::steady_clock::now();
  CHECK(quiet.ws->wait_closed(check_period + margin));
  CHECK(quiet.ws->close_code() == chat::close_code::session_ended);
  CHECK(std::chrono::steady_clock::now() - added_at < check_period + margin);
  CHECK(upgrade_status(port, "/websocket/chatroom?username=newcomer") == 403);  // the name is the user's now
}

TEST_CASE("grant-admin and revoke-admin set the stored role, shown by user list, and the API's User is unchanged",
          "[auth][process]") {
  test_server s;
  const auto granted = cli(s.db_path(), {"user", "grant-admin", "user3"});
  REQUIRE(granted.code == 0);
  CHECK(granted.out == "user3 is an admin\n");
  CHECK(list_line(s.db_path(), "user3") == "3\tuser3\tMarcus Okafor\tSales Director\tadmin\tenabled");
  CHECK(list_line(s.db_path(), "user2") == "2\tuser2\tAmy Rawlings\tSoftware Engineer\tmember\tenabled");
  CHECK(s.get().database().find_user("user3")->role == chat::server::user_role::admin);
  const auto me = json::parse(
      http(s.port(), "GET", "/api/me", {{"Authorization", "Bearer " + login(s.port(), "user3", "user3")}}).body);
  CHECK(me == json{{"id", 3}, {"username", "user3"}, {"firstname", "Marcus"}, {"lastname", "Okafor"},
                   {"name", "Marcus Okafor"}, {"picurl", "/avatars/user3.png"}, {"jobTitle", "Sales Director"}});

  CHECK(cli(s.db_path(), {"user", "grant-admin", "user3"}).code == 0);  // again: no change, no error
  const auto revoked = cli(s.db_path(), {"user", "revoke-admin", "user3"});
  REQUIRE(revoked.code == 0);
  CHECK(revoked.out == "user3 is a member (not an admin)\n");
  CHECK(list_line(s.db_path(), "user3") == "3\tuser3\tMarcus Okafor\tSales Director\tmember\tenabled");
  CHECK(s.get().database().find_user("user3")->role == chat::server::user_role::member);
}

TEST_CASE("each user command refuses an unknown user with exit 1 and an unusable database with exit 2",
          "[auth][process]") {
  temp_dir d;
  const auto db = d / "chat.db";
  REQUIRE(cli(db, {"user", "list"}).code == 0);  // creates it (empty: no --demo-users)
  const auto before = cli(db, {"user", "list"}).out;
  write_file(d / "not-a-db", std::string(4096, 'x'));
  const std::vector<std::vector<std::string>> commands = {
      {"user", "disable"}, {"user", "enable"}, {"user", "grant-admin"}, {"user", "revoke-admin"}, {"user", "passwd"}};
  for (const auto& command : commands) {
    INFO(command[1]);
    auto args = command;
    args.push_back("ghost");
    auto r = cli(db, args, "a password\n");
    CHECK(r.code == 1);
    CHECK(r.err == "chatroom-server: no user ghost\n");
    CHECK(r.out.empty());

    r = cli(d / "not-a-db", args, "a password\n");
    CHECK(r.code == 2);
    CHECK(r.err.rfind("chatroom-server: --db ", 0) == 0);
    r = cli(d / "no/such/dir/chat.db", args, "a password\n");
    CHECK(r.code == 2);

    r = cli(db, command);  // no name
    CHECK(r.code == 2);
    CHECK(r.err.find("usage: chatroom-server") != std::string::npos);
  }
  CHECK(cli(d / "not-a-db", {"user", "list"}).code == 2);
  CHECK(cli(db, {"user", "list"}).out == before);  // nothing changed
}
