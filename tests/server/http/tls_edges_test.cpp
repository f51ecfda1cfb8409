// TLS beyond the happy path, against the real binary as a child process with
// a certificate made at test time (issue 14): a wrong SNI name, plain HTTP on
// the TLS port, handshakes that stall, client-initiated renegotiation, and
// TLS 1.0/1.1. Each ends promptly and clearly, and the server keeps serving.
#include "raw_socket.hpp"
#include "test_support.hpp"
#include "tls_probe.hpp"

#include <catch2/catch.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

using namespace chat::test;
using namespace std::chrono_literals;

namespace {

/** A self-signed certificate for the name chat.test and 127.0.0.1, and its key. */
void make_cert(const std::filesystem::path& cert, const std::filesystem::path& key) {
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                          "-subj /CN=chat.test -addext subjectAltName=DNS:chat.test,IP:127.0.0.1 -keyout '" +
                          key.string() + "' -out '" + cert.string() + "' >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
}

/** SNI `name`; with `ca`, the certificate is verified against it and must carry `name`. */
tls_probe_options named(const std::string& name, const std::string& ca = {}) {
  tls_probe_options o;
  o.sni = name;
  o.ca_file = ca;
  if (!ca.empty()) o.verify_name = name;
  return o;
}

/** Only protocol versions `min` to `max`; `legacy`: at security level 0. */
tls_probe_options versions(int min, int max, bool legacy = false) {
  tls_probe_options o;
  o.min_version = min;
  o.max_version = max;
  o.legacy = legacy;
  return o;
}

/** The server as a child process under TLS with the certificate in `d`. */
struct tls_child {
  explicit tls_child(const temp_dir& d)
      : cert((d / "cert.pem").string()), key((d / "key.pem").string()), process([&] {
          make_cert(cert, key);
          std::filesystem::create_directories(d / "web");
          return std::vector<std::string>{"--port", "0", "--db", (d / "chat.db").string(), "--web-root",
                                          (d / "web").string(), "--tls-cert", cert, "--tls-key", key};
        }()) {
    const auto line = process.read_line();
    REQUIRE(line);
    REQUIRE(line->rfind("listening on https://127.0.0.1:", 0) == 0);
    port = port_of(*line);
  }

  /** A fresh connection's GET /healthz answers 200: the server is unharmed. */
  bool serves() {
    tls_probe p(port, {});
    return p.handshake() && first_status(p.get("/healthz")) == 200;
  }

  std::string cert, key;
  child_process process;
  std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("TLS: a wrong SNI name gets the one certificate, and a verifying client sees the name mismatch",
          "[process][tls]") {
  temp_dir d;
  tls_child s(d);
  // The right name verifies.
  tls_probe right(s.port, named("chat.test", s.cert));
  REQUIRE(right.handshake());
  CHECK(first_status(right.get("/healthz")) == 200);
  // A wrong name: the server does not refuse (it has one certificate and no
  // name to check), it completes the handshake with that certificate ...
  tls_probe plain(s.port, named("wrong.example"));
  REQUIRE(plain.handshake());
  CHECK(plain.fingerprint() == certificate_fingerprint(s.cert));
  // ... and a client that checks the name fails the handshake itself, at once.
  const auto t0 = std::chrono::steady_clock::now();
  tls_probe checking(s.port, named("wrong.example", s.cert));
  CHECK_FALSE(checking.handshake());
  INFO(checking.error());
  CHECK(checking.error().find("hostname mismatch") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(s.serves());
}

TEST_CASE("TLS: plain HTTP on the TLS port gets a plain 400 and the connection closes at once", "[process][tls]") {
  temp_dir d;
  tls_child s(d);
  for (const std::string& req : {std::string("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                                std::string("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n"
                                            "{...}"),
                                upgrade_request(s.port, "/websocket/chatroom?v=1")}) {
    INFO(req);
    raw_socket c(s.port);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(c.send(req));
    REQUIRE(c.wait_closed(5s));
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    CHECK(first_status(c.received()) == 400);
    CHECK(c.received().find("use https://") != std::string::npos);
  }
  CHECK(s.serves());
  CHECK(s.process.stderr_text().find("plain http on the tls port status=400") != std::string::npos);
}

TEST_CASE("TLS: handshakes that stall are closed at the deadline and cost nothing lasting", "[process][tls]") {
  temp_dir d;
  tls_child s(d);
  const auto before = usage_of(s.process.pid());  // the listener alone: no connection yet
  const std::string hello = client_hello_bytes();
  REQUIRE(hello.size() > 100);
  REQUIRE(hello[0] == '\x16');  // a handshake record
  // 20 peers connect and say nothing, 20 send half a ClientHello.
  std::vector<std::unique_ptr<raw_socket>> stalled;
  for (int k = 0; k < 40; ++k) {
    stalled.push_back(std::make_unique<raw_socket>(s.port));
    if (k % 2 == 1) REQUIRE(stalled.back()->send(hello.substr(0, hello.size() / 2)));
  }
  REQUIRE(wait_for([&] { return usage_of(s.process.pid()).sockets >= before.sockets + 40; }));
  CHECK(s.serves());  // others are served meanwhile
  // The server closes them at its 15 s handshake deadline, not later.
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + 30s;
  for (auto& c : stalled) {
    CHECK(c->wait_closed(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())));
  }
  CHECK(std::chrono::steady_clock::now() - t0 < 20s);
  for (auto& c : stalled) CHECK(c->received().find("HTTP/1.1") == std::string::npos);
  stalled.clear();
  CHECK(wait_for([&] { return usage_of(s.process.pid()).sockets == before.sockets; }));
  CHECK(s.serves());
}

TEST_CASE("TLS: client-initiated renegotiation is refused, that connection fails cleanly, others keep working",
          "[process][tls]") {
  temp_dir d;
  tls_child s(d);
  tls_probe other(s.port, {});
  REQUIRE(other.handshake());
  CHECK(first_status(other.get("/healthz")) == 200);

  tls_probe c(s.port, versions(0, TLS1_2_VERSION));  // renegotiation exists up to TLS 1.2
  REQUIRE(c.handshake());
  CHECK(c.version() == "TLSv1.2");
  CHECK(first_status(c.get("/healthz")) == 200);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(c.renegotiate());
  INFO(c.error());
  CHECK(c.error().find("no renegotiation") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(c.get("/healthz").empty());  // the connection is over

  CHECK(first_status(other.get("/healthz")) == 200);  // an open connection goes on
  CHECK(s.serves());
}

TEST_CASE("TLS: 1.0 and 1.1 are refused by the server", "[process][tls]") {
  temp_dir d;
  tls_child s(d);
  for (const int v : {TLS1_VERSION, TLS1_1_VERSION}) {
    INFO(v);
    // The client offers only that version, at security level 0 so that
    // OpenSSL itself lets it: the refusal is the server's.
    tls_probe old(s.port, versions(v, v, true));
    CHECK_FALSE(old.handshake());
    INFO(old.error());
    CHECK(old.error().find("protocol version") != std::string::npos);
    CHECK(old.error().find("no protocols available") == std::string::npos);
  }
  tls_probe modern(s.port, versions(TLS1_2_VERSION, TLS1_2_VERSION));
  CHECK(modern.handshake());
  CHECK(s.serves());
}
