// The client behind a trusted proxy: the rightmost-untrusted rule of
// X-Forwarded-For, X-Forwarded-Proto, and over real sockets (the proxy is a
// client connecting from 127.0.0.2) the throttle, --metrics-allow, the logs,
// Secure cookies and HSTS all following the forwarded client only when the
// peer is trusted.
#include "http/client_address.hpp"

#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace chat::test;
using chat::server::trusted_proxies;
using json = nlohmann::json;

TEST_CASE("X-Forwarded-For: the rightmost address that is not a trusted proxy, only from a trusted peer",
          "[http][proxy]") {
  const trusted_proxies none({});
  const trusted_proxies t({"10.0.0.0/8", "2001:db8::/32"});
  auto addr = [&](const trusted_proxies& p, const char* peer, const char* xff) {
    return p.resolve(peer, false, xff, "").address;
  };
  CHECK(addr(none, "10.0.0.1", "198.51.100.7") == "10.0.0.1");       // no proxy configured: ignored
  CHECK(addr(t, "192.0.2.9", "198.51.100.7") == "192.0.2.9");        // an untrusted peer: ignored
  CHECK(addr(t, "10.0.0.1", "") == "10.0.0.1");                      // nothing forwarded: the proxy itself
  CHECK(addr(t, "10.0.0.1", "198.51.100.7") == "198.51.100.7");
  CHECK(addr(t, "10.0.0.1", "203.0.113.5, 198.51.100.7") == "198.51.100.7");  // the left one may be forged
  CHECK(addr(t, "10.0.0.1", "203.0.113.5, 198.51.100.7, 10.9.9.9") == "198.51.100.7");  // past a second proxy
  CHECK(addr(t, "10.0.0.1", "10.1.1.1,10.2.2.2") == "10.1.1.1");     // all trusted: the leftmost
  CHECK(addr(t, "10.0.0.1", "203.0.113.5, not-an-ip") == "10.0.0.1");  // garbage: the hop that added it
  CHECK(addr(t, "10.0.0.1", "198.51.100.7, 10.2.2.2, 1.2.3.4:80") == "10.0.0.1");
  CHECK(addr(t, "10.0.0.1", " [2001:db9::7] ") == "2001:db9::7");
  CHECK(addr(t, "2001:db8::1", "2001:db9::7") == "2001:db9::7");
  CHECK(addr(t, "::ffff:10.0.0.1", "198.51.100.7") == "198.51.100.7");  // an IPv4-mapped peer

  CHECK(t.resolve("10.0.0.1", false, "", "https").https);
  CHECK(t.resolve("10.0.0.1", false, "", "http, HTTPS").https);
  CHECK_FALSE(t.resolve("10.0.0.1", false, "", "http").https);
  CHECK_FALSE(t.resolve("192.0.2.9", false, "", "https").https);  // untrusted: ignored
  CHECK(t.resolve("192.0.2.9", true, "", "http").https);          // our own TLS stays TLS
}

TEST_CASE("over sockets, X-Forwarded-For names the client for the throttle, metrics and logs only from a "
          "trusted proxy",
          "[http][proxy]") {
  log_capture logs;
  test_server s([](chat::server::config& c) { c.trusted_proxies = {"127.0.0.2"}; });
  const auto port = s.port();
  auto login_via = [&](const char* from, const std::string& xff, const std::string& password) {
    headers h;
    if (!xff.empty()) h.emplace_back("X-Forwarded-For", xff);
    return http_from(from, port, "POST", "/api/login", h, json{{"username", "user2"}, {"password", password}}.dump())
        .status;
  };
  // Through the trusted proxy: each forwarded client has its own keys.
  for (int i = 0; i < 5; ++i) REQUIRE(login_via("127.0.0.2", "198.51.100.7", "bad") == 401);
  CHECK(login_via("127.0.0.2", "198.51.100.7", "user2") == 429);
  CHECK(login_via("127.0.0.2", "198.51.100.8", "user2") == 200);  // another client behind the same proxy
  CHECK(login_via("127.0.0.2", "", "user2") == 200);              // the proxy's own address is not locked
  // A forged entry left of the real client changes nothing.
  CHECK(login_via("127.0.0.2", "203.0.113.5, 198.51.100.7", "user2") == 429);
  CHECK(logs.text().find("addr=198.51.100.7 result=bad_credentials") != std::string::npos);

  // From an untrusted peer the header is ignored: the peer is the client.
  for (int i = 0; i < 5; ++i) REQUIRE(login_via("127.0.0.3", "198.51.100.20", "bad") == 401);
  CHECK(login_via("127.0.0.3", "198.51.100.21", "user2") == 429);
  CHECK(logs.text().find("198.51.100.20") == std::string::npos);

  // --metrics-allow (loopback by default) judges the forwarded client.
  CHECK(http_from("127.0.0.2", port, "GET", "/metrics").status == 200);
  CHECK(http_from("127.0.0.2", port, "GET", "/metrics", {{"X-Forwarded-For", "198.51.100.7"}}).status == 403);
  CHECK(http_from("127.0.0.3", port, "GET", "/metrics", {{"X-Forwarded-For", "198.51.100.7"}}).status == 200);
}

TEST_CASE("X-Forwarded-Proto https from a trusted proxy gives Secure cookies and HSTS, from others nothing",
          "[http][proxy]") {
  test_server s([](chat::server::config& c) { c.trusted_proxies = {"127.0.0.2"}; });
  const auto port = s.port();
  const std::string body = R"({"username":"user1","password":"user1"})";
  const std::string origin = "https://127.0.0.1:" + std::to_string(port);
  const headers https_proxy = {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-For", "198.51.100.7"}};

  auto r = http_from("127.0.0.2", port, "POST", "/api/login", https_proxy, body);
  REQUIRE(r.status == 200);
  CHECK(r.header("set-cookie").find("; Secure") != std::string::npos);
  CHECK(r.header("strict-transport-security") == "max-age=31536000");
  CHECK(http_from("127.0.0.2", port, "GET", "/healthz", https_proxy).header("strict-transport-security") ==
        "max-age=31536000");
  // The page's https origin is the server's own origin now.
  auto with_origin = https_proxy;
  with_origin.emplace_back("Origin", origin);
  CHECK(http_from("127.0.0.2", port, "POST", "/api/login", with_origin, body).status == 200);

  // The same headers from an untrusted peer: plain http.
  r = http_from("127.0.0.3", port, "POST", "/api/login", https_proxy, body);
  REQUIRE(r.status == 200);
  CHECK(r.header("set-cookie").find("Secure") == std::string::npos);
  CHECK_FALSE(r.has("strict-transport-security"));
  CHECK(http_from("127.0.0.3", port, "POST", "/api/login", {{"X-Forwarded-Proto", "https"}, {"Origin", origin}}, body)
            .status == 403);
  // A trusted proxy that says http (or nothing): no Secure, no HSTS.
  r = http_from("127.0.0.2", port, "POST", "/api/login", {{"X-Forwarded-Proto", "http"}}, body);
  CHECK(r.header("set-cookie").find("Secure") == std::string::npos);
  CHECK_FALSE(r.has("strict-transport-security"));
}
