// Plain structs for one HTTP request and its response, so the router, the API
// and the static files know nothing of Beast (and compile in seconds).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::server {

/** The parts of a request the server looks at. */
struct http_request {
  std::string method;  ///< "GET", "HEAD", "POST", …
  std::string target;  ///< as sent: path and query
  std::string host;
  std::string origin;
  bool has_origin = false;
  std::string cookie;
  std::string authorization;
  std::string if_none_match;
  std::string if_modified_since;
  std::string accept_encoding;
  std::string body;
  std::string forwarded_for;    ///< every X-Forwarded-For field, joined by commas
  std::string forwarded_proto;  ///< X-Forwarded-Proto
  std::string peer;     ///< the TCP peer's IP address
  /** The client's IP address: the peer's, or the one a trusted proxy forwarded
   *  (http/client_address.hpp). Throttling, --metrics-allow and logs use it. */
  std::string address;
  bool tls = false;     ///< the client spoke TLS: to us, or to a trusted proxy that says so

  /** The target without query and fragment. */
  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find_first_of("?#"));
  }
};

/** A response: a body in memory, or a file to stream. */
struct http_response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string file_path;        ///< when set, the body is this file (file_size bytes)
  std::uint64_t file_size = 0;
  bool close = false;           ///< close the connection after this response

  void set(std::string name, std::string value) {
    for (auto& h : headers) {
      if (h.first == name) {
        h.second = std::move(value);
        return;
      }
    }
    headers.emplace_back(std::move(name), std::move(value));
  }
  const std::string* get(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.first == name) return &h.second;
    }
    return nullptr;
  }
};

/** A JSON error body {"error","message"} with its status (no-store). */
http_response json_error(unsigned status, std::string_view code, std::string_view message);

}  // namespace chat::server
