// The server's TLS settings and certificate, reloadable: a context is built
// from --tls-cert/--tls-key (TLS 1.2+, no renegotiation) and swapped in whole
// on reload, so new connections get the new certificate while open ones keep
// the one they were made with (each SSL holds a reference to its SSL_CTX).
// No Beast or Asio SSL headers here: the context is only named.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace chat::server {

/** A server TLS context for the PEM certificate chain `cert` and key `key`.
 *  Throws std::runtime_error (unreadable files, a key that is not the certificate's). */
std::shared_ptr<boost::asio::ssl::context> load_tls_context(const std::string& cert, const std::string& key);

/** The certificate new connections get; reload() replaces it, or keeps it when the files are bad. */
class tls_certificates {
 public:
  /** Loads the first one; throws std::runtime_error as load_tls_context. */
  tls_certificates(std::string cert, std::string key);

  /** The context for a new connection (any thread). */
  std::shared_ptr<boost::asio::ssl::context> current() const;

  /** Reads the files again: true and swapped in, or false with `error`
   *  set and the old certificate kept. */
  bool reload(std::string& error);

 private:
  std::string cert_;
  std::string key_;
  mutable std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace chat::server
