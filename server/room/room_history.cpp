// The room's history: requests paced and answered one at a time per
// connection, pages cut to the byte bound (see room.hpp, history_pacer.hpp).
#include "room/room.hpp"

#include "room/room_events.hpp"
#include "store/messages.hpp"
#include "store/store_worker.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>
#include <chat/protocol.hpp>

#include <algorithm>

namespace chat::server {

using namespace room_detail;

std::optional<std::chrono::steady_clock::time_point> room::pace_history(room_member& m) {
  const auto& info = m.info();
  // A guest's name costs nothing: its address is who it is.
  const std::string key = info.guest ? "guest " + info.address : info.user.username;
  return history_pace_.reserve(m.history_pace, key, history_pacer::clock::now());
}

member_reply room::handle_history(const std::shared_ptr<room_member>& m, const history_request& request) {
  const auto& info = m->info();
  member_reply reply;
  std::int64_t upto = last_id();
  if (request.before) upto = std::min(upto, *request.before - 1);
  const auto limit = static_cast<std::size_t>(
      std::clamp<std::int64_t>(request.limit, 1, static_cast<std::int64_t>(limits::history_max_page)));
  {
    std::lock_guard lock(m->history_mu);
    if (m->history_asks.size() > limits::max_waiting_history_requests) {
      log::warn("history", who(info) + " too many requests waiting close=1013");
      reply.close_code = close_code::try_again_later;
      reply.close_reason = "too many history requests at once; reconnect with since=";
      return reply;
    }
    const auto due = pace_history(*m);
    if (!due) {
      log::warn("history", who(info) + " rate_limited");
      reply.events.push_back(error_text(wire_error::rate_limited, "Too many history requests; ask again in a moment."));
      return reply;
    }
    m->history_asks.push_back(history_ask{upto, limit, request.before, *due});
    if (m->history_asks.size() > 1) return reply;  // read when the ones before it are answered
  }
  read_history(m, &reply);
  return reply;
}

void room::read_history(const std::shared_ptr<room_member>& m, member_reply* reply) {
  for (;; reply = nullptr) {
    history_ask ask;
    {
      std::lock_guard lock(m->history_mu);
      if (m->history_asks.empty()) return;
      ask = m->history_asks.front();
    }
    auto read = [this, ask] {
      auto page = store_.messages_page(0, ask.upto, ask.limit);
      fit(page);
      return page;
    };
    // The answer goes through deliver() (posted to the member's I/O thread),
    // then the member's next request, if any, goes to the worker.
    auto answer = [this, weak = std::weak_ptr<room_member>(m), before = ask.before](store_answer<message_page> page) {
      auto member = weak.lock();
      if (!member) return;
      if (!page) {
        log::error("history", who(member->info()) + " error=" + log::clean(page.error));
        member->deliver(make_event_list({error_text(wire_error::unavailable, "History is unavailable right now.")}));
      } else {
        member->deliver(make_event_list(
            {make_event(encode(history_event{std::move(page.value->messages), page.value->more_before, before,
                                             history_start(*page.value)}))}));
      }
      {
        std::lock_guard lock(member->history_mu);
        member->history_asks.pop_front();
      }
      read_history(member);
    };
    if (reader_.submit_at(ask.due, std::move(read), std::move(answer))) return;
    log::warn("busy", who(m->info()) + " the store queue is full");
    auto busy = error_text(wire_error::busy, "The server is busy; ask again.");
    if (reply) {
      reply->events.push_back(std::move(busy));
    } else {
      m->deliver(make_event_list({std::move(busy)}));
    }
    std::lock_guard lock(m->history_mu);
    m->history_asks.pop_front();
  }
}

void room::fit(message_page& page) const {
  std::size_t bytes = 0;
  auto keep = page.messages.size();
  // Keep the newest messages that fit; a single message always fits.
  while (keep > 0) {
    const auto size = encode(page.messages[keep - 1]).size() + 1;
    if (bytes + size > opts_.max_history_bytes && keep < page.messages.size()) break;
    bytes += size;
    --keep;
  }
  if (keep > 0) {
    page.messages.erase(page.messages.begin(), page.messages.begin() + static_cast<std::ptrdiff_t>(keep));
    page.more_before = true;
  }
}

}  // namespace chat::server
