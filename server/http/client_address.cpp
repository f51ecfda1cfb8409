// The client of a request behind trusted proxies (see client_address.hpp).
#include "http/client_address.hpp"

namespace chat::server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/** The last comma-separated value of `list`, trimmed. */
std::string_view last_value(std::string_view list) {
  const auto comma = list.rfind(',');
  return trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
}

bool equals_lower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

trusted_proxies::trusted_proxies(const std::vector<std::string>& ranges)
    : ranges_(ranges), any_(!ranges.empty()) {}

client_origin trusted_proxies::resolve(std::string_view peer, bool tls, std::string_view forwarded_for,
                                       std::string_view forwarded_proto) const {
  client_origin out{std::string(peer), tls};
  if (!any_ || !ranges_.allows(peer)) return out;
  out.https = tls || equals_lower(last_value(forwarded_proto), "https");
  // Walk right to left past our own proxies; the first other hop is the client.
  std::string_view rest = forwarded_for;
  while (!trim(rest).empty()) {
    const auto comma = rest.rfind(',');
    std::string_view hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (hop.size() > 2 && hop.front() == '[' && hop.back() == ']') hop = hop.substr(1, hop.size() - 2);
    if (!is_ip_address(hop)) break;  // garbage: the hop that appended it is the last one we know
    out.address = std::string(hop);
    if (!ranges_.allows(hop)) break;
  }
  return out;
}

void trusted_proxies::apply(http_request& r) const {
  auto c = resolve(r.peer, r.tls, r.forwarded_for, r.forwarded_proto);
  r.address = std::move(c.address);
  r.tls = c.https;
}

}  // namespace chat::server
