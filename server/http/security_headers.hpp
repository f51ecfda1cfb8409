// The security headers of every response: a Content-Security-Policy (a strict
// one for API answers, one for the web client's pages that lets the wasm app
// run and allows exactly the page's own inline code, by hash), nosniff,
// Referrer-Policy, framing refused, and HSTS under TLS. No Beast here.
#pragma once

#include "http/http_types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace chat::server {

/** The policy of every response that is not an HTML page: it may load nothing
 *  and nobody may frame it. */
inline constexpr std::string_view api_csp =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** HSTS under TLS: one year. */
inline constexpr std::string_view hsts_value = "max-age=31536000";

/** The inline code of an HTML page as CSP hash sources ('sha256-…'). */
struct inline_code {
  std::vector<std::string> scripts;         ///< <script> elements without src
  std::vector<std::string> styles;          ///< <style> elements
  std::vector<std::string> script_attrs;    ///< on…="…" event handler attributes
  std::vector<std::string> style_attrs;     ///< style="…" attributes
};

/** Finds the inline scripts, styles and handler/style attributes of `html`
 *  (a simple scanner for our own pages: comments skipped, quotes honoured). */
inline_code find_inline_code(std::string_view html);

/** The policy of an HTML page of the web client: scripts from the origin and
 *  the page's own inline code only, WebAssembly compilation allowed
 *  ('wasm-unsafe-eval'), fetch and WebSocket to the same origin (`host`, when
 *  it is a plain host[:port], is also named as ws:// and wss://), images from
 *  the origin, data: and blob:, no plugins, no forms, no framing. */
std::string page_csp(const inline_code& code, std::string_view host);

/** Adds the headers every response carries: X-Content-Type-Options nosniff,
 *  Referrer-Policy, X-Frame-Options DENY, cross-origin isolation of the
 *  opener and resources, api_csp unless the response has its own policy (a
 *  page), and Strict-Transport-Security under TLS. */
void add_security_headers(http_response& res, bool tls);

}  // namespace chat::server
