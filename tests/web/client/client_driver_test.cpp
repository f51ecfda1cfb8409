// client_driver: transport events reach the client with the transport's clock,
// and the client's commands reach the transport.
#include "client/client_driver.hpp"

#include <chat/protocol.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace chat;
using namespace chat::web;

namespace {

/** Records what the session asked for; the test plays the browser. */
class fake_transport final : public transport {
 public:
  transport_listener* listener = nullptr;
  std::int64_t now = 1795860000000;
  std::vector<std::string> log;
  std::vector<http_request> requests;

  void set_listener(transport_listener* l) override { listener = l; }
  void open_socket(const std::string& path) override { log.push_back("open " + path); }
  void send(const std::string& text) override { log.push_back("send " + text); }
  void close_socket(int code, const std::string& reason) override {
    log.push_back("close " + std::to_string(code) + " " + reason);
  }
  void http(const http_request& r) override {
    log.push_back(r.method + " " + r.path);
    requests.push_back(r);
  }
  void wake_at(std::int64_t at) override { log.push_back("wake +" + std::to_string(at - now)); }
  std::int64_t now_ms() const override { return now; }
};

user_profile eric() {
  user_profile u;
  u.id = 1;
  u.username = "eric";
  u.name = "Eric";
  return u;
}

}  // namespace

TEST_CASE("a session carries commands out and feeds events back") {
  fake_transport t;
  chat_client client([] { return 0ull; }, [](std::int64_t) { return 0; });
  client_driver session(client, t);
  REQUIRE(t.listener == &session);
  std::vector<std::string> titles;
  int changes = 0;
  session.on_title = [&](const std::string& s) { titles.push_back(s); };
  session.on_change = [&] { ++changes; };

  session.apply([](chat_client& c, std::int64_t now) { c.start(now); });
  CHECK(t.log == std::vector<std::string>{"GET /api/me"});
  CHECK(titles == std::vector<std::string>{"Chat Room"});

  t.log.clear();
  session.on_http(http_response{t.requests[0].id, 200, encode_user(eric()), -1});
  CHECK(t.log == std::vector<std::string>{"GET /api/employees", "open /websocket/chatroom?v=1", "wake +10000"});

  t.log.clear();
  session.on_socket_open();
  session.on_socket_message(encode(welcome_event{eric(), {"eric"}, 0}));
  session.on_socket_message(encode(history_event{}));
  CHECK(client.connection() == connection_state::live);
  session.apply([](chat_client& c, std::int64_t now) { c.send_message("hi", now); });
  REQUIRE(t.log.size() >= 1);
  CHECK(t.log[0].rfind("send {\"type\":\"send\",\"message\":\"hi\",\"client_id\":\"c-", 0) == 0);

  t.log.clear();
  session.on_socket_close(1006, "");
  CHECK(client.connection() == connection_state::waiting);
  t.now += 500;
  session.on_wake();
  CHECK(t.log.back().rfind("wake", 0) == 0);
  CHECK(std::find(t.log.begin(), t.log.end(), "open /websocket/chatroom?v=1") != t.log.end());
  CHECK(changes > 0);
}

TEST_CASE("a session detaches from its transport when it ends") {
  fake_transport t;
  chat_client client([] { return 0ull; }, [](std::int64_t) { return 0; });
  {
    client_driver session(client, t);
    CHECK(t.listener != nullptr);
  }
  CHECK(t.listener == nullptr);
}
