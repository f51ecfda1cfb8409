// A TLS client over a blocking POSIX socket, on OpenSSL directly, for the TLS
// edge tests: a chosen SNI name and name check, a chosen protocol range, the
// served certificate's fingerprint, a client-initiated renegotiation, and a
// real ClientHello's bytes. Every read and write has a deadline (SO_RCVTIMEO,
// SO_SNDTIMEO): nothing here can hang a test. No Beast here.
#pragma once

#include <cstdint>
#include <string>

namespace chat::test {

/** How a tls_probe connects. */
struct tls_probe_options {
  std::string sni;          ///< the server name sent (empty: none)
  std::string ca_file;      ///< verify the chain against this PEM (empty: no verification)
  std::string verify_name;  ///< with ca_file: the name the certificate must carry
  int min_version = 0;      ///< e.g. TLS1_VERSION (0: the library's default)
  int max_version = 0;      ///< e.g. TLS1_2_VERSION (0: the library's default)
  bool legacy = false;      ///< security level 0: allow what old clients offered (TLS 1.0/1.1, SHA-1)
};

/** One TLS connection to 127.0.0.1:port. */
class tls_probe {
 public:
  /** Connects (throws on failure) with 10 s deadlines on each read and write. */
  tls_probe(std::uint16_t port, tls_probe_options options);
  ~tls_probe();
  tls_probe(const tls_probe&) = delete;
  tls_probe& operator=(const tls_probe&) = delete;

  /** The handshake: true when complete; else error() says why. */
  bool handshake();
  /** A client-initiated renegotiation (TLS 1.2): true if the server went along. */
  bool renegotiate();
  /** GET `target` on this connection (keep-alive): the whole response, or "" when it failed. */
  std::string get(const std::string& target);

  /** SHA-256 of the served certificate, hex; "" before a handshake. */
  std::string fingerprint() const;
  /** The negotiated protocol ("TLSv1.2"...). */
  std::string version() const;
  /** OpenSSL's reason for the last failure. */
  const std::string& error() const { return error_; }

 private:
  bool fail(const char* what, int rc);

  int fd_ = -1;
  void* ctx_ = nullptr;  // SSL_CTX
  void* ssl_ = nullptr;  // SSL
  std::string error_;
};

/** The bytes of a real ClientHello (as a TLS client's first flight) for 127.0.0.1. */
std::string client_hello_bytes();

/** SHA-256 of the certificate in PEM file `path`, hex as tls_probe::fingerprint(). */
std::string certificate_fingerprint(const std::string& path);

}  // namespace chat::test
