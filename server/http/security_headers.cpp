// Security headers and the pages' Content-Security-Policy (see security_headers.hpp).
#include "http/security_headers.hpp"

#include "auth/crypto.hpp"

#include <algorithm>

namespace chat::server {
namespace {

constexpr auto npos = std::string_view::npos;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/** Position of `word` (lower-case) in `s` from `from`, ignoring letter case. */
std::size_t find_ci(std::string_view s, std::string_view word, std::size_t from) {
  for (std::size_t i = from; i + word.size() <= s.size(); ++i) {
    std::size_t k = 0;
    while (k < word.size() && lower(s[i + k]) == word[k]) ++k;
    if (k == word.size()) return i;
  }
  return npos;
}

/** An attribute value as the DOM sees it (the character references our pages use). */
std::string decode_references(std::string_view v) {
  static const std::pair<std::string_view, char> refs[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    bool replaced = false;
    if (v[i] == '&') {
      for (const auto& [ref, c] : refs) {
        if (v.substr(i, ref.size()) == ref) {
          out.push_back(c);
          i += ref.size() - 1;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(v[i]);
  }
  return out;
}

std::string hash_source(std::string_view code) { return "'sha256-" + crypto::sha256_base64(code) + "'"; }

void append_unique(std::string& policy, const std::vector<std::string>& sources) {
  std::vector<std::string> sorted = sources;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (const auto& s : sorted) policy.append(" ").append(s);
}

/** A Host header that can be named in a policy as is: host[:port], or [v6]:port. */
bool plain_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

inline_code find_inline_code(std::string_view html) {
  inline_code out;
  const std::size_t n = html.size();
  std::size_t i = 0;
  while ((i = html.find('<', i)) != npos) {
    if (html.substr(i, 4) == "<!--") {
      const auto end = html.find("-->", i + 4);
      if (end == npos) break;
      i = end + 3;
      continue;
    }
    std::size_t j = i + 1;
    const std::size_t name_start = j;
    while (j < n && is_name_char(html[j])) ++j;
    if (j == name_start) {  // "</x>", "<!doctype>", a stray '<'
      i = j;
      continue;
    }
    std::string name;
    for (char c : html.substr(name_start, j - name_start)) name.push_back(lower(c));
    bool has_src = false;
    bool closed = false;
    while (j < n) {
      while (j < n && (is_space(html[j]) || html[j] == '/')) ++j;
      if (j >= n) break;
      if (html[j] == '>') {
        ++j;
        closed = true;
        break;
      }
      const std::size_t attr_start = j;
      while (j < n && !is_space(html[j]) && html[j] != '=' && html[j] != '>' && html[j] != '/') ++j;
      if (j == attr_start) {  // a stray '='
        ++j;
        continue;
      }
      std::string attr;
      for (char c : html.substr(attr_start, j - attr_start)) attr.push_back(lower(c));
      while (j < n && is_space(html[j])) ++j;
      if (j >= n || html[j] != '=') {
        if (attr == "src") has_src = true;
        continue;
      }
      ++j;
      while (j < n && is_space(html[j])) ++j;
      std::string_view value;
      if (j < n && (html[j] == '"' || html[j] == '\'')) {
        const auto end = html.find(html[j], j + 1);
        if (end == npos) return out;
        value = html.substr(j + 1, end - j - 1);
        j = end + 1;
      } else {
        const std::size_t start = j;
        while (j < n && !is_space(html[j]) && html[j] != '>') ++j;
        value = html.substr(start, j - start);
      }
      if (attr == "src") has_src = true;
      if (attr.size() > 2 && attr.compare(0, 2, "on") == 0) out.script_attrs.push_back(hash_source(decode_references(value)));
      if (attr == "style") out.style_attrs.push_back(hash_source(decode_references(value)));
    }
    if (!closed) break;
    if (name == "script" || name == "style") {
      // Raw text up to the closing tag; the hash covers it exactly.
      std::size_t end = find_ci(html, "</" + name, j);
      if (end == npos) end = n;
      if (name == "style") {
        out.styles.push_back(hash_source(html.substr(j, end - j)));
      } else if (!has_src) {
        out.scripts.push_back(hash_source(html.substr(j, end - j)));
      }
      j = end;
    }
    i = j;
  }
  return out;
}

std::string page_csp(const inline_code& code, std::string_view host) {
  std::string p = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'";
  append_unique(p, code.scripts);
  if (!code.script_attrs.empty()) {
    p += " 'unsafe-hashes'";
    append_unique(p, code.script_attrs);
  }
  p += "; style-src 'self'";
  append_unique(p, code.styles);
  if (!code.style_attrs.empty()) {
    p += " 'unsafe-hashes'";
    append_unique(p, code.style_attrs);
  }
  p += "; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'";
  if (plain_host(host)) p.append(" ws://").append(host).append(" wss://").append(host);
  p += "; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return p;
}

void add_security_headers(http_response& res, bool tls) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.set("X-Frame-Options", "DENY");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Cross-Origin-Resource-Policy", "same-origin");
  if (!res.get("Content-Security-Policy")) res.set("Content-Security-Policy", std::string(api_csp));
  if (tls) res.set("Strict-Transport-Security", std::string(hsts_value));
}

}  // namespace chat::server
