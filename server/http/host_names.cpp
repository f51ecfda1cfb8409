// Host header names and --public-url (see host_names.hpp).
#include "http/host_names.hpp"

#include <chat/validation.hpp>

#include <arpa/inet.h>

#include <algorithm>

namespace chat::server {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

/** An IPv4 or IPv6 address literal (no name for DNS to rebind). */
bool ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

std::optional<std::string> host_name(std::string_view h) {
  std::string_view name;
  std::string_view port;
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    if (close == std::string_view::npos || close < 2) return std::nullopt;
    name = h.substr(1, close - 1);
    const auto rest = h.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (!all_digits(port)) return std::nullopt;
    }
    const bool v6 = std::all_of(name.begin(), name.end(), [](char c) {
      return c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
    if (!v6) return std::nullopt;
    return ascii_lower(name);
  }
  const auto colon = h.find(':');
  name = h.substr(0, colon);
  if (colon != std::string_view::npos && !all_digits(h.substr(colon + 1))) return std::nullopt;
  if (name.empty() || !std::all_of(name.begin(), name.end(), name_char)) return std::nullopt;
  return ascii_lower(name);
}

std::optional<public_url> parse_public_url(std::string_view text) {
  std::string_view scheme;
  for (std::string_view s : {"https://", "http://"}) {
    if (ascii_lower(text.substr(0, s.size())) == s) scheme = s;
  }
  if (scheme.empty()) return std::nullopt;
  auto authority = text.substr(scheme.size());
  authority = authority.substr(0, authority.find('/'));
  const auto name = host_name(authority);
  if (!name) return std::nullopt;
  return public_url{ascii_lower(scheme) + ascii_lower(authority), *name};
}

host_names::host_names(std::string_view listen_host, const std::vector<std::string>& allowed,
                       std::string_view public_host) {
  names_ = {"localhost", "127.0.0.1", "::1"};
  std::string_view listen = listen_host;
  if (listen.size() > 2 && listen.front() == '[' && listen.back() == ']') listen = listen.substr(1, listen.size() - 2);
  names_.push_back(ascii_lower(listen));
  for (const auto& a : allowed) names_.push_back(ascii_lower(a));
  if (!public_host.empty()) names_.push_back(ascii_lower(public_host));
}

bool host_names::allows(std::string_view host_header) const {
  if (host_header.empty()) return true;
  const auto name = host_name(host_header);
  return name && (ip_literal(*name) || std::find(names_.begin(), names_.end(), *name) != names_.end());
}

}  // namespace chat::server
