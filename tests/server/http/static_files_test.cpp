// Path resolution, MIME types, dates and conditional requests as pure functions.
#include "http/static_files.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace chat::server;
using chat::test::temp_dir;
using chat::test::write_file;

TEST_CASE("targets normalise to a relative path or are refused", "[static]") {
  CHECK(normalize_target("/") == std::string(""));
  CHECK(normalize_target("/index.html") == std::string("index.html"));
  CHECK(normalize_target("/a/b.js?v=3#x") == std::string("a/b.js"));
  CHECK(normalize_target("/a//./b.js") == std::string("a/b.js"));
  CHECK(normalize_target("/hello%20world.txt") == std::string("hello world.txt"));
  CHECK(normalize_target("//etc/passwd") == std::string("etc/passwd"));  // stays under the root
  CHECK(normalize_target("/caf%C3%A9/a|b^c.txt") == std::string("caf\xC3\xA9/a|b^c.txt"));  // what Beast lets through
  CHECK(normalize_target("/a/%2E/b") == std::string("a/b"));
  for (const char* bad : {"", "index.html", "http://x/index.html", "/..", "/../secret", "/a/../../secret",
                          "/%2e%2e/secret", "/%2E%2E/secret", "/..%2fsecret", "/a%2f..%2f..%2fsecret",
                          "/..%5csecret", "/a\\..\\secret", "/%00", "/index.html%00.png", "/%zz", "/%2",
                          "/.git/config", "/.env", "/a/%2e%2e/b", "/a%5c", "/a%7f", "/a%0a", "/a\x01", "/%"}) {
    INFO(bad);
    CHECK_FALSE(normalize_target(bad));
  }
}

TEST_CASE("resolution never leaves the root, symlinks included", "[static]") {
  temp_dir d;
  write_file(d / "secret.txt", "secret");
  write_file(d / "web/index.html", "hi");
  write_file(d / "web/sub/index.html", "sub");
  std::filesystem::create_symlink(d / "secret.txt", d / "web/link.txt");
  std::filesystem::create_directory_symlink(d.path(), d / "web/up");
  write_file(d / "web/real.txt", "real");
  std::filesystem::create_symlink(d / "web/real.txt", d / "web/inside-link.txt");
  const std::string root = std::filesystem::canonical(d / "web").string();

  CHECK(resolve_under_root(root, "") == root + "/index.html");
  CHECK(resolve_under_root(root, "sub") == root + "/sub/index.html");
  CHECK(resolve_under_root(root, "inside-link.txt") == root + "/real.txt");
  CHECK_FALSE(resolve_under_root(root, "link.txt"));
  CHECK_FALSE(resolve_under_root(root, "up/secret.txt"));
  CHECK_FALSE(resolve_under_root(root, "missing.txt"));
  CHECK_FALSE(resolve_under_root(root, "../secret.txt"));
  CHECK_FALSE(resolve_under_root("", "index.html"));
}

TEST_CASE("MIME types include application/wasm", "[static]") {
  CHECK(mime_type("a/app.wasm") == "application/wasm");
  CHECK(mime_type("index.html") == "text/html; charset=utf-8");
  CHECK(mime_type("app.JS") == "text/javascript; charset=utf-8");
  CHECK(mime_type("s.css") == "text/css; charset=utf-8");
  CHECK(mime_type("p.png") == "image/png");
  CHECK(mime_type("f.woff2") == "font/woff2");
  CHECK(mime_type("noext") == "application/octet-stream");
  CHECK(mime_type("dir.v2/noext") == "application/octet-stream");
}

TEST_CASE("HTTP dates, Accept-Encoding and conditional headers", "[static]") {
  CHECK(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == std::time_t{784111777});
  CHECK_FALSE(parse_http_date("yesterday"));

  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("br"));
  CHECK_FALSE(accepts_gzip(""));

  http_request r;
  r.if_none_match = R"("x", W/"abc")";
  CHECK(is_not_modified(r, R"("abc")", 100));
  r.if_none_match = R"("other")";
  r.if_modified_since = http_date(200);
  CHECK_FALSE(is_not_modified(r, R"("abc")", 100));  // If-None-Match wins
  r.if_none_match.clear();
  CHECK(is_not_modified(r, R"("abc")", 100));
  CHECK_FALSE(is_not_modified(r, R"("abc")", 300));
}

TEST_CASE("gzip output inflates back", "[static]") {
  const std::string text(10000, 'a');
  const auto gz = gzip_compress(text);
  REQUIRE(gz);
  CHECK(gz->size() < 200);
  CHECK(static_cast<unsigned char>((*gz)[0]) == 0x1f);
  CHECK(static_cast<unsigned char>((*gz)[1]) == 0x8b);
}

TEST_CASE("every seed employee has an embedded PNG avatar", "[static]") {
  for (const char* name : {"user1", "user2", "user3", "sofia", "kenji", "lena", "priya", "omar"}) {
    INFO(name);
    const auto png = embedded_avatar(std::string(name) + ".png");
    REQUIRE(png);
    CHECK(png->size() > 1000);
    CHECK(png->substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8));
  }
  CHECK_FALSE(embedded_avatar("nobody.png"));
}
