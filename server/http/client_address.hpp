// Who sent a request: the TCP peer, or, when that peer is a trusted proxy
// (--trusted-proxy), the client its X-Forwarded-For names and the scheme its
// X-Forwarded-Proto says. Everything that keys on an address (the login
// throttle, --metrics-allow, logs) uses the result. No sockets, no Beast.
#pragma once

#include "http/address_list.hpp"
#include "http/http_types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace chat::server {

/** The client of one request, as far as the server can tell. */
struct client_origin {
  std::string address;  ///< an IP address (the peer's, or the one a trusted proxy forwarded)
  bool https = false;   ///< the client's connection is TLS (ours, or a trusted proxy's)
};

/** The peers whose forwarding headers are believed: the --trusted-proxy ranges. */
class trusted_proxies {
 public:
  explicit trusted_proxies(const std::vector<std::string>& ranges);

  /** The client of a request from `peer` (over our TLS when `tls`), given its
   *  X-Forwarded-For values (all fields, joined by commas) and X-Forwarded-Proto.
   *  From an untrusted peer both headers are ignored. From a trusted one the
   *  address is the rightmost X-Forwarded-For entry that is not itself a
   *  trusted proxy (each proxy appends the address it saw, so entries left of
   *  an untrusted one may be forged); an entry that is no IP address ends the
   *  walk at the hop that appended it; if all are trusted, the leftmost. The
   *  scheme is https when the last X-Forwarded-Proto value is `https`. */
  client_origin resolve(std::string_view peer, bool tls, std::string_view forwarded_for,
                        std::string_view forwarded_proto) const;

  /** Applies resolve() to `r`: `r.peer` stays, `r.address` and `r.tls` become the client's. */
  void apply(http_request& r) const;

 private:
  address_list ranges_;
  bool any_ = false;
};

}  // namespace chat::server
