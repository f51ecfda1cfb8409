// CIDR ranges and the allow list (see address_list.hpp).
#include "http/address_list.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace chat::server {
namespace {

/** An address parsed into 16 bytes; IPv4 (and IPv4-mapped IPv6) in the first 4. */
struct parsed_address {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;
};

std::optional<parsed_address> parse_address(std::string_view text) {
  // A zone (fe80::1%eth0) names an interface, not part of the address.
  text = text.substr(0, text.find('%'));
  if (text.empty() || text.size() >= 64) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  parsed_address a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.v4 = true;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
  static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), mapped, sizeof mapped) == 0) {
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::memset(a.bytes.data() + 4, 0, 12);
    a.v4 = true;
  }
  return a;
}

/** Clears the bits of `bytes` past the first `prefix`. */
void clear_host_bits(std::array<std::uint8_t, 16>& bytes, int prefix) {
  for (int i = 0; i < 16; ++i) {
    const int keep = prefix - i * 8;
    if (keep >= 8) continue;
    bytes[static_cast<std::size_t>(i)] &= keep <= 0 ? 0 : static_cast<std::uint8_t>(0xff << (8 - keep));
  }
}

}  // namespace

bool ip_range::contains(std::string_view address) const {
  auto a = parse_address(address);
  if (!a || a->v4 != v4) return false;
  clear_host_bits(a->bytes, prefix);
  return a->bytes == network;
}

std::optional<ip_range> parse_ip_range(std::string_view text) {
  const auto slash = text.find('/');
  auto a = parse_address(text.substr(0, slash));
  if (!a || text.find('%') != std::string_view::npos) return std::nullopt;
  ip_range r;
  r.v4 = a->v4;
  r.prefix = r.v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const auto bits = text.substr(slash + 1);
    int n = -1;
    const auto res = std::from_chars(bits.data(), bits.data() + bits.size(), n);
    if (bits.empty() || res.ec != std::errc() || res.ptr != bits.data() + bits.size() || n < 0 || n > r.prefix) {
      return std::nullopt;
    }
    r.prefix = n;
  }
  r.network = a->bytes;
  clear_host_bits(r.network, r.prefix);
  return r;
}

std::string address_group(std::string_view address) {
  const auto a = parse_address(address);
  if (!a) return std::string(address);
  char buf[INET6_ADDRSTRLEN] = {};
  if (a->v4) {
    inet_ntop(AF_INET, a->bytes.data(), buf, sizeof buf);
    return buf;
  }
  auto net = a->bytes;
  clear_host_bits(net, 64);
  inet_ntop(AF_INET6, net.data(), buf, sizeof buf);
  return std::string(buf) + "/64";
}

bool is_ip_address(std::string_view text) {
  return text.find('%') == std::string_view::npos && parse_address(text).has_value();
}

address_list::address_list(const std::vector<std::string>& ranges) {
  for (const auto& text : ranges) {
    if (auto r = parse_ip_range(text)) ranges_.push_back(*r);
  }
}

bool address_list::allows(std::string_view address) const {
  for (const auto& r : ranges_) {
    if (r.contains(address)) return true;
  }
  return false;
}

}  // namespace chat::server
