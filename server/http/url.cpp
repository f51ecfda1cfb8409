// Percent-decoding and query parameters (see url.hpp). Boost.URL is compiled
// into this file (its src.hpp), so no library needs linking.
#include "http/url.hpp"

#include <boost/url/pct_string_view.hpp>
#include <boost/url/src.hpp>

namespace chat::server {

std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space) {
  const auto encoded = boost::urls::make_pct_string_view(boost::urls::string_view(s.data(), s.size()));
  if (!encoded) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = plus_as_space;
  return encoded->decode(opts);
}

std::string_view target_path(std::string_view target) noexcept { return target.substr(0, target.find_first_of("?#")); }

std::optional<std::string> query_param(std::string_view target, std::string_view key) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  query = query.substr(0, query.find('#'));
  std::optional<std::string> found;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq), true) != key) continue;
    found = eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(pair.substr(eq + 1), true);
  }
  return found;
}

}  // namespace chat::server
