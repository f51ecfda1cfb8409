// outbox through the client: pending → sent → failed → retried or discarded,
// resent after each welcome, and saved per user across page loads.
#include "client_harness.hpp"

using namespace chat;
using namespace chat::web;
using namespace client_test;

// ------------------------------------------------------------------ outbox

TEST_CASE("a message goes pending, then sent when its echo arrives") {
  harness h;
  h.go_live("eric");
  CHECK(h.client.send_message("  hello  ", h.now) == send_verdict::sent);
  const auto requests = h.sent();
  REQUIRE(requests.size() == 1);
  const auto decoded = decode_client(requests[0]);
  REQUIRE(decoded.ok());
  const auto send = std::get<send_request>(decoded.value());
  CHECK(send.message == "hello");
  CHECK(is_valid_client_id(send.client_id));
  REQUIRE(h.client.log().outbox().size() == 1);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::pending);

  h.receive(encode(chat_message{7, "eric", "hello", t0, send.client_id}));
  CHECK(h.client.log().outbox().empty());
  REQUIRE(h.client.log().confirmed().size() == 1);
  CHECK(h.client.log().confirmed()[0].delivery == delivery_state::sent);
}

TEST_CASE("every message gets its own client_id") {
  harness h;
  h.go_live("eric");
  h.client.send_message("one", h.now);
  h.client.send_message("two", h.now);
  const auto& out = h.client.log().outbox();
  REQUIRE(out.size() == 2);
  CHECK(out[0].client_id != out[1].client_id);
}

TEST_CASE("the composer's verdicts: blank and too long are not sent") {
  harness h;
  h.go_live("eric");
  CHECK(h.client.send_message(" \n\t ", h.now) == send_verdict::empty);
  CHECK(h.client.send_message(std::string(4001, 'x'), h.now) == send_verdict::too_long);
  CHECK(h.sent().empty());
  CHECK(h.client.send_message(std::string(4000, 'x'), h.now) == send_verdict::sent);
  CHECK(h.sent().size() == 1);
}

TEST_CASE("messages typed offline are queued and sent on reconnect with their client_id") {
  harness h;
  h.go_live("eric", {msg(1, "amy", "hi")});
  h.client.on_socket_close(1006, "", h.now);
  h.take();
  CHECK(h.client.send_message("first", h.now) == send_verdict::sent);
  CHECK(h.client.send_message("second", h.now) == send_verdict::sent);
  CHECK(h.sent().empty());
  const auto cid1 = h.client.log().outbox()[0].client_id;
  const auto cid2 = h.client.log().outbox()[1].client_id;
  CHECK(h.client.log().outbox()[0].sent_at == -1);

  h.now += 1000;
  h.client.tick(h.now);
  h.take();
  h.client.on_socket_open(h.now);
  h.welcome("eric", 1);
  const auto requests = h.sent();
  REQUIRE(requests.size() == 2);
  CHECK(std::get<send_request>(decode_client(requests[0]).value()).client_id == cid1);
  CHECK(std::get<send_request>(decode_client(requests[1]).value()).client_id == cid2);

  h.receive(encode(history_event{{}, false, std::nullopt}));
  h.receive(encode(chat_message{2, "eric", "first", t0, cid1}));
  h.receive(encode(chat_message{3, "eric", "second", t0, cid2}));
  CHECK(h.client.log().outbox().empty());
  CHECK(h.client.log().confirmed().size() == 3);
}

TEST_CASE("a message sent just before a drop is resent, and the server's answer confirms it once") {
  harness h;
  h.go_live("eric");
  h.client.send_message("maybe stored", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.take();
  h.client.on_socket_close(1006, "", h.now);
  h.now += 1000;
  h.client.tick(h.now);
  h.client.on_socket_open(h.now);
  h.welcome("eric", 9);
  CHECK(h.sent().size() == 1);
  // The server had stored it: the replay holds it, and the resend is answered with the original.
  h.receive(encode(history_event{{chat_message{9, "eric", "maybe stored", t0, cid}}, false, std::nullopt}));
  h.receive(encode(chat_message{9, "eric", "maybe stored", t0, cid}));
  CHECK(h.client.log().outbox().empty());
  CHECK(h.client.log().confirmed().size() == 1);
}

TEST_CASE("a refused message is marked failed with its reason, and can be retried") {
  harness h;
  h.go_live("eric");
  h.client.send_message("spam", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.take();
  h.receive(encode(error_event{"rate_limited", "slow down", cid}));
  REQUIRE(h.client.log().outbox().size() == 1);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::failed);
  CHECK(h.client.log().outbox()[0].error == "Too many messages at once. Wait a moment, then retry.");

  h.client.retry(cid, h.now);
  const auto requests = h.sent();
  REQUIRE(requests.size() == 1);
  CHECK(std::get<send_request>(decode_client(requests[0]).value()).client_id == cid);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::pending);
  h.receive(encode(chat_message{3, "eric", "spam", t0, cid}));
  CHECK(h.client.log().outbox().empty());
}

TEST_CASE("a failed message can be discarded") {
  harness h;
  h.go_live("eric");
  h.client.send_message("oops", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.receive(encode(error_event{"too_long", "too long", cid}));
  CHECK(h.client.log().outbox()[0].error == "Too long: a message can have at most 4000 characters.");
  h.client.discard(cid);
  CHECK(h.client.log().outbox().empty());
}

TEST_CASE("a message past the sender's storage quota fails with the reason") {
  harness h;
  h.go_live("eric");
  h.client.send_message("one more", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.receive(encode(error_event{"quota_exceeded", "quota", cid}));
  CHECK(h.client.log().outbox()[0].error == "Your stored messages have reached their quota; this one was not sent.");
}

TEST_CASE("a message the server never confirms fails after a while") {
  harness h;
  h.go_live("eric");
  h.client.send_message("lost", h.now);
  const auto wake = one<cmd::wake_at>(h.take()).at_ms;
  CHECK(wake == h.now + 15'000);
  h.client.tick(wake);
  CHECK(h.client.log().outbox()[0].delivery == delivery_state::failed);
  CHECK(h.client.log().outbox()[0].error == "The server did not confirm this message.");
}

// ------------------------------------------------------------------ the saved outbox

TEST_CASE("messages typed offline survive a reload and go after the welcome with their client_id") {
  memory_store store;
  harness h(store, 1);
  live_in(h, {msg(1, "amy", "hi")});
  h.client.on_socket_close(1006, "", h.now);
  h.now += 2'000;
  h.client.send_message("first", h.now);
  h.client.send_message("second", h.now);
  const auto cid1 = h.client.log().outbox()[0].client_id;
  const auto cid2 = h.client.log().outbox()[1].client_id;
  const auto typed_at = h.client.log().outbox()[0].time;
  REQUIRE(store.has(chat_client::outbox_key("eric")));

  harness reload(store, 2);  // another page: its own client_id prefix
  reload.now = h.now + 60'000;
  load_until_open(reload);
  // Before any welcome, the restored messages are there, pending, as they were typed.
  CHECK(outbox_texts(reload.client) == std::vector<std::string>{"first", "second"});
  for (const auto& e : reload.client.log().outbox()) {
    CHECK(e.delivery == delivery_state::pending);
    CHECK(e.sent_at == -1);
    CHECK(e.username == "eric");
  }
  CHECK(reload.client.log().outbox()[0].time == typed_at);
  CHECK(reload.sent().empty());

  reload.welcome("eric", 1);
  const auto requests = reload.sent();
  REQUIRE(requests.size() == 2);
  CHECK(sent_client_id(requests[0]) == cid1);
  CHECK(sent_client_id(requests[1]) == cid2);

  // A new message of the reloaded page does not take a restored client_id.
  reload.client.send_message("third", reload.now);
  const auto cid3 = reload.client.log().outbox()[2].client_id;
  CHECK(cid3 != cid1);
  CHECK(cid3 != cid2);

  reload.receive(encode(history_event{{msg(1, "amy", "hi")}, false, std::nullopt}));
  reload.receive(encode(chat_message{2, "eric", "first", t0, cid1}));
  CHECK(store.has(chat_client::outbox_key("eric")));
  reload.receive(encode(chat_message{3, "eric", "second", t0, cid2}));
  reload.receive(encode(chat_message{4, "eric", "third", t0, cid3}));
  CHECK(reload.client.log().outbox().empty());
  CHECK(reload.client.log().confirmed().size() == 4);
  CHECK_FALSE(store.has(chat_client::outbox_key("eric")));  // confirmed: nothing left to keep
}

TEST_CASE("a saved message the server had stored is confirmed by the history, shown once") {
  memory_store store;
  harness h(store, 1);
  live_in(h);
  h.client.send_message("maybe stored", h.now);  // sent, then the page went away before the echo
  const auto cid = h.client.log().outbox()[0].client_id;

  harness reload(store, 2);
  load_until_open(reload);
  reload.welcome("eric", 7);
  CHECK(reload.sent().size() == 1);  // resent: the server answers it with the original
  reload.receive(encode(history_event{{chat_message{7, "eric", "maybe stored", t0, cid}}, false, std::nullopt}));
  reload.receive(encode(chat_message{7, "eric", "maybe stored", t0, cid}));
  CHECK(reload.client.log().outbox().empty());
  CHECK(reload.client.log().confirmed().size() == 1);
  CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
}

TEST_CASE("a failed message is kept as failed, with its reason, and can be retried after a reload") {
  memory_store store;
  harness h(store, 1);
  live_in(h);
  h.client.send_message("spam", h.now);
  const auto cid = h.client.log().outbox()[0].client_id;
  h.receive(encode(error_event{"rate_limited", "slow down", cid}));

  harness reload(store, 2);
  load_until_open(reload);
  REQUIRE(reload.client.log().outbox().size() == 1);
  CHECK(reload.client.log().outbox()[0].delivery == delivery_state::failed);
  CHECK(reload.client.log().outbox()[0].error == "Too many messages at once. Wait a moment, then retry.");
  reload.welcome("eric", 0);
  CHECK(reload.sent().empty());  // a failed one waits for the user
  reload.client.retry(cid, reload.now);
  CHECK(sent_client_id(reload.sent().at(0)) == cid);
  SECTION("discarded instead: gone from the store too") {
    reload.client.discard(cid);
    CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
  }
  SECTION("confirmed") {
    reload.receive(encode(chat_message{3, "eric", "spam", t0, cid}));
    CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
  }
}

TEST_CASE("the saved outbox belongs to its user and goes with their logout") {
  memory_store store;
  harness h(store, 1);
  live_in(h);
  h.client.on_socket_close(1006, "", h.now);
  h.client.send_message("eric's", h.now);

  SECTION("another user of this browser does not get it") {
    harness amy(store, 2);
    load_until_open(amy, "amy");
    CHECK(amy.client.log().outbox().empty());
    CHECK(store.has(chat_client::outbox_key("eric")));
  }
  SECTION("logging out forgets it") {
    h.client.logout(h.now);
    CHECK_FALSE(store.has(chat_client::outbox_key("eric")));
    harness reload(store, 2);
    reload.client.start(reload.now);
    reload.http(one<cmd::http>(reload.take()).request, 204);  // the logout, answered on this load
    reload.http(one<cmd::http>(reload.take()).request, 200, encode_user(person("eric")));
    CHECK(reload.client.log().outbox().empty());
  }
  SECTION("a session that ended by itself keeps it for the next login") {
    h.client.tick(h.now + 1'000);
    h.take();
    h.client.on_socket_open(h.now);
    h.client.on_socket_close(4401, "unauthorized", h.now);
    REQUIRE(h.client.page() == page_kind::login);
    CHECK(h.client.log().outbox().empty());
    CHECK(store.has(chat_client::outbox_key("eric")));
    h.client.submit_login("eric", "secret", h.now);
    h.http(one<cmd::http>(h.take()).request, 200, R"({"token":"t","user":)" + encode_user(person("eric")) + "}");
    CHECK(outbox_texts(h.client) == std::vector<std::string>{"eric's"});
  }
}

TEST_CASE("two pages of one user keep each other's saved messages") {
  memory_store store;
  harness a(store, 1), b(store, 2);
  live_in(a);
  live_in(b);
  a.client.on_socket_close(1006, "", a.now);
  b.client.on_socket_close(1006, "", b.now);
  a.client.send_message("from a", a.now);
  b.client.send_message("from b", b.now);
  const auto cid_a = a.client.log().outbox()[0].client_id;

  harness reload(store, 3);
  load_until_open(reload);
  CHECK(outbox_texts(reload.client) == std::vector<std::string>{"from a", "from b"});

  // a's message is confirmed in a: b's stays saved.
  a.client.tick(a.now + 1'000);
  a.client.on_socket_open(a.now);
  a.welcome("eric", 0);
  a.receive(encode(chat_message{1, "eric", "from a", t0, cid_a}));
  harness later(store, 4);
  load_until_open(later);
  CHECK(outbox_texts(later.client) == std::vector<std::string>{"from b"});
}

TEST_CASE("saved data of the wrong shape is left out, not trusted") {
  memory_store store;
  const std::string key = chat_client::outbox_key("eric");
  SECTION("not JSON: nothing comes back") {
    store.data[key] = "{not json";
    harness h(store);
    load_until_open(h);
    CHECK(outbox_texts(h.client).empty());
  }
  SECTION("not an object: nothing comes back") {
    store.data[key] = "[1,2,3]";
    harness h(store);
    load_until_open(h);
    CHECK(outbox_texts(h.client).empty());
  }
  SECTION("messages of the wrong types: only the usable one comes back, typed now") {
    store.data[key] = R"({"v":1,"messages":[7,{"client_id":5,"text":"x"},{"client_id":"ok-1","text":["x"]},)"
                      R"({"client_id":"bad id with spaces","text":"x"},{"client_id":"ok-2","text":"   "},)"
                      R"({"client_id":"ok-3","text":"fine","time":"noon"}]})";
    harness h(store);
    load_until_open(h);
    REQUIRE(outbox_texts(h.client) == std::vector<std::string>{"fine"});
    CHECK(h.client.log().outbox()[0].client_id == "ok-3");
    CHECK(h.client.log().outbox()[0].time == h.now);  // no usable time: now
  }
}

// ------------------------------------------------------------------ the part on its own

TEST_CASE("outbox: client_ids carry this page's prefix from the dice and count up") {
  auto ctx = fixed_context(0xABCDEF);
  message_log log([](std::int64_t) { return 0; });
  outbox o(ctx, log);
  o.restore("eric", t0);
  CHECK(o.add("one", /*live=*/false, t0) == "c-000000abcdef-1");
  CHECK(ctx.take_commands().empty());  // offline: it waits
  CHECK(o.add("two", /*live=*/true, t0) == "c-000000abcdef-2");
  const auto sent = one<cmd::send>(ctx.take_commands());
  CHECK(std::get<send_request>(decode_client(sent.text).value()).client_id == "c-000000abcdef-2");
  CHECK(o.next_wake() == t0 + 15'000);
}

TEST_CASE("outbox: what is saved comes back for its owner only, pending and failed as they were") {
  memory_store store;
  auto ctx = fixed_context(1);
  message_log log([](std::int64_t) { return 0; });
  outbox o(ctx, log);
  o.set_store(&store);
  o.restore("eric", t0);
  const auto a = o.add("pending one", false, t0);
  const auto b = o.add("refused one", false, t0 + 1);
  CHECK(o.on_error(error_event{"too_long", "x", b}));
  CHECK_FALSE(o.on_error(error_event{"too_long", "x", "c-unknown-1"}));
  REQUIRE(store.has(outbox::key("eric")));

  auto ctx2 = fixed_context(2);
  message_log other([](std::int64_t) { return 0; });
  outbox reloaded(ctx2, other);
  reloaded.set_store(&store);
  reloaded.restore("amy", t0);
  CHECK(other.outbox().empty());
  reloaded.reset();
  reloaded.restore("eric", t0 + 5);
  REQUIRE(other.outbox().size() == 2);
  CHECK(other.outbox()[0].client_id == a);
  CHECK(other.outbox()[0].delivery == delivery_state::pending);
  CHECK(other.outbox()[0].time == t0);
  CHECK(other.outbox()[1].delivery == delivery_state::failed);
  CHECK(other.outbox()[1].error == "Too long: a message can have at most 4000 characters.");

  reloaded.forget_saved();
  CHECK_FALSE(store.has(outbox::key("eric")));
}
