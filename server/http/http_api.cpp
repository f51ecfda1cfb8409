// The HTTP router and JSON API (see http_api.hpp).
#include "http/http_api.hpp"

#include "auth/auth.hpp"
#include "config.hpp"
#include "auth/crypto.hpp"
#include "log.hpp"
#include "log_format.hpp"
#include "stats.hpp"
#include "http/static_files.hpp"
#include "http/url.hpp"
#include "worker_pool.hpp"
#include "store/store_worker.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>
#include <chat/protocol.hpp>
#include <chat/validation.hpp>

#include <nlohmann/json.hpp>

#include <charconv>

namespace chat::server {
namespace {

http_response json_ok(unsigned status, std::string body) {
  http_response res;
  res.status = status;
  res.body = std::move(body);
  res.set("Content-Type", "application/json; charset=utf-8");
  res.set("Cache-Control", "no-store");
  return res;
}

http_response method_not_allowed(const char* allow) {
  auto res = json_error(405, http_error::method_not_allowed, "This method is not allowed here.");
  res.set("Allow", allow);
  return res;
}

http_response unauthorized() { return json_error(401, http_error::unauthorized, "Log in first."); }

http_response store_busy() {
  auto res = json_error(503, http_error::busy, "The server is busy; try again.");
  res.set("Retry-After", "1");
  return res;
}

http_response store_unavailable() {
  auto res = json_error(503, http_error::unavailable, "The server cannot reach its database; try again.");
  res.set("Retry-After", "1");
  return res;
}

std::string cookie(bool tls, const std::string& value, std::int64_t max_age) {
  std::string c = "session=" + value + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
  if (tls) c += "; Secure";
  return c;
}

bool is_get(const http_request& r) { return r.method == "GET" || r.method == "HEAD"; }

}  // namespace

std::string request_token(const http_request& r) {
  std::string_view auth = r.authorization;
  if (auth.size() > 7 && ascii_lower(auth.substr(0, 7)) == "bearer ") {
    auth.remove_prefix(7);
    while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
    return std::string(auth);
  }
  std::string_view c = r.cookie;
  while (!c.empty()) {
    const auto semi = c.find(';');
    std::string_view pair = c.substr(0, semi);
    c = semi == std::string_view::npos ? std::string_view() : c.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.rfind("session=", 0) == 0) return std::string(pair.substr(8));
  }
  return {};
}

http_api::http_api(auth& a, static_files& files, worker_pool& pool, store_worker& reader, const config& cfg,
                   const std::atomic<bool>& shutting_down, server_stats& stats)
    : auth_(a),
      files_(files),
      pool_(pool),
      reader_(reader),
      cfg_(cfg),
      shutting_down_(shutting_down),
      stats_(stats),
      metrics_allow_(cfg.metrics_allow),
      hosts_(cfg.host, cfg.allow_hosts, cfg.public_url.empty() ? "" : parse_public_url(cfg.public_url)->host) {
  if (!cfg.public_url.empty()) public_origin_ = parse_public_url(cfg.public_url)->origin;
}

std::optional<http_response> http_api::refuse_host(const http_request& r) const {
  const auto path = r.path();
  if (path == "/healthz" || path == "/metrics" || hosts_.allows(r.host)) return std::nullopt;
  if (!host_name(r.host)) return json_error(400, http_error::bad_request, "The Host header is not a host[:port].");
  log::warn("http", "refused=misdirected_request addr=" + r.address + " " + log::field("host", r.host));
  return json_error(421, http_error::misdirected_request,
                    "This server does not answer to that host name (see --public-url and --allow-host).");
}

template <class Job>
void http_api::on_store(const char* what, Job job, std::function<void(http_response)> done) {
  auto answer = [what, done](store_answer<http_response> res) {
    if (res) return done(std::move(*res.value));
    log::error(what, "error=" + log::clean(res.error));
    done(store_unavailable());
  };
  if (!reader_.submit(std::move(job), std::move(answer))) {
    log::warn("busy", std::string(what) + " the store queue is full");
    done(store_busy());
  }
}

bool http_api::origin_allowed(const http_request& r) const {
  if (!r.has_origin) return true;
  const std::string origin = ascii_lower(r.origin);
  const std::string own = (r.tls ? "https://" : "http://") + ascii_lower(r.host);
  if (!r.host.empty() && origin == own) return true;
  if (!public_origin_.empty() && origin == public_origin_) return true;
  for (const auto& allowed : cfg_.allow_origins) {
    if (origin == ascii_lower(allowed)) return true;
  }
  return false;
}

void http_api::handle(const http_request& r, std::function<void(http_response)> done) {
  const std::string_view path = r.path();
  if (auto refusal = refuse_host(r)) return done(std::move(*refusal));
  try {
    if (path == "/healthz") {
      if (!is_get(r)) return done(method_not_allowed("GET, HEAD"));
      if (shutting_down_.load()) return done(json_error(503, http_error::shutting_down, "The server is shutting down."));
      return done(json_ok(200, R"({"status":"ok"})"));
    }
    if (path == "/metrics") {
      if (!is_get(r)) return done(method_not_allowed("GET, HEAD"));
      return done(metrics(r));
    }
    if (path.rfind("/api/", 0) == 0) {
      const bool post = r.method == "POST";
      if ((path == "/api/login" || path == "/api/logout") && !origin_allowed(r)) {
        return done(json_error(403, http_error::forbidden_origin, "Requests from this origin are not accepted."));
      }
      if (path == "/api/login") return post ? login(r, std::move(done)) : done(method_not_allowed("POST"));
      if (path == "/api/logout") {
        if (!post) return done(method_not_allowed("POST"));
        auto token = request_token(r);
        if (token.empty()) return done(unauthorized());
        auto job = [this, token = std::move(token), address = r.address, tls = r.tls] {
          if (!auth_.logout(token)) return unauthorized();
          log::info("logout", "addr=" + address);
          if (on_session_ended) on_session_ended(crypto::token_digest(token));
          http_response res;
          res.status = 204;
          res.set("Set-Cookie", cookie(tls, "", 0));
          res.set("Cache-Control", "no-store");
          return res;
        };
        return on_store("logout", std::move(job), std::move(done));
      }
      if (path == "/api/me" || path == "/api/employees") {
        if (!is_get(r)) return done(method_not_allowed("GET, HEAD"));
        auto token = request_token(r);
        if (token.empty()) return done(unauthorized());
        auto job = [this, token = std::move(token), me = path == "/api/me"] {
          const auto user = auth_.user_for_token(token);
          if (!user) return unauthorized();
          if (me) return json_ok(200, encode_user(*user));
          return json_ok(200, encode_users(auth_.employees()));
        };
        return on_store("api", std::move(job), std::move(done));
      }
      return done(json_error(404, http_error::not_found, "There is no such API."));
    }
    if (path == chat_socket_path) {
      auto res = json_error(426, http_error::upgrade_required, "This is the chat's WebSocket endpoint.");
      res.set("Upgrade", "websocket");
      return done(res);
    }
    if (!is_get(r)) return done(method_not_allowed("GET, HEAD"));
    if (path.rfind("/avatars/", 0) == 0) {
      if (auto res = serve_avatar(r, path.substr(9))) return done(std::move(*res));
    }
    done(files_.serve(r));
  } catch (const std::exception& e) {
    log::error("http", "path=" + log::clean(path) + " error=" + log::clean(e.what()));
    done(json_error(500, http_error::internal, "Something went wrong on the server."));
  }
}

http_response http_api::metrics(const http_request& r) const {
  if (!metrics_allow_.allows(r.address)) {
    log::warn("metrics", "refused addr=" + log::clean(r.address));
    return json_error(403, http_error::forbidden_address,
                      "Metrics are not served to this address (see --metrics-allow).");
  }
  http_response res;
  res.body = stats_.registry.render();
  res.set("Content-Type", std::string(metrics::content_type));
  res.set("Cache-Control", "no-store");
  return res;
}

void http_api::login(const http_request& r, std::function<void(http_response)> done) {
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("username") || !j.contains("password") ||
      !j["username"].is_string() || !j["password"].is_string()) {
    return done(json_error(400, http_error::bad_request, R"(Send {"username":"…","password":"…"}.)"));
  }
  std::string username = j["username"].get<std::string>();
  std::string password = j["password"].get<std::string>();
  if (username.empty() || username.size() > 256 || password.size() > limits::max_password_bytes) {
    return done(json_error(400, http_error::bad_request, "The username or password is too long or empty."));
  }
  const bool tls = r.tls;
  const std::string address = r.address;
  // Argon2 takes tens of milliseconds and 64 MiB: never on an I/O thread.
  auto job = [this, username = std::move(username), password = std::move(password), address, tls, done]() mutable {
    http_response res;
    try {
      const auto out = auth_.login(username, password, address);
      switch (out.result) {
        case login_outcome::status::ok: {
          // {"user":User,"token":"…"} in the documented order.
          res = json_ok(200, R"({"user":)" + encode_user(out.user) + R"(,"token":)" +
                                 nlohmann::json(out.token).dump() + "}");
          res.set("Set-Cookie", cookie(tls, out.token, limits::session_ttl_s));
          log::info("login", "user=" + log::clean(out.user.username) + " addr=" + address + " result=ok");
          stats_.login_ok.inc();
          break;
        }
        case login_outcome::status::bad_credentials:
          res = json_error(401, http_error::bad_credentials, "Wrong username or password.");
          log::warn("login", "user=" + log::clean(username) + " addr=" + address + " result=bad_credentials");
          stats_.login_bad_credentials.inc();
          break;
        case login_outcome::status::disabled:
          res = json_error(403, http_error::account_disabled, "This account is disabled; ask an administrator.");
          log::warn("login", "user=" + log::clean(username) + " addr=" + address + " result=account_disabled");
          stats_.login_disabled.inc();
          break;
        case login_outcome::status::throttled:
          res = json_error(429, http_error::throttled, "Too many failed logins; try again later.");
          res.set("Retry-After", std::to_string(out.retry_after_s));
          log::warn("login", "user=" + log::clean(username) + " addr=" + address + " result=throttled");
          stats_.login_throttled.inc();
          break;
      }
    } catch (const std::exception& e) {
      log::error("login", "user=" + log::clean(username) + " addr=" + address + " error=" + log::clean(e.what()));
      res = json_error(500, http_error::internal, "Something went wrong on the server.");
      stats_.login_error.inc();
    }
    password.assign(password.size(), '\0');
    done(std::move(res));
  };
  if (!pool_.submit(std::move(job))) {
    stats_.login_busy.inc();
    auto res = json_error(503, http_error::busy, "Too many logins at once; try again.");
    res.set("Retry-After", "1");
    done(std::move(res));
  }
}

void http_api::admit_websocket(const http_request& r, std::function<void(admission)> done) {
  auto refusal = [address = r.address](unsigned status, const char* code, const char* message) {
    admission a;
    a.refusal = json_error(status, code, message);
    log::warn("upgrade", "refused=" + std::string(code) + " addr=" + address);
    return a;
  };
  if (auto misdirected = refuse_host(r)) {
    admission a;
    a.refusal = std::move(*misdirected);
    return done(std::move(a));
  }
  if (shutting_down_.load()) return done(refusal(503, http_error::shutting_down, "The server is shutting down."));
  if (!origin_allowed(r)) {
    return done(refusal(403, http_error::forbidden_origin, "WebSocket connections from this origin are refused."));
  }

  member_info m;
  m.address = r.address;
  m.version = query_param(r.target, "v") == std::optional<std::string>("1") ? protocol_version::v1 : protocol_version::legacy;
  if (const auto since = query_param(r.target, "since")) {
    std::int64_t v = -1;
    const auto res = std::from_chars(since->data(), since->data() + since->size(), v);
    if (res.ec != std::errc() || res.ptr != since->data() + since->size() || v < 0) {
      return done(refusal(400, http_error::bad_request, "since must be a message id (a non-negative integer)."));
    }
    m.since = v;
  }
  auto username = query_param(r.target, "username");
  auto token = request_token(r);
  if (token.empty() && !(cfg_.guest_mode && username && !username->empty())) {
    return done(refusal(401, http_error::unauthorized, "Log in first."));
  }
  // The session (or the guest name) is checked against the store on its worker.
  auto job = [this, m = std::move(m), username = std::move(username), token = std::move(token),
              refusal]() mutable -> admission {
    if (const auto user = token.empty() ? std::nullopt : auth_.user_for_token(token)) {
      if (username && !username->empty() && *username != user->username) {
        return refusal(403, http_error::username_mismatch, "The username does not match your session.");
      }
      m.user = *user;
      m.session = crypto::token_digest(token);
    } else if (cfg_.guest_mode && username && !username->empty()) {
      if (!is_valid_username(*username)) return refusal(400, http_error::bad_request, "That is not a valid username.");
      if (auth_.is_registered(*username)) {
        return refusal(403, http_error::username_taken, "That name belongs to a registered user; log in instead.");
      }
      m.guest_claim = guests_.take(*username);  // released when the connection (or this refusal) is gone
      if (!m.guest_claim) {
        return refusal(403, http_error::username_taken, "Another guest is using that name; choose another.");
      }
      m.guest = true;
      m.user.username = *username;
      m.user.name = *username;
      m.user.firstname = *username;
      m.user.job_title = "Guest";
    } else {
      return refusal(401, http_error::unauthorized, "Log in first.");
    }
    admission a;
    a.member = std::move(m);
    return a;
  };
  auto answer = [done, address = r.address](store_answer<admission> a) {
    if (a) return done(std::move(*a.value));
    log::error("upgrade", "addr=" + address + " error=" + log::clean(a.error));
    admission refused;
    refused.refusal = store_unavailable();
    done(std::move(refused));
  };
  if (!reader_.submit(std::move(job), answer)) {
    log::warn("busy", "upgrade addr=" + r.address + " the store queue is full");
    admission refused;
    refused.refusal = store_busy();
    done(std::move(refused));
  }
}

}  // namespace chat::server
