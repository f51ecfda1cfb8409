// The web client without its drawing, for Node: the real chat_client and
// client_driver over the real browser_transport (emscripten/websocket.h and
// js/transport.js), behind a small C API that tests/e2e/node drives.
// One client per module instance; the Node harness supplies the WebSocket
// class (npm `ws`) and fetch with a cookie jar, as a browser would.
#include "client/chat_client.hpp"
#include "client/client_driver.hpp"
#include "transport/transport_browser.hpp"

#include <emscripten/emscripten.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace {

using namespace chat::web;

/** One headless client: the same parts the app's main.cpp wires, minus ImGui. */
struct headless_state {
  explicit headless_state(browser_transport& t) : transport(t) {}
  browser_transport& transport;
  chat_client client{entropy_source(), local_utc_offset_minutes};
  client_driver driver{client, transport};
};

std::unique_ptr<headless_state> g_client;

const char* connection_text(const chat_client& c) {
  switch (c.connection()) {
    case connection_state::offline: return "offline";
    case connection_state::connecting: return c.reconnecting() ? "reconnecting" : "connecting";
    case connection_state::live: return "live";
    case connection_state::waiting: return "reconnecting";
  }
  return "";
}

const char* page_text(page_kind p) {
  switch (p) {
    case page_kind::chat: return "chat";
    case page_kind::login: return "login";
    case page_kind::logging_out: return "logging_out";
    case page_kind::starting: break;
  }
  return "starting";
}

/** A message as the seed's frame names it, plus what the client knows about its delivery. */
nlohmann::json message_json(const log_entry& e) {
  const char* delivery = e.delivery == delivery_state::sent ? "sent" : e.delivery == delivery_state::pending ? "pending" : "failed";
  return {{"id", e.id},
          {"username", e.username},
          {"message", e.text},
          {"time", e.time},
          {"client_id", e.client_id},
          {"delivery", delivery},
          {"error", e.error}};
}

template <class F>
void with_client(F&& event) {
  if (g_client) g_client->driver.apply(std::forward<F>(event));
}

void close_client() {
  if (!g_client) return;
  browser_transport& transport = g_client->transport;
  g_client.reset();  // the driver detaches itself from the transport
  transport.close_socket(1001, "going away");
  transport.wake_at(0);  // the pending timer fires at once, into nothing
  // The transport itself stays: fetch() answers still on their way reach no one
  // (a page's transport lives as long as the page, so it never has to face them).
}

}  // namespace

extern "C" {

/** Page load: creates the client and asks GET /api/me (the cookie decides the page). */
EMSCRIPTEN_KEEPALIVE void headless_start() {
  close_client();
  g_client = std::make_unique<headless_state>(*new browser_transport());
  g_client->driver.on_change = [] { EM_ASM({ if (Module['onchange']) Module['onchange'](); }); };
  with_client([](chat_client& c, std::int64_t now) { c.start(now); });
}

/** The login form's submit: on success the client opens its WebSocket by itself. */
EMSCRIPTEN_KEEPALIVE void headless_login(const char* username, const char* password) {
  with_client([&](chat_client& c, std::int64_t now) { c.submit_login(username, password, now); });
}

/** The composer's send; returns the send_verdict (0 = accepted: sent, or queued while offline). */
EMSCRIPTEN_KEEPALIVE int headless_send(const char* text) {
  int verdict = -1;
  with_client([&](chat_client& c, std::int64_t now) { verdict = static_cast<int>(c.send_message(text, now)); });
  return verdict;
}

EMSCRIPTEN_KEEPALIVE void headless_logout() {
  with_client([](chat_client& c, std::int64_t now) { c.logout(now); });
}

/** The tab goes away without logging out: its socket closes (1001) and its timers stop. */
EMSCRIPTEN_KEEPALIVE void headless_close() { close_client(); }

/** What a person would see, as JSON text (valid until the next call). */
EMSCRIPTEN_KEEPALIVE const char* headless_state() {
  static std::string out;
  if (!g_client) return "null";
  const chat_client& c = g_client->client;
  const std::int64_t now = g_client->transport.now_ms();
  nlohmann::json messages = nlohmann::json::array();
  for (const log_entry& e : c.log().confirmed()) messages.push_back(message_json(e));
  for (const log_entry& e : c.log().outbox()) messages.push_back(message_json(e));
  nlohmann::json j = {
      {"page", page_text(c.page())},
      {"login_error", c.login_error()},
      {"me", c.page() == page_kind::chat ? nlohmann::json(c.me().username) : nlohmann::json(nullptr)},
      {"connection", connection_text(c)},
      {"label", c.connection_label(now)},
      {"online", c.online()},
      {"socket_path", c.socket_path()},
      {"notice", c.notice()},
      {"messages", std::move(messages)},
  };
  out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return out.c_str();
}

}  // extern "C"
