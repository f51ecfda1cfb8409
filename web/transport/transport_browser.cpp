// browser_transport: emscripten/websocket.h for the socket, js/transport.js
// for fetch() and URLs, setTimeout for the wake-up timer.
#include "transport/transport_browser.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>
#include <emscripten/html5.h>
#include <emscripten/websocket.h>

#include <cstdlib>
#include <string>

extern "C" {
// js/transport.js
char* chatroom_ws_url(const char* path);
void chatroom_http(chat::web::browser_transport* self, unsigned id, const char* method, const char* path,
                   const char* body, int keepalive);
int chatroom_utc_offset_minutes(double epoch_ms);

/** fetch() finished (status 0: no answer). Called from js/transport.js. */
EMSCRIPTEN_KEEPALIVE void chatroom_transport_http_done(chat::web::browser_transport* self, unsigned id, int status,
                                                       const char* body, int retry_after) {
  self->deliver_http(id, status, body, retry_after);
}
}

namespace chat::web {
namespace {

EM_BOOL on_open(int, const EmscriptenWebSocketOpenEvent*, void* user) {
  auto* self = static_cast<browser_transport*>(user);
  if (self->listener()) self->listener()->on_socket_open();
  return EM_TRUE;
}

EM_BOOL on_message(int, const EmscriptenWebSocketMessageEvent* e, void* user) {
  auto* self = static_cast<browser_transport*>(user);
  // Text arrives as UTF-8 with a terminating NUL counted in numBytes; binary frames are not ours.
  if (e->isText && e->numBytes > 0 && self->listener()) {
    self->listener()->on_socket_message(std::string_view(reinterpret_cast<const char*>(e->data), e->numBytes - 1));
  }
  return EM_TRUE;
}

void report_close(browser_transport* self, int code, const char* reason);

EM_BOOL on_close(int, const EmscriptenWebSocketCloseEvent* e, void* user) {
  report_close(static_cast<browser_transport*>(user), e->code, e->reason);
  return EM_TRUE;
}

void failed_to_open(void* user) { report_close(static_cast<browser_transport*>(user), 1006, "cannot open"); }

void on_timer(void* user) { static_cast<browser_transport*>(user)->deliver_wake(); }

}  // namespace

int local_utc_offset_minutes(std::int64_t epoch_ms) {
  return chatroom_utc_offset_minutes(static_cast<double>(epoch_ms));
}

browser_transport::~browser_transport() {
  drop_socket();
  if (timer_ != 0) emscripten_clear_timeout(timer_);
}

void browser_transport::drop_socket() {
  if (socket_ <= 0) return;
  emscripten_websocket_delete(socket_);  // detaches every callback
  socket_ = 0;
}

void browser_transport::open_socket(const std::string& path) {
  close_socket(1000, "replaced");
  char* url = chatroom_ws_url(path.c_str());
  EmscriptenWebSocketCreateAttributes attrs;
  emscripten_websocket_init_create_attributes(&attrs);
  attrs.url = url;
  attrs.protocols = nullptr;
  attrs.createOnMainThread = EM_TRUE;
  const EMSCRIPTEN_WEBSOCKET_T s = emscripten_websocket_new(&attrs);
  std::free(url);
  if (s <= 0) {
    emscripten_set_timeout(failed_to_open, 0, this);  // report outside the command being carried out
    return;
  }
  socket_ = s;
  emscripten_websocket_set_onopen_callback(s, this, on_open);
  emscripten_websocket_set_onmessage_callback(s, this, on_message);
  emscripten_websocket_set_onclose_callback(s, this, on_close);
}

void browser_transport::send(const std::string& text) {
  if (socket_ > 0) emscripten_websocket_send_utf8_text(socket_, text.c_str());
}

void browser_transport::close_socket(int code, const std::string& reason) {
  if (socket_ <= 0) return;
  unsigned short state = 0;
  emscripten_websocket_get_ready_state(socket_, &state);
  if (state <= 1) emscripten_websocket_close(socket_, static_cast<unsigned short>(code), reason.c_str());
  drop_socket();
}

void browser_transport::http(const http_request& r) {
  chatroom_http(this, static_cast<unsigned>(r.id), r.method.c_str(), r.path.c_str(), r.body.c_str(),
                r.keepalive ? 1 : 0);
}

void browser_transport::deliver_http(std::uint64_t id, int status, const char* body, int retry_after) {
  if (listener_) listener_->on_http(http_response{id, status, body ? body : "", retry_after});
}

void browser_transport::wake_at(std::int64_t at_ms) {
  if (timer_ != 0) emscripten_clear_timeout(timer_);
  const double delay = static_cast<double>(at_ms - now_ms());
  timer_ = emscripten_set_timeout(on_timer, delay > 0 ? delay : 0, this);
}

void browser_transport::deliver_wake() {
  timer_ = 0;
  if (listener_) listener_->on_wake();
}

std::int64_t browser_transport::now_ms() const { return static_cast<std::int64_t>(emscripten_date_now()); }

namespace {

void report_close(browser_transport* self, int code, const char* reason) {
  // The socket is gone: forget it before the listener (which may open the next one) hears of it.
  self->close_socket(1000, "");
  if (self->listener()) self->listener()->on_socket_close(code, reason ? reason : "");
}

}  // namespace

}  // namespace chat::web
