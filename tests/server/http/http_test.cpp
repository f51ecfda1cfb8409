// The HTTP API of PROTOCOL.md §2 over real sockets: logins (good, bad; the
// throttle: login_throttle_test.cpp), cookie and bearer sessions, logout, every status code, healthz.
#include "log.hpp"
#include "server.hpp"

#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <mutex>
#include <set>

using namespace chat::test;
using json = nlohmann::json;

namespace {

http_reply post_login(std::uint16_t port, const std::string& user, const std::string& password,
                      const headers& h = {}) {
  return http(port, "POST", "/api/login", h, json{{"username", user}, {"password", password}}.dump());
}

}  // namespace

TEST_CASE("login with the right password answers the user, a token and a session cookie", "[http]") {
  test_server s;
  const auto r = post_login(s.port(), "user1", "user1");
  REQUIRE(r.status == 200);
  const auto j = json::parse(r.body);
  const std::string token = j.at("token");
  CHECK(token.size() >= 22);  // ≥ 128 bits in base64
  const auto& u = j.at("user");
  CHECK(u.at("username") == "user1");
  CHECK(u.at("id").is_number_integer());
  for (const char* field : {"firstname", "lastname", "name", "picurl", "jobTitle"}) CHECK(u.at(field).is_string());
  CHECK(u.at("picurl") == "/avatars/user1.png");
  CHECK_FALSE(u.contains("password"));
  CHECK(r.body.find("argon2") == std::string::npos);

  const auto cookie = r.header("set-cookie");
  CHECK(cookie.rfind("session=" + token + ";", 0) == 0);
  for (const char* attr : {"HttpOnly", "SameSite=Strict", "Path=/"}) CHECK(cookie.find(attr) != std::string::npos);
  CHECK(cookie.find("Secure") == std::string::npos);  // plain http
  CHECK(r.header("content-type").rfind("application/json", 0) == 0);
}

TEST_CASE("wrong password and unknown user get the same 401", "[http]") {
  test_server s;
  const auto wrong = post_login(s.port(), "user1", "nope");
  const auto unknown = post_login(s.port(), "nobody", "nope");
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(wrong.body == unknown.body);
  CHECK(json::parse(wrong.body).at("error") == "bad_credentials");
  CHECK_FALSE(wrong.has("set-cookie"));
}

TEST_CASE("cookie and bearer sessions, and no session is 401", "[http]") {
  test_server s;
  const auto token = login(s.port(), "user3", "user3");
  const auto by_cookie = http(s.port(), "GET", "/api/me", {{"Cookie", "theme=dark; session=" + token}});
  REQUIRE(by_cookie.status == 200);
  CHECK(json::parse(by_cookie.body).at("username") == "user3");
  const auto by_bearer = http(s.port(), "GET", "/api/me", {{"Authorization", "Bearer " + token}});
  REQUIRE(by_bearer.status == 200);
  CHECK(by_bearer.body == by_cookie.body);

  const auto employees = http(s.port(), "GET", "/api/employees", {{"Authorization", "Bearer " + token}});
  REQUIRE(employees.status == 200);
  const auto list = json::parse(employees.body);
  REQUIRE(list.size() >= 6);
  std::set<std::string> names;
  for (const auto& u : list) {
    names.insert(u.at("username"));
    CHECK(u.at("picurl").get<std::string>().rfind("/avatars/", 0) == 0);
  }
  CHECK(names.count("user1") == 1);
  CHECK(names.count("user2") == 1);

  for (const char* path : {"/api/me", "/api/employees"}) {
    const auto none = http(s.port(), "GET", path);
    CHECK(none.status == 401);
    CHECK(json::parse(none.body).at("error") == "unauthorized");
    CHECK(http(s.port(), "GET", path, {{"Authorization", "Bearer forged"}}).status == 401);
  }
}

TEST_CASE("logout revokes the session server-side", "[http]") {
  test_server s;
  const auto token = login(s.port(), "user1", "user1");
  const headers auth = {{"Cookie", "session=" + token}};
  const auto out = http(s.port(), "POST", "/api/logout", auth);
  CHECK(out.status == 204);
  CHECK(out.body.empty());
  CHECK(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
  CHECK(http(s.port(), "GET", "/api/me", auth).status == 401);
  CHECK(http(s.port(), "POST", "/api/logout", auth).status == 401);
  CHECK(http(s.port(), "POST", "/api/logout").status == 401);
}

TEST_CASE("every other API status code", "[http]") {
  test_server s;
  const auto port = s.port();
  auto code = [](const http_reply& r) { return json::parse(r.body).at("error").get<std::string>(); };

  for (const char* body : {"", "not json", "[]", R"({"username":"user1"})", R"({"username":1,"password":"x"})",
                           R"({"username":"","password":"x"})"}) {
    INFO(body);
    const auto r = http(port, "POST", "/api/login", {}, body);
    CHECK(r.status == 400);
    CHECK(code(r) == "bad_request");
  }
  auto r = http(port, "GET", "/api/login");
  CHECK(r.status == 405);
  CHECK(r.header("allow") == "POST");
  CHECK(http(port, "DELETE", "/api/me").status == 405);
  CHECK(http(port, "POST", "/index.html").status == 405);
  r = http(port, "GET", "/api/nothing");
  CHECK(r.status == 404);
  CHECK(code(r) == "not_found");
  r = http(port, "GET", "/websocket/chatroom");
  CHECK(r.status == 426);

  r = http(port, "POST", "/api/login", {}, std::string(20000, 'x'));
  CHECK(r.status == 413);
  r = http(port, "GET", "/api/me", {{"X-Big", std::string(10000, 'y')}});
  CHECK(r.status == 431);

  r = post_login(port, "user1", "user1", {{"Origin", "http://evil.example"}});
  CHECK(r.status == 403);
  CHECK(code(r) == "forbidden_origin");
  CHECK(post_login(port, "user1", "user1", {{"Origin", "http://127.0.0.1:" + std::to_string(port)}}).status == 200);
}

TEST_CASE("healthz is 200, then 503 while shutting down", "[http]") {
  test_server s;
  http_connection c(s.port());
  CHECK(c.request("GET", "/healthz").status == 200);
  s.get().begin_shutdown();
  const auto r = c.request("GET", "/healthz");
  CHECK(r.status == 503);
  CHECK(json::parse(r.body).at("error") == "shutting_down");
}

TEST_CASE("logs have one line per login and never a password or a token", "[http]") {
  log_capture logs;
  std::string token;
  {
    test_server s;
    REQUIRE(post_login(s.port(), "user1", "Sup3r-Secret-Pw").status == 401);
    token = login(s.port(), "user1", "user1");
    ws_client ws(s.port(), "/websocket/chatroom?v=1", token);
    REQUIRE(ws.read());
    ws.close();
  }
  const auto captured = logs.text();  // the server has stopped: nothing logs any more
  CHECK(captured.find("Sup3r-Secret-Pw") == std::string::npos);
  CHECK(captured.find(token) == std::string::npos);
  CHECK(captured.find("login user=user1 addr=127.0.0.1 result=bad_credentials") != std::string::npos);
  CHECK(captured.find("login user=user1 addr=127.0.0.1 result=ok") != std::string::npos);
  CHECK(captured.find("connect user=user1") != std::string::npos);
  CHECK(captured.find("disconnect user=user1") != std::string::npos);
}
