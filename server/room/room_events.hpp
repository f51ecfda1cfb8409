// The room's small helpers for building events and log lines, shared by its
// two source files (room.cpp, room_history.cpp). Include only from those.
#pragma once

#include "log.hpp"
#include "room/room.hpp"
#include "store/messages.hpp"

#include <chat/protocol.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::server::room_detail {

inline event_text make_event(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

inline event_list make_event_list(std::vector<event_text> events) {
  return std::make_shared<const std::vector<event_text>>(std::move(events));
}

inline event_text error_text(std::string code, std::string_view message, std::string client_id = {}) {
  return make_event(encode(error_event{std::move(code), std::string(message), std::move(client_id)}));
}

/** A history frame's `horizon`: only on a page that reaches the start of the
 *  stored history (nothing older left out) after retention removed messages. */
inline std::optional<std::int64_t> history_start(const message_page& page) {
  if (page.more_before || page.horizon <= 0) return std::nullopt;
  return page.horizon;
}

/** How a member appears in log lines. */
inline std::string who(const member_info& i) {
  return "user=" + log::clean(i.user.username) + " addr=" + i.address + (i.speaks_v1() ? " v=1" : " legacy") +
         (i.guest ? " guest" : "");
}

}  // namespace chat::server::room_detail
