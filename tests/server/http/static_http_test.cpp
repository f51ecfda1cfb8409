// Static files over real sockets: MIME, caching headers, 304s, HEAD, gzip,
// avatars, and every traversal variant answered without leaking a byte.
#include "test_client.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <filesystem>
#include <fstream>

using namespace chat::test;

namespace {

std::string gunzip(const std::string& gz) {
  z_stream z{};
  inflateInit2(&z, 15 + 16);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("static files have MIME types, validators and Cache-Control", "[static][http]") {
  test_server s;
  const auto root = http(s.port(), "GET", "/");
  REQUIRE(root.status == 200);
  CHECK(root.body == read_all(s.web_root() / "index.html"));
  CHECK(root.header("content-type") == "text/html; charset=utf-8");
  CHECK(root.header("cache-control") == "no-cache");
  CHECK_FALSE(root.header("etag").empty());
  CHECK_FALSE(root.header("last-modified").empty());

  const auto wasm = http(s.port(), "GET", "/app.wasm");
  REQUIRE(wasm.status == 200);
  CHECK(wasm.header("content-type") == "application/wasm");
  CHECK(wasm.body == std::string("\0asm\1\0\0\0", 8));
  CHECK(http(s.port(), "GET", "/app.js").header("content-type") == "text/javascript; charset=utf-8");
  const auto css = http(s.port(), "GET", "/style.css");
  CHECK(css.header("content-type") == "text/css; charset=utf-8");
  CHECK(css.header("cache-control").find("max-age") != std::string::npos);
  CHECK(http(s.port(), "GET", "/missing.js").status == 404);
}

TEST_CASE("the web app manifest, its icons and the service worker are served for what they are", "[static][http]") {
  test_server s;
  write_file(s.web_root() / "manifest.webmanifest", R"({"name":"Chat Room","icons":[]})");
  write_file(s.web_root() / "icon-192.png", std::string("\x89PNG\r\n\x1a\n", 8));
  write_file(s.web_root() / "sw.js", "self.addEventListener('fetch', () => {});\n");
  const auto manifest = http(s.port(), "GET", "/manifest.webmanifest");
  REQUIRE(manifest.status == 200);
  CHECK(manifest.header("content-type") == "application/manifest+json");
  CHECK(http(s.port(), "GET", "/icon-192.png").header("content-type") == "image/png");
  // The worker may fetch the app's files (connect-src 'self'), nothing else, and is revalidated on every update check.
  const auto sw = http(s.port(), "GET", "/sw.js");
  REQUIRE(sw.status == 200);
  CHECK(sw.header("content-type") == "text/javascript; charset=utf-8");
  CHECK(sw.header("cache-control") == "no-cache");
  CHECK(sw.header("content-security-policy").find("connect-src 'self'") != std::string::npos);
  CHECK(sw.header("content-security-policy").find("default-src 'none'") == 0);
  // Other scripts keep the API's policy: they are not workers.
  CHECK(http(s.port(), "GET", "/app.js").header("content-security-policy").find("connect-src") == std::string::npos);
}

TEST_CASE("conditional GETs answer 304 Not Modified", "[static][http]") {
  test_server s;
  const auto first = http(s.port(), "GET", "/app.js");
  const auto etag = first.header("etag");
  const auto by_tag = http(s.port(), "GET", "/app.js", {{"If-None-Match", etag}});
  CHECK(by_tag.status == 304);
  CHECK(by_tag.body.empty());
  CHECK(by_tag.header("etag") == etag);
  CHECK(http(s.port(), "GET", "/app.js", {{"If-None-Match", "\"something-else\""}}).status == 200);
  CHECK(http(s.port(), "GET", "/app.js", {{"If-Modified-Since", first.header("last-modified")}}).status == 304);
  CHECK(http(s.port(), "GET", "/app.js", {{"If-Modified-Since", "Thu, 01 Jan 1970 00:00:01 GMT"}}).status == 200);

  // A changed file gets a new validator.
  write_file(s.web_root() / "app.js", "console.log('changed, and longer');\n");
  const auto changed = http(s.port(), "GET", "/app.js", {{"If-None-Match", etag}});
  CHECK(changed.status == 200);
  CHECK(changed.header("etag") != etag);

  const auto avatar = http(s.port(), "GET", "/avatars/user2.png");
  REQUIRE(avatar.status == 200);
  CHECK(http(s.port(), "GET", "/avatars/user2.png", {{"If-None-Match", avatar.header("etag")}}).status == 304);
}

TEST_CASE("HEAD has the headers of GET and no body", "[static][http]") {
  test_server s;
  const auto get = http(s.port(), "GET", "/big.js");
  const auto head = http(s.port(), "HEAD", "/big.js");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("content-length") == std::to_string(get.body.size()));
  CHECK(head.header("etag") == get.header("etag"));
  CHECK(head.header("content-type") == get.header("content-type"));
  CHECK(http(s.port(), "HEAD", "/api/me").status == 401);
}

TEST_CASE("big compressible files are gzipped when the client accepts it", "[static][http]") {
  test_server s;
  const auto original = read_all(s.web_root() / "big.js");
  const auto gz = http(s.port(), "GET", "/big.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  REQUIRE(gz.status == 200);
  CHECK(gz.header("content-encoding") == "gzip");
  CHECK(gz.header("vary") == "Accept-Encoding");
  CHECK(gz.body.size() < original.size() / 4);
  CHECK(gunzip(gz.body) == original);
  CHECK(http(s.port(), "GET", "/big.js", {{"If-None-Match", gz.header("etag")}, {"Accept-Encoding", "gzip"}}).status ==
        304);

  const auto plain = http(s.port(), "GET", "/big.js");
  CHECK_FALSE(plain.has("content-encoding"));
  CHECK(plain.body == original);
  CHECK(plain.header("etag") != gz.header("etag"));
  // Small files are not worth it.
  CHECK_FALSE(http(s.port(), "GET", "/app.js", {{"Accept-Encoding", "gzip"}}).has("content-encoding"));
}

TEST_CASE("nothing outside the web root is ever served", "[static][http]") {
  test_server s;
  const std::string secret = "TOP-SECRET-CONTENT";
  write_file(s.dir() / "secret.txt", secret);
  std::filesystem::create_symlink(s.dir() / "secret.txt", s.web_root() / "leak.txt");
  std::filesystem::create_directory_symlink(s.dir().path(), s.web_root() / "parent");
  write_file(s.web_root() / ".hidden", secret);

  const std::vector<std::string> targets = {
      "/../secret.txt",        "/..%2fsecret.txt",       "/%2e%2e/secret.txt",      "/%2E%2E%2Fsecret.txt",
      "/a/../../secret.txt",   "/..%5csecret.txt",       "/..\\secret.txt",        "/leak.txt",
      "/parent/secret.txt",    "/parent/../secret.txt",  "/.hidden",                "//etc/passwd",
      "/%2fetc%2fpasswd",      "/etc/passwd",            "/index.html%00.png",      "/%00",
      "/./../secret.txt",      "/%252e%252e/secret.txt", "/avatars/../../secret.txt"};
  for (const auto& t : targets) {
    INFO(t);
    const auto r = http_raw(s.port(), "GET " + t + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    CHECK((r.status == 404 || r.status == 400));
    CHECK(r.body.find(secret) == std::string::npos);
    CHECK(r.body.find("root:") == std::string::npos);
  }
  for (const std::string t : {"http://127.0.0.1/../secret.txt", "*", "secret.txt"}) {
    INFO(t);
    const auto r = http_raw(s.port(), "GET " + t + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    CHECK(r.status >= 400);
    CHECK(r.body.find(secret) == std::string::npos);
  }
  // A raw NUL in the request line is not HTTP at all.
  const std::string with_nul = std::string("GET /index.html") + '\0' + ".txt HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto nul = http_raw(s.port(), with_nul);
  CHECK(nul.status == 400);
}

TEST_CASE("every employee's avatar is a PNG under /avatars/", "[static][http]") {
  test_server s;
  const auto token = login(s.port(), "user1", "user1");
  const auto list = http(s.port(), "GET", "/api/employees", {{"Authorization", "Bearer " + token}});
  REQUIRE(list.status == 200);
  std::size_t count = 0;
  for (std::size_t at = list.body.find("\"picurl\":\""); at != std::string::npos;
       at = list.body.find("\"picurl\":\"", at + 1)) {
    const auto start = at + 10;
    const auto url = list.body.substr(start, list.body.find('"', start) - start);
    INFO(url);
    const auto r = http(s.port(), "GET", url);
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "image/png");
    CHECK(r.body.substr(0, 4) == "\x89PNG");
    ++count;
  }
  CHECK(count >= 6);
  CHECK(http(s.port(), "GET", "/avatars/nobody.png").status == 404);
}
