// libFuzzer target: raw bytes -> Beast's request parser with the server's
// limits (http_read.hpp) -> the server's router (http_api: API, static files,
// avatars, WebSocket admission), as an http_session does, without sockets.
// Up to four pipelined requests per input while they ask for keep-alive; an
// odd-length input arrives "over TLS". Checks on every answer: only the
// statuses the router documents (never 500), header values without CR/LF,
// JSON error bodies, session cookies with their attributes (Secure under
// TLS), pages with their CSP, and never a byte from outside the web root.
#include "fuzz_check.hpp"

#include "auth/auth.hpp"
#include "config.hpp"
#include "auth/crypto.hpp"
#include "http/http_api.hpp"
#include "http/http_read.hpp"
#include "log.hpp"
#include "http/security_headers.hpp"
#include "stats.hpp"
#include "store/seed_data.hpp"
#include "http/static_files.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "worker_pool.hpp"
#include "store/store_worker.hpp"

#include <chat/limits.hpp>
#include <chat/validation.hpp>

#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace chat::server;

constexpr std::string_view secret = "FUZZ-SECRET-OUTSIDE-THE-ROOT";
/** A live session the inputs may present (cookie or Bearer); see http.dict. */
constexpr std::string_view live_token = "fuzzsessiontoken0123456789abcdefghijklmnopq";

void write(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

/** The server's parts behind the router, once per process, in a temporary directory. */
struct world {
  fs::path dir;
  std::string root;
  std::unique_ptr<store> db;
  std::unique_ptr<auth> users;
  std::unique_ptr<static_files> files;
  worker_pool pool{2, chat::limits::max_pending_logins};
  store_worker reader{1024};
  config cfg = default_config();
  config guest_cfg = default_config();
  std::atomic<bool> shutting_down{false};
  server_stats stats;
  std::unique_ptr<http_api> api;
  std::unique_ptr<http_api> guest_api;
  std::string live_digest;
  std::int64_t live_emp_id = 0;

  world() {
    log::set_sink([](const std::string&) {});
    FUZZ_CHECK(crypto::init(), "libsodium");
    std::string templ = (fs::temp_directory_path() / "chatroom-fuzz-http-XXXXXX").string();
    FUZZ_CHECK(::mkdtemp(templ.data()) != nullptr, "mkdtemp");
    dir = templ;
    const fs::path web = dir / "web";
    write(dir / "secret.txt", std::string(secret));
    write(web / "index.html",
          "<!doctype html><style>body{margin:0}</style><form onsubmit=\"return false\"></form>"
          "<script>var Module={};</script><script async src=\"app.js\"></script>\n");
    write(web / "app.js", "console.log('app');\n");
    std::string big;
    for (int i = 0; i < 200; ++i) big += "console.log('line " + std::to_string(i) + "');\n";
    write(web / "big.js", big);
    write(web / "sub/index.html", "<!doctype html><title>sub</title>\n");
    write(web / ".hidden", std::string(secret));
    fs::create_symlink(dir / "secret.txt", web / "leak.txt");
    fs::create_directory_symlink(dir, web / "up");
    fs::create_symlink(web / "app.js", web / "inside-link.js");
    root = fs::canonical(web).string();

    db = open_sqlite_store((dir / "chat.db").string());
    seed_sample_data(*db);
    users = std::make_unique<auth>(*db, *db);
    files = std::make_unique<static_files>(root);
    cfg.web_root = root;
    cfg.allow_origins = {"https://chat.example.com"};
    guest_cfg = cfg;
    guest_cfg.guest_mode = true;
    api = std::make_unique<http_api>(*users, *files, pool, reader, cfg, shutting_down, stats);
    guest_api = std::make_unique<http_api>(*users, *files, pool, reader, guest_cfg, shutting_down, stats);
    live_digest = crypto::token_digest(live_token);
    live_emp_id = db->find_user("user1")->user.id;
    renew_session();
  }

  ~world() {
    pool.stop();
    reader.stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  /** Keeps the live session alive (an input may have logged it out). */
  void renew_session() {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (!db->session_user(live_digest, now)) {
      db->create_session(live_digest, live_emp_id, now, now + chat::limits::session_ttl_s * 1000);
    }
  }
};

world& the_world() {
  static world w;
  return w;
}

bool clean_header_text(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

void check_response(const http_response& res, const http_request& r, bool upgrade) {
  static const std::set<unsigned> allowed = {200, 204, 304, 400, 401, 403, 404, 405, 413, 421, 426, 429, 431, 503};
  FUZZ_CHECK(allowed.count(res.status) == 1, "a status the router does not document (500?)");
  for (const auto& [name, value] : res.headers) {
    FUZZ_CHECK(!name.empty() && clean_header_text(name) && clean_header_text(value), "CR, LF or NUL in a header");
  }
  const auto& w = the_world();
  if (!res.file_path.empty()) {
    FUZZ_CHECK(res.file_path.rfind(w.root + "/", 0) == 0, "a file outside the web root");
    FUZZ_CHECK(fs::canonical(res.file_path).string() == res.file_path, "a file path that is not canonical");
  }
  FUZZ_CHECK(res.body.find(secret) == std::string::npos, "content from outside the web root");
  if (res.status >= 400) {
    const auto j = nlohmann::json::parse(res.body, nullptr, false);
    FUZZ_CHECK(j.is_object() && j.contains("error") && j["error"].is_string(), "an error body that is not JSON");
  }
  if (const auto* cookie = res.get("Set-Cookie")) {
    FUZZ_CHECK(cookie->find("; HttpOnly; SameSite=Strict; Path=/") != std::string::npos, "cookie attributes");
    FUZZ_CHECK((cookie->find("; Secure") != std::string::npos) == r.tls, "Secure exactly under TLS");
  }
  if (const auto* type = res.get("Content-Type"); type && type->rfind("text/html", 0) == 0 && res.status == 200) {
    const auto* csp = res.get("Content-Security-Policy");
    FUZZ_CHECK(csp && csp->find("frame-ancestors 'none'") != std::string::npos, "a page without its CSP");
    FUZZ_CHECK(clean_header_text(*csp) && csp->find(',') == std::string::npos, "a CSP broken by the Host header");
  }
  if (upgrade) FUZZ_CHECK(res.status >= 400, "an upgrade refusal that is not an error");
}

/** Calls `start(done)` and waits for `done`, which must come exactly once,
 *  maybe on a pool or store worker thread. */
template <class Answer, class Start>
Answer wait_answer(Start start) {
  struct waiter {
    std::mutex mu;
    std::condition_variable cv;
    int calls = 0;
    Answer res;
  };
  auto w = std::make_shared<waiter>();
  start([w](Answer res) {
    std::lock_guard lock(w->mu);
    FUZZ_CHECK(++w->calls == 1, "done called twice");
    w->res = std::move(res);
    w->cv.notify_all();
  });
  std::unique_lock lock(w->mu);
  FUZZ_CHECK(w->cv.wait_for(lock, std::chrono::seconds(30), [&] { return w->calls > 0; }), "done never called");
  return w->res;
}

http_response answer(http_api& api, const http_request& r) {
  return wait_answer<http_response>([&](auto done) { api.handle(r, std::move(done)); });
}

void admit(http_api& api, const http_request& r, bool guest_mode) {
  const auto verdict =
      wait_answer<http_api::admission>([&](auto done) { api.admit_websocket(r, std::move(done)); });
  if (!verdict.member) return check_response(verdict.refusal, r, true);
  const auto& m = *verdict.member;
  FUZZ_CHECK(!m.user.username.empty(), "admitted without a name");
  if (m.guest) {
    FUZZ_CHECK(guest_mode, "a guest admitted outside guest mode");
    FUZZ_CHECK(chat::is_valid_username(m.user.username), "a guest with an invalid name");
    FUZZ_CHECK(!the_world().db->find_user(m.user.username), "a guest with a registered name");
  } else {
    FUZZ_CHECK(m.user.username == "user1", "admitted as someone else than the live session's user");
  }
  FUZZ_CHECK(api.origin_allowed(r), "admitted from a foreign Origin");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& w = the_world();
  const bool tls = size % 2 == 1;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int k = 0; k < 4 && !rest.empty(); ++k) {
    request_parser parser;
    limit_request(parser);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    // As http_session's bounded read buffer: the parser sees at most that many
    // unparsed bytes; needing more than that is buffer_overflow.
    // After need_more the parser must be given more bytes than before (as Beast's
    // own read does): offering the same bytes again breaks its preconditions.
    while (!parser.is_done()) {
      const std::size_t available = rest.size() - used;
      const std::size_t window = std::min(available, chat::limits::max_http_read_buffer_bytes);
      const auto n = parser.put(boost::asio::buffer(rest.data() + used, window), ec);
      used += n;
      if (ec == http::error::need_more) {
        ec = {};
        if (window == available) {  // all the client sent is in: then the peer closed
          parser.put_eof(ec);
          break;
        }
        if (n == 0) {
          ec = http::error::buffer_overflow;
          FUZZ_CHECK(read_error_response(ec).has_value(), "a full read buffer must be answered");
        }
      }
      if (ec) break;
      if (n == 0 || used == rest.size()) {
        if (!parser.is_done()) parser.put_eof(ec);
        break;
      }
    }
    rest.remove_prefix(used);
    if (ec) {
      if (auto res = read_error_response(ec)) check_response(*res, http_request{}, false);
      break;
    }
    if (!parser.is_done()) break;
    const auto& req = parser.get();
    const http_request r = to_request(req, "203.0.113.9", tls);
    if (boost::beast::websocket::is_upgrade(req)) {
      if (r.path() == chat_socket_path) {
        admit(*w.api, r, false);
        admit(*w.guest_api, r, true);
      }
      break;  // an upgrade never reads another request
    }
    auto res = answer(*w.api, r);
    add_security_headers(res, r.tls);
    check_response(res, r, false);
    if (!req.keep_alive()) break;
  }
  w.renew_session();
  return 0;
}
