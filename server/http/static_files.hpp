// Static files of the web client and the embedded avatars: safe path
// resolution (nothing outside the web root, ever), MIME types, ETag and
// Last-Modified with 304s, Cache-Control, gzip for big compressible files, and
// each HTML page's Content-Security-Policy (its inline code, by hash).
#pragma once

#include "http/http_types.hpp"
#include "http/security_headers.hpp"

#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace chat::server {

/** Turns a request target into a path relative to the web root ("" is the
 *  root itself), or nullopt if it must be refused: not starting with '/',
 *  bad or NUL percent-escapes, encoded '/' or '\', a raw '\', control bytes,
 *  "..", or a segment starting with '.'. Pure: touches no file system. */
std::optional<std::string> normalize_target(std::string_view target);

/** The real path of `relative` under `root_real` (itself a realpath), with
 *  directories mapped to their index.html, if it is a regular file whose real
 *  path (symlinks resolved) is inside the root. */
std::optional<std::string> resolve_under_root(const std::string& root_real, const std::string& relative);

/** The Content-Type for a file name, by extension (application/wasm included). */
std::string_view mime_type(std::string_view path);

/** RFC 7231 IMF-fixdate, and its parser. */
std::string http_date(std::time_t t);
std::optional<std::time_t> parse_http_date(std::string_view s);

/** gzip (RFC 1952) of `data`, or nullopt on failure. */
std::optional<std::string> gzip_compress(std::string_view data);

/** True if the request's If-None-Match / If-Modified-Since say the client's
 *  copy (`etag`, modified at `mtime`) is current. mtime < 0: no date check. */
bool is_not_modified(const http_request& r, std::string_view etag, std::time_t mtime);

/** True if Accept-Encoding allows gzip. */
bool accepts_gzip(std::string_view accept_encoding);

/** Serves files from one directory. Thread-safe. */
class static_files {
 public:
  /** `root` need not exist; then every request is 404. */
  explicit static_files(const std::string& root);

  bool available() const { return !root_real_.empty(); }
  const std::string& root() const { return root_real_; }

  /** 200 (file or gzip), 304, or 404 for GET/HEAD of `r.target`. An HTML
   *  page carries its Content-Security-Policy (see page_csp()). */
  http_response serve(const http_request& r) const;

 private:
  struct gz_entry {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::shared_ptr<const std::string> gz;  ///< null: compression did not help
  };
  struct page_entry {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    inline_code code;
  };
  std::shared_ptr<const std::string> compressed(const std::string& path, std::uint64_t size,
                                                std::int64_t mtime_ns) const;
  /** The inline code of the HTML page at `path`, cached while the file is unchanged. */
  inline_code page_code(const std::string& path, std::uint64_t size, std::int64_t mtime_ns) const;

  std::string root_real_;
  mutable std::mutex mu_;
  mutable std::map<std::string, gz_entry> gz_cache_;
  mutable std::size_t gz_bytes_ = 0;
  mutable std::map<std::string, page_entry> page_cache_;
};

/** The embedded avatar picture named `file` ("user1.png"), if any. */
std::optional<std::string_view> embedded_avatar(std::string_view file);

/** Serves /avatars/<file> from the embedded pictures; nullopt if there is none. */
std::optional<http_response> serve_avatar(const http_request& r, std::string_view file);

}  // namespace chat::server
