// Small helpers shared by the WebSocket tests: joining as a v1 client and
// reading frames of a given type with a deadline.
#pragma once

#include "test_client.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace chat::test {

using json = nlohmann::json;

/** The next frame as JSON (fails the test if none arrives in time). */
inline json next_frame(ws_client& ws, std::chrono::milliseconds timeout = 10000ms) {
  auto f = ws.read(timeout);
  REQUIRE(f);
  return json::parse(*f);
}

/** The next frame of `type`, skipping others (presence, typically). */
inline json next_of(ws_client& ws, const std::string& type, std::chrono::milliseconds timeout = 10000ms) {
  for (;;) {
    auto j = next_frame(ws, timeout);
    if (j.value("type", "") == type) return j;
  }
}

/** A v1 client after its welcome and history frames. */
struct joined {
  std::unique_ptr<ws_client> ws;
  json welcome;
  json history;
};

inline joined join_v1(std::uint16_t port, const std::string& token, const std::string& query = "") {
  joined j;
  j.ws = std::make_unique<ws_client>(port, "/websocket/chatroom?v=1" + query, token);
  j.welcome = next_frame(*j.ws);
  REQUIRE(j.welcome.at("type") == "welcome");
  j.history = next_frame(*j.ws);
  REQUIRE(j.history.at("type") == "history");
  return j;
}

inline std::string send_frame(const std::string& message, const std::string& client_id = {}) {
  json j{{"type", "send"}, {"message", message}};
  if (!client_id.empty()) j["client_id"] = client_id;
  return j.dump();
}

}  // namespace chat::test
