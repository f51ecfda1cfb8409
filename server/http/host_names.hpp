// The host names the server answers to, against DNS rebinding: a page on
// attacker.example whose name is made to resolve to 127.0.0.1 sends
// `Host: attacker.example`, which no configured name matches (421). The
// names: the listen address, localhost, 127.0.0.1, ::1, --allow-host and the
// host of --public-url, each with any port; and any IP address literal
// (10.0.0.5, [2001:db8::1]): with no name there is nothing to rebind, and a
// server on a LAN stays reachable by its address. No sockets, no Beast.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::server {

/** The lower-case host name of a Host header ("Name:8080" → "name",
 *  "[::1]:8080" → "::1"); nullopt if it is not host[:port]. */
std::optional<std::string> host_name(std::string_view host_header);

/** A --public-url such as https://chat.example.com or http://10.0.0.5:8080/. */
struct public_url {
  std::string origin;  ///< scheme://host[:port], lower-case, as a browser sends it in Origin
  std::string host;    ///< the host name alone (IPv6 without brackets)
};

/** nullopt unless `text` is http(s)://host[:port] with an optional path. */
std::optional<public_url> parse_public_url(std::string_view text);

/** The accepted host names. */
class host_names {
 public:
  /** `listen_host` is --host; `allowed` the --allow-host names; `public_host`
   *  the host of --public-url (or empty). */
  host_names(std::string_view listen_host, const std::vector<std::string>& allowed, std::string_view public_host);

  /** True if the Host header names an accepted host or an IP address (any port), or is absent:
   *  every browser sends one, so a request without it is no rebinding. */
  bool allows(std::string_view host_header) const;

 private:
  std::vector<std::string> names_;
};

}  // namespace chat::server
