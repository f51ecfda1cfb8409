// Certificate reload on SIGHUP, against the real binary as a child process:
// new connections get the new certificate (compared by fingerprint), open
// ones (an https keep-alive connection and a wss chat) go on with the old,
// and bad new files keep the certificate in use and log an error.
#include "test_client.hpp"
#include "test_support.hpp"
#include "tls_probe.hpp"
#include "raw_socket.hpp"
#include "ws_helpers.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>

using namespace chat::test;
namespace fs = std::filesystem;

namespace {

/** A self-signed certificate for 127.0.0.1 named `cn`, and its key. */
void make_cert(const fs::path& cert, const fs::path& key, const std::string& cn) {
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                          "-subj /CN=" + cn + " -addext subjectAltName=IP:127.0.0.1 -keyout '" + key.string() +
                          "' -out '" + cert.string() + "' >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
}

/** Puts `from` in place of `to` in one step, as an operator's `mv` does. */
void replace(const fs::path& from, const fs::path& to) {
  fs::copy_file(from, to.string() + ".new", fs::copy_options::overwrite_existing);
  fs::rename(to.string() + ".new", to);
}

/** The certificate a new connection gets. */
std::string served(std::uint16_t port) {
  tls_probe p(port, {});
  return p.handshake() ? p.fingerprint() : std::string();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("SIGHUP reloads the certificate for new connections, open ones go on, bad files keep the old one",
          "[process][tls]") {
  temp_dir d;
  make_cert(d / "a.pem", d / "a.key", "first");
  make_cert(d / "b.pem", d / "b.key", "second");
  const std::string fa = certificate_fingerprint((d / "a.pem").string());
  const std::string fb = certificate_fingerprint((d / "b.pem").string());
  REQUIRE(!fa.empty());
  REQUIRE(fa != fb);
  fs::copy_file(d / "a.pem", d / "cert.pem");
  fs::copy_file(d / "a.key", d / "key.pem");
  fs::create_directories(d / "web");
  child_process p({"--port", "0", "--db", (d / "chat.db").string(), "--web-root", (d / "web").string(), "--tls-cert",
                   (d / "cert.pem").string(), "--tls-key", (d / "key.pem").string()});
  const auto line = p.read_line();
  REQUIRE(line);
  const auto port = port_of(*line);
  CHECK(served(port) == fa);

  // Open before the reload: a keep-alive https connection and a wss chat.
  tls_probe kept(port, {});
  REQUIRE(kept.handshake());
  CHECK(first_status(kept.get("/healthz")) == 200);
  const auto r = https(port, "POST", "/api/login", {}, R"({"username":"user1","password":"user1"})");
  REQUIRE(r.status == 200);
  ws_client chat(port, "/websocket/chatroom?v=1", json::parse(r.body).at("token"), {}, false, true);
  CHECK(next_of(chat, "welcome").at("user").at("username") == "user1");

  replace(d / "b.pem", d / "cert.pem");
  replace(d / "b.key", d / "key.pem");
  p.signal(SIGHUP);
  REQUIRE(wait_for([&] { return count(p.stderr_text(), "tls_reload") == 1; }));
  CHECK(p.stderr_text().find("new connections get it") != std::string::npos);
  CHECK(served(port) == fb);
  // The open ones go on, with the certificate they began with.
  CHECK(first_status(kept.get("/healthz")) == 200);
  CHECK(kept.fingerprint() == fa);
  chat.send_text(send_frame("after the reload", "r-1"));
  CHECK(next_of(chat, "message").at("message") == "after the reload");

  // A file that is not a certificate: the error is logged, B stays.
  write_file(d / "junk.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
  replace(d / "junk.pem", d / "cert.pem");
  p.signal(SIGHUP);
  REQUIRE(wait_for([&] { return count(p.stderr_text(), "tls_reload") == 2; }));
  CHECK(p.stderr_text().find("kept=the previous certificate") != std::string::npos);
  CHECK(served(port) == fb);
  // A certificate whose key is not the one given: refused the same way.
  replace(d / "a.pem", d / "cert.pem");  // the key is still B's
  p.signal(SIGHUP);
  REQUIRE(wait_for([&] { return count(p.stderr_text(), "tls_reload") == 3; }));
  CHECK(count(p.stderr_text(), "kept=the previous certificate") == 2);
  CHECK(served(port) == fb);
  // Missing files, too.
  fs::remove(d / "cert.pem");
  p.signal(SIGHUP);
  REQUIRE(wait_for([&] { return count(p.stderr_text(), "tls_reload") == 4; }));
  CHECK(count(p.stderr_text(), "kept=the previous certificate") == 3);
  CHECK(served(port) == fb);

  // Put A back: the next reload serves it.
  replace(d / "a.pem", d / "cert.pem");
  replace(d / "a.key", d / "key.pem");
  p.signal(SIGHUP);
  REQUIRE(wait_for([&] { return count(p.stderr_text(), "tls_reload") == 5; }));
  CHECK(served(port) == fa);
  chat.close();
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}
