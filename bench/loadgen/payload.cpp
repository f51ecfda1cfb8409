// Stamps in message bodies (see payload.hpp).
#include "payload.hpp"

#include <charconv>

namespace loadgen {
namespace {

constexpr std::string_view prefix = "lg:";

template <class Int>
bool take_number(std::string_view& s, Int& out) noexcept {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  if (r.ec != std::errc() || r.ptr == s.data() + s.size() || *r.ptr != ':') return false;
  s.remove_prefix(static_cast<std::size_t>(r.ptr - s.data()) + 1);
  return true;
}

}  // namespace

std::string make_body(const stamp& s, std::size_t size) {
  std::string body(prefix);
  body += std::to_string(s.sender);
  body += ':';
  body += std::to_string(s.seq);
  body += ':';
  body += std::to_string(s.sent_ns);
  body += ':';
  if (body.size() < size) body.append(size - body.size(), 'x');
  return body;
}

std::optional<stamp> read_body(std::string_view body) noexcept {
  if (body.substr(0, prefix.size()) != prefix) return std::nullopt;
  body.remove_prefix(prefix.size());
  stamp s;
  if (!take_number(body, s.sender) || !take_number(body, s.seq) || !take_number(body, s.sent_ns)) return std::nullopt;
  if (s.sender < 0 || s.seq < 0) return std::nullopt;
  return s;
}

std::string make_client_id(std::string_view run, std::int32_t sender, std::int32_t seq) {
  std::string id("lg-");
  id += run;
  id += '-';
  id += std::to_string(sender);
  id += '-';
  id += std::to_string(seq);
  return id;
}

}  // namespace loadgen
