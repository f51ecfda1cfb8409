// DNS rebinding: only the configured host names are answered (the listen
// address, localhost, 127.0.0.1, [::1], --allow-host, --public-url's host; any
// port); others get 421 misdirected_request before any login, file or
// upgrade, while /healthz and /metrics stay open to probes by address.
#include "http/host_names.hpp"

#include "raw_socket.hpp"
#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace chat::test;
using namespace chat::server;
using json = nlohmann::json;

TEST_CASE("Host header names and --public-url are parsed strictly", "[http][host]") {
  CHECK(host_name("Chat.Example.COM:8080") == "chat.example.com");
  CHECK(host_name("localhost") == "localhost");
  CHECK(host_name("[::1]:80") == "::1");
  CHECK(host_name("[::1]") == "::1");
  for (const char* bad : {"", ":80", "a b", "host:port", "[::1", "[::1]x", "[evil.com]", "a:1:2", "x/y"}) {
    INFO(bad);
    CHECK_FALSE(host_name(bad));
  }
  const auto u = parse_public_url("HTTPS://Chat.Example.com/path");
  REQUIRE(u);
  CHECK(u->origin == "https://chat.example.com");
  CHECK(u->host == "chat.example.com");
  CHECK(parse_public_url("http://10.0.0.5:8080")->origin == "http://10.0.0.5:8080");
  CHECK_FALSE(parse_public_url("chat.example.com"));
  CHECK_FALSE(parse_public_url("ftp://chat.example.com"));

  const host_names h("0.0.0.0", {"chat.internal"}, "pub.example");
  for (const char* ok : {"localhost:1", "127.0.0.1", "[::1]:8080", "0.0.0.0:80", "CHAT.internal:9", "pub.example", "",
                         "127.0.0.2", "10.1.2.3:8080", "[::2]", "[2001:db8::1]:443"}) {  // an address names nothing to rebind
    INFO(ok);
    CHECK(h.allows(ok));
  }
  for (const char* no : {"attacker.example", "localhost.", "chat.internal.evil", "10.1.2.3.nip.io", "127.0.0.1.evil",
                         "1.2.3", "300.1.2.3"}) {
    INFO(no);
    CHECK_FALSE(h.allows(no));
  }
}

TEST_CASE("a foreign Host gets 421 on login, static files and the upgrade, but never on /healthz or /metrics",
          "[http][host]") {
  test_server s;
  const auto port = s.port();
  const headers evil = {{"Host", "attacker.example:" + std::to_string(port)}};
  const auto token = login(port, "user1", "user1");

  const auto r = http(port, "POST", "/api/login", evil, R"({"username":"user1","password":"user1"})");
  CHECK(r.status == 421);
  CHECK(json::parse(r.body).at("error") == "misdirected_request");
  CHECK_FALSE(r.has("set-cookie"));
  for (const char* target : {"/", "/index.html", "/app.js", "/api/me", "/avatars/user1.png", "/websocket/chatroom"}) {
    INFO(target);
    const auto g = http(port, "GET", target, {{"Host", "attacker.example"}, {"Cookie", "session=" + token}});
    CHECK(g.status == 421);
    CHECK(g.body.find("misdirected_request") != std::string::npos);
  }
  // The upgrade, with a valid session: refused before the session is even looked at.
  raw_socket ws(port);
  REQUIRE(ws.send("GET /websocket/chatroom?v=1 HTTP/1.1\r\nHost: attacker.example\r\nConnection: Upgrade\r\n"
                  "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Cookie: session=" + token + "\r\n\r\n"));
  REQUIRE(ws.read_until("\r\n\r\n"));
  CHECK(first_status(ws.received()) == 421);
  CHECK(upgrade_status(port, "/websocket/chatroom?v=1", {{"Host", "attacker.example"}}) == 421);

  // A Host that is no host name at all is a bad request.
  const auto bad = http_raw(port, "GET /index.html HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("bad_request") != std::string::npos);
  // Probes use addresses or anything: still answered.
  CHECK(http(port, "GET", "/healthz", evil).status == 200);
  CHECK(http(port, "GET", "/metrics", evil).status == 200);
  // The default names, any port.
  for (const char* host : {"localhost", "localhost:3000", "127.0.0.1:1", "[::1]:8080"}) {
    INFO(host);
    CHECK(http(port, "GET", "/index.html", {{"Host", host}}).status == 200);
  }
}

TEST_CASE("host names from --allow-host and --public-url are answered, and the public URL's origin may log in",
          "[http][host]") {
  test_server s([](config& c) {
    c.allow_hosts = {"chat.internal"};
    c.public_url = "https://chat.example.com";
  });
  const auto port = s.port();
  const std::string body = R"({"username":"user1","password":"user1"})";
  CHECK(http(port, "GET", "/index.html", {{"Host", "chat.internal:8080"}}).status == 200);
  CHECK(http(port, "POST", "/api/login", {{"Host", "chat.example.com"}, {"Origin", "https://chat.example.com"}}, body)
            .status == 200);
  CHECK(http(port, "POST", "/api/login", {{"Host", "chat.example.com"}, {"Origin", "https://evil.example"}}, body)
            .status == 403);
  CHECK(http(port, "GET", "/index.html", {{"Host", "chat.example.org"}}).status == 421);
}
