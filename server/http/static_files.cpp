// Static files and avatars (see static_files.hpp).
#include "http/static_files.hpp"

#include "http/url.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <vector>

namespace chat::server {
namespace {

std::string_view extension(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return path.substr(dot + 1);
}

bool compressible(std::string_view mime) {
  return mime.rfind("text/", 0) == 0 || mime.find("javascript") != std::string_view::npos ||
         mime.find("json") != std::string_view::npos || mime == "application/wasm" ||
         mime == "image/svg+xml" || mime == "application/xml" || mime == "font/ttf" || mime == "font/otf" ||
         mime == "image/x-icon" || mime == "application/octet-stream";
}

/** Apps change as a whole: the page, its script and module are revalidated on
 *  every load (cheap with ETags); other assets may be cached for an hour. */
std::string cache_control(std::string_view mime) {
  if (mime.rfind("text/html", 0) == 0 || mime.find("javascript") != std::string_view::npos ||
      mime == "application/wasm" || mime == "application/octet-stream") {
    return "no-cache";
  }
  return "public, max-age=3600";
}

/** The service worker's own policy (a worker runs under its script's): it may
 *  fetch the app's files from the origin and nothing else. */
constexpr std::string_view worker_csp =
    "default-src 'none'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

std::string hex(std::uint64_t v) {
  std::ostringstream o;
  o << std::hex << v;
  return o.str();
}

std::uint64_t fnv1a(std::string_view data) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return true;
}

}  // namespace

std::optional<std::string> normalize_target(std::string_view target) {
  const std::string_view path = target_path(target);
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string out;
  for (std::size_t start = 1; start <= path.size();) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto seg = percent_decode(path.substr(start, end - start), false);
    start = end + 1;
    if (!seg) return std::nullopt;
    for (const char c : *seg) {
      // Separators (encoded ones would slip past the segment checks below), NUL, control bytes.
      if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    }
    if (seg->empty() || *seg == ".") continue;
    if (seg->front() == '.') return std::nullopt;  // "..", and hidden files such as .git
    if (!out.empty()) out.push_back('/');
    out += *seg;
  }
  return out;
}

std::optional<std::string> resolve_under_root(const std::string& root_real, const std::string& relative) {
  if (root_real.empty()) return std::nullopt;
  auto inside = [&](const std::string& p) { return p == root_real || p.rfind(root_real + "/", 0) == 0; };
  auto real = [](const std::string& p) -> std::optional<std::string> {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf)) return std::nullopt;
    return std::string(buf);
  };
  auto path = real(relative.empty() ? root_real : root_real + "/" + relative);
  if (!path || !inside(*path)) return std::nullopt;
  struct stat st {};
  if (::stat(path->c_str(), &st) != 0) return std::nullopt;
  if (S_ISDIR(st.st_mode)) {
    path = real(*path + "/index.html");
    if (!path || !inside(*path) || ::stat(path->c_str(), &st) != 0) return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return path;
}

std::string_view mime_type(std::string_view path) {
  static const std::map<std::string, std::string_view, std::less<>> table = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"wasm", "application/wasm"},
      {"data", "application/octet-stream"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"svg", "image/svg+xml"},
      {"ico", "image/x-icon"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"webmanifest", "application/manifest+json"},
  };
  const auto it = table.find(ascii_lower(extension(path)));
  return it == table.end() ? std::string_view("application/octet-stream") : it->second;
}

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<std::time_t> parse_http_date(std::string_view s) {
  std::tm tm{};
  const std::string str(s);
  const char* end = strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

std::optional<std::string> gzip_compress(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(data.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const auto produced = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

bool is_not_modified(const http_request& r, std::string_view etag, std::time_t mtime) {
  if (!r.if_none_match.empty()) {
    // A list of entity tags, weak or strong; "*" matches any.
    std::string_view list = r.if_none_match;
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string_view tag = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
      while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
      if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
      if (tag == "*" || tag == etag) return true;
    }
    return false;  // If-None-Match present: If-Modified-Since is ignored (RFC 7232 §6)
  }
  if (mtime >= 0 && !r.if_modified_since.empty()) {
    const auto since = parse_http_date(r.if_modified_since);
    return since && mtime <= *since;
  }
  return false;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::string_view list = accept_encoding;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const auto semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (ascii_lower(coding) != "gzip" && coding != "*") continue;
    if (semi != std::string_view::npos) {
      const auto q = item.find("q=", semi);
      if (q != std::string_view::npos && std::strtod(std::string(item.substr(q + 2)).c_str(), nullptr) <= 0) continue;
    }
    return true;
  }
  return false;
}

static_files::static_files(const std::string& root) {
  char buf[PATH_MAX];
  struct stat st {};
  if (!root.empty() && ::realpath(root.c_str(), buf) && ::stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
    root_real_ = buf;
  }
}

http_response static_files::serve(const http_request& r) const {
  const auto rel = normalize_target(r.target);
  const auto path = rel ? resolve_under_root(root_real_, *rel) : std::nullopt;
  struct stat st {};
  if (!path || ::stat(path->c_str(), &st) != 0) return json_error(404, http_error::not_found, "There is no such file.");

  const std::string_view mime = mime_type(*path);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::int64_t mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  const std::string base_tag = hex(size) + "-" + hex(static_cast<std::uint64_t>(mtime_ns));
  const bool may_gzip = compressible(mime) && size >= limits::gzip_min_bytes;
  std::shared_ptr<const std::string> gz;
  if (may_gzip && accepts_gzip(r.accept_encoding)) gz = compressed(*path, size, mtime_ns);
  const std::string etag = "\"" + base_tag + (gz ? "-gz" : "") + "\"";

  http_response res;
  res.set("Content-Type", std::string(mime));
  res.set("ETag", etag);
  res.set("Last-Modified", http_date(st.st_mtim.tv_sec));
  res.set("Cache-Control", cache_control(mime));
  if (may_gzip) res.set("Vary", "Accept-Encoding");
  if (mime.rfind("text/html", 0) == 0) {
    res.set("Content-Security-Policy", page_csp(page_code(*path, size, mtime_ns), r.host));
  } else if (*rel == "sw.js") {
    res.set("Content-Security-Policy", std::string(worker_csp));
  }
  if (is_not_modified(r, etag, st.st_mtim.tv_sec)) {
    res.status = 304;
    res.headers.erase(res.headers.begin());  // no Content-Type on a 304
    return res;
  }
  if (gz) {
    res.set("Content-Encoding", "gzip");
    res.body = *gz;
  } else {
    res.file_path = *path;
    res.file_size = size;
  }
  return res;
}

std::shared_ptr<const std::string> static_files::compressed(const std::string& path, std::uint64_t size,
                                                            std::int64_t mtime_ns) const {
  {
    std::lock_guard lock(mu_);
    const auto it = gz_cache_.find(path);
    if (it != gz_cache_.end() && it->second.size == size && it->second.mtime_ns == mtime_ns) return it->second.gz;
  }
  std::string raw;
  if (!read_file(path, raw) || raw.size() != size) return nullptr;
  auto gz = gzip_compress(raw);
  std::shared_ptr<const std::string> result;
  if (gz && gz->size() < raw.size()) result = std::make_shared<const std::string>(std::move(*gz));
  std::lock_guard lock(mu_);
  auto& entry = gz_cache_[path];
  if (entry.gz) gz_bytes_ -= entry.gz->size();
  const std::size_t add = result ? result->size() : 0;
  if (gz_bytes_ + add > limits::static_cache_bytes) {
    gz_cache_.clear();  // rare: a web root bigger than the cache; start over
    gz_bytes_ = 0;
  }
  gz_cache_[path] = gz_entry{size, mtime_ns, result};
  gz_bytes_ += add;
  return result;
}

inline_code static_files::page_code(const std::string& path, std::uint64_t size, std::int64_t mtime_ns) const {
  {
    std::lock_guard lock(mu_);
    const auto it = page_cache_.find(path);
    if (it != page_cache_.end() && it->second.size == size && it->second.mtime_ns == mtime_ns) return it->second.code;
  }
  // A page is small; a huge one gets no inline code allowed at all.
  std::string html;
  inline_code code;
  if (size <= 1024 * 1024 && read_file(path, html) && html.size() == size) code = find_inline_code(html);
  std::lock_guard lock(mu_);
  page_cache_[path] = page_entry{size, mtime_ns, code};
  return code;
}

std::optional<http_response> serve_avatar(const http_request& r, std::string_view file) {
  const auto data = embedded_avatar(file);
  if (!data) return std::nullopt;
  const std::string etag = "\"av-" + hex(fnv1a(*data)) + "\"";
  http_response res;
  res.set("ETag", etag);
  res.set("Cache-Control", "public, max-age=86400");
  if (is_not_modified(r, etag, -1)) {
    res.status = 304;
    return res;
  }
  res.set("Content-Type", "image/png");
  res.body.assign(data->data(), data->size());
  return res;
}

http_response json_error(unsigned status, std::string_view code, std::string_view message) {
  http_response res;
  res.status = status;
  nlohmann::json j{{"error", code}, {"message", message}};
  res.body = j.dump();
  res.set("Content-Type", "application/json; charset=utf-8");
  res.set("Cache-Control", "no-store");
  return res;
}

}  // namespace chat::server
