// The TLS probe client (see tls_probe.hpp).
#include "tls_probe.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace chat::test {

namespace {

SSL_CTX* as_ctx(void* p) { return static_cast<SSL_CTX*>(p); }
SSL* as_ssl(void* p) { return static_cast<SSL*>(p); }

std::string hex_digest(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!cert || X509_digest(cert, EVP_sha256(), md, &n) != 1) return {};
  std::string out;
  char two[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(two, sizeof two, "%02x", md[i]);
    out += two;
  }
  return out;
}

SSL_CTX* make_ctx(const tls_probe_options& o) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) throw std::runtime_error("SSL_CTX_new failed");
  if (o.legacy) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  }
  if (o.min_version) SSL_CTX_set_min_proto_version(ctx, o.min_version);
  if (o.max_version) SSL_CTX_set_max_proto_version(ctx, o.max_version);
  if (!o.ca_file.empty()) {
    SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  return ctx;
}

}  // namespace

tls_probe::tls_probe(std::uint16_t port, tls_probe_options o) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  timeval tv{10, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect failed");
  }
  ctx_ = make_ctx(o);
  SSL* ssl = SSL_new(as_ctx(ctx_));
  ssl_ = ssl;
  SSL_set_fd(ssl, fd_);
  if (!o.sni.empty()) SSL_set_tlsext_host_name(ssl, o.sni.c_str());
  if (!o.ca_file.empty() && !o.verify_name.empty()) SSL_set1_host(ssl, o.verify_name.c_str());
}

tls_probe::~tls_probe() {
  if (ssl_) SSL_free(as_ssl(ssl_));
  if (ctx_) SSL_CTX_free(as_ctx(ctx_));
  if (fd_ >= 0) ::close(fd_);
}

bool tls_probe::fail(const char* what, int rc) {
  const int code = SSL_get_error(as_ssl(ssl_), rc);
  char buf[256] = "";
  if (const unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
  error_ = std::string(what) + ": ssl_error=" + std::to_string(code) + " " + buf;
  const long verify = SSL_get_verify_result(as_ssl(ssl_));
  if (verify != X509_V_OK) error_ += std::string(" verify: ") + X509_verify_cert_error_string(verify);
  ERR_clear_error();
  return false;
}

bool tls_probe::handshake() {
  const int rc = SSL_connect(as_ssl(ssl_));
  return rc == 1 || fail("handshake", rc);
}

bool tls_probe::renegotiate() {
  if (SSL_renegotiate(as_ssl(ssl_)) != 1) return fail("renegotiate", 0);
  const int rc = SSL_do_handshake(as_ssl(ssl_));
  return rc == 1 || fail("renegotiation handshake", rc);
}

std::string tls_probe::get(const std::string& target) {
  const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  if (SSL_write(as_ssl(ssl_), req.data(), static_cast<int>(req.size())) <= 0) {
    fail("write", -1);
    return {};
  }
  std::string in;
  char buf[4096];
  for (;;) {
    const auto head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const auto cl = in.find("Content-Length: ");
      const std::size_t body = cl == std::string::npos || cl > head_end ? 0 : std::stoul(in.substr(cl + 16));
      if (in.size() >= head_end + 4 + body) return in;
    }
    const int n = SSL_read(as_ssl(ssl_), buf, sizeof buf);
    if (n <= 0) {
      fail("read", n);
      return {};
    }
    in.append(buf, static_cast<std::size_t>(n));
  }
}

std::string tls_probe::fingerprint() const {
  X509* cert = SSL_get1_peer_certificate(as_ssl(ssl_));
  std::string out = hex_digest(cert);
  X509_free(cert);
  return out;
}

std::string tls_probe::version() const { return SSL_get_version(as_ssl(ssl_)); }

std::string client_hello_bytes() {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), in, out);  // owned by the SSL from here
  SSL_set_tlsext_host_name(ssl.get(), "127.0.0.1");
  SSL_connect(ssl.get());  // wants to read the answer: the ClientHello is written
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string certificate_fingerprint(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "r"), std::fclose);
  if (!f) return {};
  X509* cert = PEM_read_X509(f.get(), nullptr, nullptr, nullptr);
  std::string out = hex_digest(cert);
  X509_free(cert);
  return out;
}

}  // namespace chat::test
