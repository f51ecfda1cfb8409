// What the client's tests share: a chat_client with a controllable clock and
// dice (harness), the browser's localStorage as a map (memory_store), and
// helpers that pick commands out of what the client produced. The tests drive
// the facade, as the app and the headless client do.
#pragma once

#include "client/chat_client.hpp"

#include <chat/protocol.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace client_test {

using namespace chat;
using namespace chat::web;


constexpr std::int64_t t0 = 1795860000000;  // 2026-11-28 10:00:00 UTC

inline user_profile person(const std::string& username) {
  user_profile u;
  u.id = static_cast<std::int64_t>(username.size());
  u.username = username;
  u.firstname = "First";
  u.lastname = username;
  u.name = "First " + username;
  u.picurl = "/avatars/" + username + ".png";
  return u;
}

inline chat_message msg(std::int64_t id, const std::string& user, const std::string& text, std::string cid = {}) {
  return chat_message{id, user, text, t0 + id * 1000, std::move(cid)};
}

template <class T>
std::vector<T> all(const std::vector<command>& cs) {
  std::vector<T> out;
  for (const auto& c : cs) {
    if (const T* x = std::get_if<T>(&c)) out.push_back(*x);
  }
  return out;
}

template <class T>
T one(const std::vector<command>& cs) {
  auto v = all<T>(cs);
  REQUIRE(v.size() == 1);
  return v.front();
}

/** The browser's localStorage as a map: one per browser, shared by its pages (and reloads). */
struct memory_store final : local_store {
  std::map<std::string, std::string> data;
  std::optional<std::string> get(const std::string& key) const override {
    const auto it = data.find(key);
    return it == data.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void set(const std::string& key, const std::string& value) override { data[key] = value; }
  void remove(const std::string& key) override { data.erase(key); }
  bool has(const std::string& key) const { return data.count(key) > 0; }
};

/** A client with a controllable clock and dice, and the commands it produced. */
struct harness {
  harness() = default;
  /** A page of a browser whose storage is `store` (a second harness on it is a reload). */
  explicit harness(memory_store& store, std::uint64_t seed = 0) : dice(seed) { client.set_store(&store); }

  std::uint64_t dice = 0;  // random01() == 0: every delay is the lower bound
  std::int64_t now = t0;
  chat_client client{[this] { return dice; }, [](std::int64_t) { return 0; }};
  std::vector<command> last;

  std::vector<command>& take() {
    last = client.take_commands();
    return last;
  }
  void receive(const std::string& text) { client.on_socket_message(text, now); }
  void http(const http_request& r, int status, std::string body = {}, int retry_after = -1) {
    client.on_http(http_response{r.id, status, std::move(body), retry_after}, now);
  }
  std::vector<std::string> sent() {
    std::vector<std::string> out;
    for (const auto& s : all<cmd::send>(take())) out.push_back(s.text);
    return out;
  }

  /** Page load with a good session cookie, then welcome and the on-connect history. */
  void go_live(const std::string& me = "eric", const std::vector<chat_message>& history = {}, bool limited = false) {
    client.start(now);
    const auto me_req = one<cmd::http>(take()).request;
    REQUIRE(me_req.path == "/api/me");
    http(me_req, 200, encode_user(person(me)));
    take();
    client.on_socket_open(now);
    welcome(me, history.empty() ? 0 : history.back().id);
    receive(encode(history_event{history, limited, std::nullopt}));
    take();
  }
  void welcome(const std::string& me, std::int64_t last_id) {
    receive(encode(welcome_event{person(me), {"amy", me}, last_id}));
  }
};


/** A page of `store`'s browser, live as eric. */
inline void live_in(harness& h, const std::vector<chat_message>& history = {}) { h.go_live("eric", history); }

/** The server knows the session ended: the login page, no note, nothing left for the next load. */
inline void logged_out_and_told(harness& h, const memory_store& store) {
  CHECK(h.client.page() == page_kind::login);
  CHECK(h.client.login_error().empty());
  CHECK_FALSE(store.has(chat_client::logout_key));
}

inline http_request logout_request(harness& h) {
  h.client.logout(h.now);
  const auto r = one<cmd::http>(h.take()).request;
  REQUIRE(r.path == "/api/logout");
  return r;
}


inline std::vector<std::string> outbox_texts(const chat_client& c) {
  std::vector<std::string> out;
  for (const auto& e : c.log().outbox()) out.push_back(e.text);
  return out;
}

inline std::string sent_client_id(const std::string& request) {
  const auto f = decode_client(request);
  REQUIRE(f.ok());
  return std::get<send_request>(f.value()).client_id;
}

/** Page load with a good cookie up to the open socket (no welcome yet). */
inline void load_until_open(harness& h, const std::string& me = "eric") {
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person(me)));
  h.take();
  h.client.on_socket_open(h.now);
}

}  // namespace client_test

namespace client_test {

/** A part's context with fixed dice: 0 makes every jittered delay its lower bound. */
inline client_context fixed_context(std::uint64_t dice = 0) {
  return client_context([dice] { return dice; }, client_options{});
}

}  // namespace client_test
