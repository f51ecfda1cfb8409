// TLS end to end, in process: a certificate made at test time, login over
// https, chat over wss between two users on the same port, the Secure cookie,
// HSTS on every answer, the Origin rule with the https scheme, and plain HTTP
// refused on the TLS port (400).
#include "test_client.hpp"
#include "test_support.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

using namespace chat::test;

TEST_CASE("with a certificate: login over https, chat over wss, Secure cookies and HSTS", "[tls]") {
  temp_dir certs;
  make_self_signed_cert(certs / "cert.pem", certs / "key.pem");
  test_server s([&](chat::server::config& c) {
    c.tls_cert = (certs / "cert.pem").string();
    c.tls_key = (certs / "key.pem").string();
  });
  const auto port = s.port();
  CHECK(s.get().url().rfind("https://", 0) == 0);

  const auto r = https(port, "POST", "/api/login", {{"Content-Type", "application/json"}},
                       R"({"username":"user1","password":"user1"})");
  REQUIRE(r.status == 200);
  const auto cookie = r.header("set-cookie");
  for (const char* attr : {"HttpOnly", "SameSite=Strict", "Path=/", "Secure"}) CHECK(cookie.find(attr) != std::string::npos);
  CHECK(r.header("strict-transport-security") == "max-age=31536000");
  const std::string t1 = json::parse(r.body).at("token");
  for (const auto& target : {std::string("/api/me"), std::string("/"), std::string("/nothing.js")}) {
    INFO(target);
    const auto g = https(port, "GET", target, {{"Cookie", "session=" + t1}});
    CHECK(g.header("strict-transport-security") == "max-age=31536000");
    CHECK(g.header("x-content-type-options") == "nosniff");
  }
  CHECK(json::parse(https(port, "GET", "/api/me", {{"Cookie", "session=" + t1}}).body).at("username") == "user1");

  const auto r2 = https(port, "POST", "/api/login", {}, R"({"username":"user2","password":"user2"})");
  REQUIRE(r2.status == 200);
  const std::string t2 = json::parse(r2.body).at("token");

  // wss on the same port; the browser's Origin is the https origin.
  const headers origin = {{"Origin", "https://127.0.0.1:" + std::to_string(port)}};
  ws_client a(port, "/websocket/chatroom?v=1", t1, origin, false, true);
  ws_client b(port, "/websocket/chatroom?v=1", t2, {}, false, true);
  CHECK(next_of(a, "welcome").at("user").at("username") == "user1");
  CHECK(next_of(b, "welcome").at("user").at("username") == "user2");
  a.send_text(send_frame("over tls \u00e9", "tls-1"));
  for (auto* c : {&a, &b}) {
    const auto m = next_of(*c, "message");
    CHECK(m.at("username") == "user1");
    CHECK(m.at("message") == "over tls \u00e9");
  }
  b.send_text("plain text over wss");
  CHECK(next_of(a, "message").at("message") == "plain text over wss");

  // The http:// origin of the same host is another origin under TLS.
  CHECK_THROWS(ws_client(port, "/websocket/chatroom?v=1", t1, {{"Origin", "http://127.0.0.1:" + std::to_string(port)}},
                         false, true));
  // Plain HTTP on the TLS port gets a plain 400 saying to use https.
  const auto plain = http(port, "GET", "/healthz");
  CHECK(plain.status == 400);
  CHECK(plain.body.find("use https://") != std::string::npos);
  a.close();
  b.close();
}
