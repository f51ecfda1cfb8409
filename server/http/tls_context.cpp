// Building the server's TLS context, and swapping it on reload (see tls_context.hpp).
#include "http/tls_context.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <stdexcept>
#include <utility>

namespace chat::server {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> load_tls_context(const std::string& cert, const std::string& key) {
  // Asio's errors are system_errors, which are runtime_errors.
  auto c = std::make_shared<ssl::context>(ssl::context::tls_server);
  c->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                 ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  // Renegotiation is refused whatever the library's default: a client asking
  // for it gets a no_renegotiation alert (TLS 1.3 has none).
  SSL_CTX_set_options(c->native_handle(), SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_clear_options(c->native_handle(), SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
  c->use_certificate_chain_file(cert);
  c->use_private_key_file(key, ssl::context::pem);
  if (SSL_CTX_check_private_key(c->native_handle()) != 1) {
    throw std::runtime_error("the key does not match the certificate");
  }
  return c;
}

tls_certificates::tls_certificates(std::string cert, std::string key)
    : cert_(std::move(cert)), key_(std::move(key)), current_(load_tls_context(cert_, key_)) {}

std::shared_ptr<ssl::context> tls_certificates::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

bool tls_certificates::reload(std::string& error) {
  std::shared_ptr<ssl::context> fresh;
  try {
    fresh = load_tls_context(cert_, key_);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  std::lock_guard lock(mu_);
  current_.swap(fresh);
  return true;  // the old context goes with `fresh`; its connections hold their SSL_CTX
}

}  // namespace chat::server
