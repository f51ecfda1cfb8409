// attention through the client: the notice, unread counts in the title and
// the new-messages count while scrolled up.
#include "client_harness.hpp"

using namespace chat;
using namespace chat::web;
using namespace client_test;

TEST_CASE("an error about no message of ours becomes a notice that goes away") {
  harness h;
  h.go_live("eric");
  h.receive(encode(error_event{"bad_request", "malformed frame", ""}));
  CHECK(h.client.notice() == "malformed frame");
  h.client.tick(h.now + 6'000);
  CHECK(h.client.notice().empty());
}

// ------------------------------------------------------------------ unread

TEST_CASE("messages from others while the tab is hidden count as unread in the title") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "seen")});
  h.client.set_visible(false, h.now);
  h.receive(encode(msg(2, "amy", "new")));
  h.receive(encode(msg(3, "eric", "mine, from another tab")));
  h.receive(encode(msg(4, "zoe", "new too")));
  h.receive(encode(msg(4, "zoe", "new too")));  // a duplicate counts once
  CHECK(h.client.unread() == 2);
  CHECK(h.client.title() == "(2) Chat Room");
  CHECK(all<cmd::set_title>(h.take()).back().title == "(2) Chat Room");

  h.client.set_visible(true, h.now);
  CHECK(h.client.unread() == 0);
  CHECK(one<cmd::set_title>(h.take()).title == "Chat Room");
}

TEST_CASE("a page opened in a background tab does not count its history as unread") {
  harness h;
  h.client.set_visible(false, h.now);
  h.go_live("eric", {msg(1, "amy", "old"), msg(2, "amy", "old")});
  CHECK(h.client.unread() == 0);
  h.receive(encode(msg(3, "amy", "new")));
  CHECK(h.client.unread() == 1);
}

TEST_CASE("messages arriving while scrolled up are counted for the new-messages button") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "a")});
  h.client.set_at_bottom(false);
  h.receive(encode(msg(2, "amy", "b")));
  h.receive(encode(msg(3, "zoe", "c")));
  CHECK(h.client.new_below() == 2);
  // Older pages are not new.
  h.receive(encode(history_event{{msg(0, "amy", "x")}, false, 1}));
  CHECK(h.client.new_below() == 2);
  h.client.set_at_bottom(true);
  CHECK(h.client.new_below() == 0);
}

// ------------------------------------------------------------------ the part on its own

TEST_CASE("attention: unread counts only while hidden and only past what was held") {
  auto ctx = fixed_context();
  attention a(ctx);
  CHECK(a.set_visible(false, 10));
  CHECK_FALSE(a.set_visible(false, 10));  // no change
  a.count(10);
  a.count(11);
  a.count(12);
  CHECK(a.unread() == 2);
  CHECK(a.title(true) == "(2) Chat Room");
  CHECK(a.title(false) == "Chat Room");  // only the chat room shows a count
  CHECK(a.set_visible(true, 12));
  CHECK(a.unread() == 0);
}

TEST_CASE("attention: the title is told once per change, the notice goes after its time") {
  auto ctx = fixed_context();
  attention a(ctx);
  CHECK(a.title_change(true) == std::optional<std::string>("Chat Room"));
  CHECK_FALSE(a.title_change(true).has_value());
  a.set_notice("careful", t0);
  CHECK(a.next_wake() == t0 + 6'000);
  a.expire_notice(t0 + 5'999);
  CHECK(a.notice() == "careful");
  a.expire_notice(t0 + 6'000);
  CHECK(a.notice().empty());
  CHECK_FALSE(a.next_wake().has_value());
}

TEST_CASE("attention: scrolled up, new messages count for the button until the bottom is back") {
  auto ctx = fixed_context();
  attention a(ctx);
  a.set_at_bottom(false, 5);
  a.count(5);
  a.count(6);
  CHECK(a.new_below() == 1);
  a.reset();
  CHECK(a.new_below() == 0);
  CHECK(a.at_bottom());
}
