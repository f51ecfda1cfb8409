// A session's own messages on their way through the writer, and the close
// that waits for them: a valid message that arrived before the peer's close
// (or before a protocol error) reaches its sender, as the room's broadcast,
// before our close frame goes out. No sockets here; ws_session feeds it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace chat::server::ws {

/** Messages this session submitted that have not come back yet, and a held close. */
class own_messages {
 public:
  /** A message went to the writer. */
  void submitted() { ++pending_; }
  /** The writer is done with one: stored as `id` (its broadcast is on its
   *  way), or refused or a resend (0: the answer was delivered already). */
  void written(std::int64_t id) {
    if (pending_ > 0) --pending_;
    if (id > awaited_) awaited_ = id;
  }
  /** Broadcast messages up to `id` are queued for this session. */
  void seen(std::int64_t id) {
    if (id > seen_) seen_ = id;
  }
  /** True when every submitted message has been answered and its broadcast queued. */
  bool settled() const { return pending_ == 0 && seen_ >= awaited_; }

  /** Holds the close frame (`code`, `reason`) until settled(). */
  void hold(std::uint16_t code, std::string reason) { held_ = held_close{code, std::move(reason)}; }
  /** True while a close is held: frames are still queued until it goes. */
  bool holding() const { return held_.has_value(); }

  struct held_close {
    std::uint16_t code = 0;
    std::string reason;
  };
  /** The held close, once settled (or `now` regardless); it is no longer held. */
  std::optional<held_close> release(bool now = false) {
    if (!held_ || (!now && !settled())) return std::nullopt;
    auto out = std::move(held_);
    held_.reset();
    return out;
  }

 private:
  std::uint32_t pending_ = 0;
  std::int64_t awaited_ = 0;  ///< the highest id of a message of ours that was stored
  std::int64_t seen_ = 0;     ///< the highest id queued for this session
  std::optional<held_close> held_;
};

}  // namespace chat::server::ws
