// Address ranges in CIDR notation (10.0.0.0/8, ::1/128) and a list of them
// that says whether a peer's address is allowed: who may read GET /metrics
// (--metrics-allow) and which peers are trusted proxies (--trusted-proxy); the
// group of an address the login throttle counts in. No sockets: addresses are the text the listener logs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::server {

/** One IPv4 or IPv6 network: the address with the bits past the prefix cleared. */
struct ip_range {
  std::array<std::uint8_t, 16> network{};  ///< IPv4 in the first 4 bytes
  int prefix = 0;                          ///< bits that must match: 0-32 (IPv4) or 0-128 (IPv6)
  bool v4 = false;

  /** True if `address` (as "192.0.2.7", "2001:db8::1", or an IPv4-mapped
   *  "::ffff:192.0.2.7", which counts as its IPv4 address) is in the range;
   *  false for text that is no address. */
  bool contains(std::string_view address) const;
};

/** "ADDR/BITS" or a bare "ADDR" (one host: /32 or /128); bits past the prefix
 *  are ignored. nullopt for anything else. */
std::optional<ip_range> parse_ip_range(std::string_view text);

/** The group an address is counted in (the login throttle's unit): an IPv4
 *  address (also IPv4-mapped) as itself, an IPv6 address as its /64
 *  ("2001:db8:1:2::/64", since one host usually holds a whole /64); text that
 *  is no address is returned unchanged. */
std::string address_group(std::string_view address);

/** True if `text` is an IPv4 or IPv6 address (no range, no port). */
bool is_ip_address(std::string_view text);

/** A set of ranges; an address is allowed if any range contains it. */
class address_list {
 public:
  /** The ranges as parse_ip_range() reads them; a text it refuses is skipped
   *  (the command line checked them already). */
  explicit address_list(const std::vector<std::string>& ranges);
  bool allows(std::string_view address) const;

 private:
  std::vector<ip_range> ranges_;
};

}  // namespace chat::server
