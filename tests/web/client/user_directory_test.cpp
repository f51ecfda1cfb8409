// user_directory through the client: names and pictures by username, and the
// list fetched again (not too often) for someone it does not know.
#include "client_harness.hpp"

using namespace chat;
using namespace chat::web;
using namespace client_test;

TEST_CASE("employees give names and pictures by username") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person("eric")));
  const auto employees = one<cmd::http>(h.take()).request;
  CHECK(h.client.display_name("amy") == "amy");
  CHECK(h.client.picture_url("amy").empty());
  h.http(employees, 200, encode_users({person("amy"), person("eric")}));
  CHECK(h.client.employees_loaded());
  CHECK(h.client.display_name("amy") == "First amy");
  CHECK(h.client.picture_url("amy") == "/avatars/amy.png");
  CHECK(h.client.display_name("ghost") == "ghost");
}

TEST_CASE("someone the employee list does not know makes the client fetch it again, not too often") {
  harness h;
  h.client.start(h.now);
  h.http(one<cmd::http>(h.take()).request, 200, encode_user(person("eric")));
  const auto employees = one<cmd::http>(h.take()).request;
  h.http(employees, 200, encode_users({person("eric"), person("amy")}));
  h.client.on_socket_open(h.now);
  h.welcome("eric", 0);
  h.receive(encode(history_event{{}, false, std::nullopt}));
  h.take();

  h.receive(encode(msg(1, "amy", "known")));
  CHECK(all<cmd::http>(h.take()).empty());
  h.receive(encode(presence_event{presence_change::join, "newbie", {"amy", "eric", "newbie"}}));
  const auto again = one<cmd::http>(h.take()).request;
  CHECK(again.path == "/api/employees");
  h.receive(encode(msg(2, "other-new", "hi")));
  CHECK(all<cmd::http>(h.take()).empty());  // at most once a minute
  h.http(again, 200, encode_users({person("eric"), person("amy"), person("newbie")}));
  CHECK(h.client.display_name("newbie") == "First newbie");
}

// ------------------------------------------------------------------ the part on its own

TEST_CASE("user_directory: a failed list is asked for again at the next welcome, a good one replaces it") {
  auto ctx = fixed_context();
  user_directory d(ctx);
  d.request();
  const auto first = one<cmd::http>(ctx.take_commands()).request;
  d.request_if_missing();
  CHECK(ctx.take_commands().empty());  // on its way
  d.on_response(http_response{first.id, 500, "", -1});
  CHECK_FALSE(d.loaded());
  d.request_if_missing();
  const auto again = one<cmd::http>(ctx.take_commands()).request;
  CHECK(again.path == "/api/employees");
  d.on_response(http_response{again.id, 200, encode_users({person("amy")}), -1});
  CHECK(d.loaded());
  REQUIRE(d.find("amy") != nullptr);
  CHECK(d.find("amy")->name == "First amy");
  CHECK(d.find("zoe") == nullptr);
  d.clear();
  CHECK(d.find("amy") == nullptr);
  CHECK_FALSE(d.loaded());
}

TEST_CASE("user_directory: an unknown name refreshes the list at most once a minute, and only once it is loaded") {
  auto ctx = fixed_context();
  user_directory d(ctx);
  d.refresh_for(false, t0);
  CHECK(ctx.take_commands().empty());  // nothing loaded yet: the first answer is still to come
  d.on_response(http_response{0, 200, encode_users({person("amy")}), -1});
  d.refresh_for(true, t0);
  CHECK(ctx.take_commands().empty());  // known
  d.refresh_for(false, t0);
  CHECK(one<cmd::http>(ctx.take_commands()).request.path == "/api/employees");
  d.refresh_for(false, t0 + 59'999);
  CHECK(ctx.take_commands().empty());
  d.refresh_for(false, t0 + 60'000);
  CHECK(all<cmd::http>(ctx.take_commands()).size() == 1);
}
