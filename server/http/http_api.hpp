// The HTTP router of PROTOCOL.md §2 without Beast: the JSON API (login,
// logout, me, employees), /healthz, /metrics (for the addresses
// --metrics-allow names), avatars, static files, and the admission checks of a
// WebSocket upgrade (session, username, Origin, guest mode), after the Host
// check (421 for names the server does not answer to).
#pragma once

#include "auth/guest_names.hpp"
#include "http/address_list.hpp"
#include "http/host_names.hpp"
#include "http/http_types.hpp"
#include "room/room.hpp"

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace chat::server {

class auth;
class static_files;
class store_worker;
class worker_pool;
struct config;
struct server_stats;

/** The path of the chat socket. */
inline constexpr std::string_view chat_socket_path = "/websocket/chatroom";

/** Answers requests. Thread-safe. No store call runs on the caller's thread:
 *  session checks, logouts and lists run on the store worker (`reader`),
 *  logins on the hashing pool. */
class http_api {
 public:
  /** Login outcomes are counted in `stats`, which GET /metrics renders. */
  http_api(auth& a, static_files& files, worker_pool& pool, store_worker& reader, const config& cfg,
           const std::atomic<bool>& shutting_down, server_stats& stats);

  /** Answers a (non-upgrade) request. `done` is called exactly once, maybe on
   *  another thread (the store worker, the hashing pool): it must post the
   *  response to the connection's thread. A full store queue answers 503
   *  `busy`, a failing store 503 `unavailable`. */
  void handle(const http_request& r, std::function<void(http_response)> done);

  /** The verdict on a WebSocket upgrade to chat_socket_path: a member, or the refusal. */
  struct admission {
    std::optional<member_info> member;
    http_response refusal;
  };
  /** Checks an upgrade; `done(verdict)` is called exactly once, maybe on the
   *  store worker's thread (the session lookup runs there): it must post the
   *  verdict to the connection's thread. */
  void admit_websocket(const http_request& r, std::function<void(admission)> done);

  /** 421 `misdirected_request` for a Host the server does not answer to
   *  (http/host_names.hpp), 400 for one that is no host[:port]; nullopt for accepted ones and for /healthz and
   *  /metrics (probes use addresses). handle() and admit_websocket() check it
   *  first; the HTTP session checks it before anything else. */
  std::optional<http_response> refuse_host(const http_request& r) const;

  /** True if the request has no Origin or its Origin is the server's own or allowed. */
  bool origin_allowed(const http_request& r) const;

  /** Called after a logout with the ended session's token digest (the room
   *  closes the sockets opened with it). Set before the server starts. */
  std::function<void(const std::string& session)> on_session_ended;

 private:
  void login(const http_request& r, std::function<void(http_response)> done);
  /** GET /metrics: the metrics as Prometheus text, or 403 for an address not allowed. */
  http_response metrics(const http_request& r) const;
  /** Runs `job` (returning the response) on the store worker. */
  template <class Job>
  void on_store(const char* what, Job job, std::function<void(http_response)> done);

  auth& auth_;
  static_files& files_;
  worker_pool& pool_;
  store_worker& reader_;
  const config& cfg_;
  const std::atomic<bool>& shutting_down_;
  server_stats& stats_;
  const address_list metrics_allow_;
  const host_names hosts_;
  std::string public_origin_;  ///< of --public-url, accepted in Origin
  guest_names guests_;  ///< the names the open guest sockets hold
};

/** The session token of a request: the Bearer token, else the `session` cookie. */
std::string request_token(const http_request& r);

}  // namespace chat::server
