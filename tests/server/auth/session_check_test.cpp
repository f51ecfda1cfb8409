// The check of the open sockets' sessions without sockets: members of a real
// room admitted with sessions of a real SQLite store; one check closes (4401)
// exactly the members whose session ended, and guests only once their name
// belongs to a registered user.
#include "auth/session_check.hpp"

#include "auth/crypto.hpp"
#include "room/room.hpp"
#include "store/seed_data.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store_worker.hpp"

#include "test_support.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>

#include <catch2/catch.hpp>

#include <atomic>

using namespace chat::server;

namespace {

/** A legacy member (its join needs no history read) that records its close code. */
class session_member final : public room_member {
 public:
  session_member(const std::string& name, std::string session, bool guest = false)
      : room_member(member_info{chat::user_profile{0, name, name, "", name, "", ""}, protocol_version::legacy, guest,
                                "test", {}, std::move(session), {}, {}}) {}
  void deliver(event_list) override {}
  void close(std::uint16_t code, std::string) override { closed_with = code; }
  std::atomic<std::uint16_t> closed_with{0};
};

}  // namespace

TEST_CASE("a session check closes the members of ended sessions with 4401, once per check, and no one else",
          "[auth][ws]") {
  chat::test::temp_dir d;
  REQUIRE(crypto::init());
  auto s = open_sqlite_store((d / "t.db").string());
  seed_sample_data(*s);
  store_worker reader(16);
  room_options o;
  o.max_pending_writes = chat::limits::max_pending_writes;
  o.max_write_batch = chat::limits::max_write_batch;
  room r(*s, reader, o);

  const auto eric = s->find_user("user1")->user.id;
  const auto amy = s->find_user("user2")->user.id;
  s->create_session("eric-1", eric, 1000, 9000);
  s->create_session("eric-2", eric, 1000, 9000);
  s->create_session("amy", amy, 1000, 5000);  // expires at 5000

  auto tab = std::make_shared<session_member>("user1", "eric-1");
  auto other_tab = std::make_shared<session_member>("user1", "eric-1");
  auto phone = std::make_shared<session_member>("user1", "eric-2");
  auto amy_tab = std::make_shared<session_member>("user2", "amy");
  auto guest = std::make_shared<session_member>("visitor", "", true);
  for (const auto& m : {tab, other_tab, phone, amy_tab, guest}) r.join(m, [](member_reply) {});

  auto result = check_sessions(r, *s, *s, 2000);
  CHECK(result.sessions == 3);  // distinct: eric-1, eric-2, amy; the guest has none
  CHECK(result.ended == 0);
  CHECK(result.closed == 0);

  REQUIRE(s->delete_session("eric-1"));  // revoked elsewhere
  result = check_sessions(r, *s, *s, 6000);  // and amy's expired
  CHECK(result.ended == 2);
  CHECK(result.closed == 3);
  CHECK(tab->closed_with == chat::close_code::session_ended);
  CHECK(other_tab->closed_with == chat::close_code::session_ended);
  CHECK(amy_tab->closed_with == chat::close_code::session_ended);
  CHECK(phone->closed_with == 0);
  CHECK(guest->closed_with == 0);

  for (const auto& m : {tab, other_tab, amy_tab}) r.leave(m.get());  // what their sockets do once closed
  CHECK(s->set_disabled("user1", true));
  result = check_sessions(r, *s, *s, 6000);
  CHECK(result.sessions == 1);
  CHECK(result.closed == 1);
  CHECK(phone->closed_with == chat::close_code::session_ended);
  CHECK(guest->closed_with == 0);

  r.leave(phone.get());
  result = check_sessions(r, *s, *s, 6000);  // only a guest, whose name is nobody's
  CHECK(result.sessions == 0);
  CHECK(result.guests == 1);
  CHECK(result.closed == 0);
  CHECK(guest->closed_with == 0);
  // An admin adds a user of the guest's name: the guest goes at the next check, before it can speak as them.
  REQUIRE(s->add_employee({"Visitor", "Vera", "Visitor", "", "", 0, "h"}).outcome == add_outcome::added);
  result = check_sessions(r, *s, *s, 6000);
  CHECK(result.guests_named_as_users == 1);
  CHECK(result.closed == 1);
  CHECK(guest->closed_with == chat::close_code::session_ended);
  r.leave(guest.get());
  reader.stop();
}
