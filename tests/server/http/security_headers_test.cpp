// The security headers: the page policy's hashes of inline code (the real
// client shell's included), the headers every kind of response carries over
// real sockets, and HSTS only under TLS.
#include "http/security_headers.hpp"

#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace chat::server;
using namespace chat::test;

namespace {

bool has(const std::string& policy, const std::string& part) { return policy.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("inline scripts, styles and handlers of a page become hash sources", "[headers]") {
  const auto code = find_inline_code(
      "<!doctype html><HTML><head><STYLE>body{margin:0}</STYLE>"
      "<!-- <script>not code</script> -->"
      "<script async src=\"app.js\"></script><script>var x=1;</script></head>"
      "<body><form id=f onsubmit=\"return false\" data-x='a>b'><p style='color:red'>x</p></form></body></html>");
  CHECK(code.scripts == std::vector<std::string>{"'sha256-hY782Iu6H/g1I2gZmb4nWf3mmxS9Tfhe+dnlwYVVuDs='"});
  CHECK(code.styles == std::vector<std::string>{"'sha256-IAdwN3biDCQ3brrgp1m8kBEsPQYyqfREKOEfeoREopc='"});
  CHECK(code.script_attrs == std::vector<std::string>{"'sha256-GZIcz60Uwd6wT3vaYke/atSr53TehbYAPepOa3d03Vw='"});
  CHECK(code.style_attrs == std::vector<std::string>{"'sha256-8f935d27GvUutRyY9yWScUMiFUk4WTdZURISiYfPOeQ='"});

  const auto policy = page_csp(code, "127.0.0.1:8080");
  for (const char* part : {"default-src 'none'", "script-src 'self' 'wasm-unsafe-eval' 'sha256-hY78",
                           "'unsafe-hashes' 'sha256-GZIc", "style-src 'self' 'sha256-IAdw", "img-src 'self' data: blob:",
                           "font-src 'self'", "connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080",
                           "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"}) {
    INFO(part);
    CHECK(has(policy, part));
  }
  CHECK_FALSE(has(policy, "unsafe-inline"));
  CHECK_FALSE(has(policy, "'unsafe-eval'"));
  // A Host header cannot inject sources: only a plain host[:port] is named.
  for (const char* host : {"evil.example; script-src *", "a b", "x,y", "'self'", ""}) {
    INFO(host);
    const auto p = page_csp({}, host);
    CHECK(has(p, "connect-src 'self'; "));
    CHECK_FALSE(has(p, "script-src *"));
  }
  CHECK(has(page_csp({}, "[::1]:8443"), "wss://[::1]:8443"));
  CHECK_FALSE(has(page_csp({}, "h"), "unsafe-hashes"));  // only when the page has handlers
}

TEST_CASE("the real client shell's inline code is covered by its policy", "[headers]") {
  std::ifstream in(std::string(CHATROOM_SOURCE_DIR) + "/web/shell/index.html");
  REQUIRE(in);
  std::stringstream html;
  html << in.rdbuf();
  const auto code = find_inline_code(html.str());
  // Whatever the shell holds inline is hashed; a page with none would still be fine.
  const auto policy = page_csp(code, "chat.example.com");
  for (const auto& h : code.scripts) CHECK(has(policy, h));
  for (const auto& h : code.styles) CHECK(has(policy, h));
  for (const auto& h : code.script_attrs) CHECK(has(policy, h));
  CHECK(code.scripts.size() + code.styles.size() >= 1);
}

TEST_CASE("every response carries the security headers, and pages get their own policy", "[headers][http]") {
  test_server s;
  write_file(s.web_root() / "page.html", "<!doctype html><script>var x=1;</script><p>page</p>\n");
  const auto port = s.port();
  const auto token = login(port, "user1", "user1");
  auto check_common = [](const http_reply& r) {
    CHECK(r.header("x-content-type-options") == "nosniff");
    CHECK(r.header("referrer-policy") == "same-origin");
    CHECK(r.header("x-frame-options") == "DENY");
    CHECK(r.header("cross-origin-opener-policy") == "same-origin");
    CHECK(has(r.header("content-security-policy"), "frame-ancestors 'none'"));
    CHECK_FALSE(r.has("strict-transport-security"));  // plain HTTP: no HSTS
  };
  struct probe {
    std::string method, target;
    headers h;
    std::string body;
    unsigned status;
  };
  const std::vector<probe> api = {
      {"GET", "/api/me", {{"Authorization", "Bearer " + token}}, "", 200},
      {"GET", "/api/me", {}, "", 401},
      {"POST", "/api/login", {}, "nope", 400},
      {"GET", "/api/nothing", {}, "", 404},
      {"DELETE", "/api/me", {}, "", 405},
      {"GET", "/websocket/chatroom", {}, "", 426},
      {"GET", "/healthz", {}, "", 200},
      {"GET", "/app.js", {}, "", 200},
      {"GET", "/app.wasm", {}, "", 200},
      {"GET", "/avatars/user1.png", {}, "", 200},
      {"GET", "/missing.html", {}, "", 404},
      {"POST", "/api/login", {}, std::string(20000, 'x'), 413},
      {"GET", "/healthz", {{"X-Big", std::string(10000, 'b')}}, "", 431},
  };
  for (const auto& p : api) {
    INFO(p.method << " " << p.target);
    const auto r = http(port, p.method, p.target, p.h, p.body);
    CHECK(r.status == p.status);
    check_common(r);
    CHECK(r.header("content-security-policy") == std::string(api_csp));
  }
  for (const std::string page : {"/", "/index.html", "/page.html"}) {
    INFO(page);
    const auto r = http(port, "GET", page);
    REQUIRE(r.status == 200);
    check_common(r);
    const auto policy = r.header("content-security-policy");
    CHECK(has(policy, "script-src 'self' 'wasm-unsafe-eval'"));
    CHECK(has(policy, "connect-src 'self' ws://127.0.0.1:" + std::to_string(port)));
    CHECK(has(policy, "form-action 'none'"));
    const auto again = http(port, "GET", page, {{"If-None-Match", r.header("etag")}});
    CHECK(again.status == 304);
    CHECK(again.header("content-security-policy") == policy);
  }
  CHECK(has(http(port, "GET", "/page.html").header("content-security-policy"),
            "'sha256-hY782Iu6H/g1I2gZmb4nWf3mmxS9Tfhe+dnlwYVVuDs='"));
  // A refused upgrade is an HTTP answer too.
  const auto refused = http_raw(port, "GET /websocket/chatroom HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                                      "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  CHECK(refused.status == 401);
  check_common(refused);
}

TEST_CASE("a changed page gets a new policy", "[headers][static]") {
  test_server s;
  write_file(s.web_root() / "page.html", "<script>var x=1;</script>");
  const auto first = http(s.port(), "GET", "/page.html").header("content-security-policy");
  write_file(s.web_root() / "page.html", "<script>var y=2;</script><!-- longer now -->");
  const auto second = http(s.port(), "GET", "/page.html").header("content-security-policy");
  CHECK(has(first, "'sha256-hY782Iu6H/g1I2gZmb4nWf3mmxS9Tfhe+dnlwYVVuDs='"));
  CHECK_FALSE(has(second, "'sha256-hY782Iu6H/g1I2gZmb4nWf3mmxS9Tfhe+dnlwYVVuDs='"));
}
