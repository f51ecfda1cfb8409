// Messages typed here until the server confirms them: each gets a client_id,
// goes when the socket is live (again after every welcome: the server's
// de-duplication makes the resend safe), is confirmed by its echo, or fails
// (refused, or no echo within ack_timeout_ms) and can be retried or discarded.
// What is unconfirmed is saved per user in the local store and restored when
// the chat room opens for that user again.
#pragma once

#include "client/client_context.hpp"
#include "client/local_store.hpp"
#include "client/message_log.hpp"

#include <chat/model.hpp>
#include <chat/protocol.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace chat::web {

/** The unconfirmed messages (kept in the message_log's outbox) and their saved copy. */
class outbox {
 public:
  /** Draws this page's client_id prefix from the dice. */
  outbox(client_context& ctx, message_log& log);

  /** The store key of a user's saved outbox. */
  static std::string key(std::string_view username) { return "outbox." + std::string(username); }

  /** Where the outbox is saved across page loads (null: nowhere). */
  void set_store(local_store* store) { store_ = store; }

  /** The chat room opens for `owner`: their saved messages come back (pending ones wait for the welcome). */
  void restore(const std::string& owner, std::int64_t now);
  /** The welcome named the user. */
  void set_owner(const std::string& owner) { owner_ = owner; }
  /** The user logged out: their saved outbox goes. */
  void forget_saved();
  /** The conversation ended: this page holds nothing saved any more (the store keeps what it has). */
  void reset();

  /** A message typed here (`text` already checked); sent at once when `live`. Returns its client_id. */
  std::string add(std::string text, bool live, std::int64_t now);
  /** Sends every pending message (again), with its client_id: after each welcome. */
  void resend_pending(std::int64_t now);
  /** The socket went: pending messages wait for the next welcome. */
  void on_lost();
  /** Pending messages not echoed within ack_timeout_ms fail. */
  void expire(std::int64_t now);
  /** When the next pending message times out, if one was sent. */
  std::optional<std::int64_t> next_wake() const;

  /** A message of ours arrived (live or in a history page): its entry leaves the outbox. */
  void confirm(const chat_message& m);
  /** An error event about one of ours marks it failed with the reason; false when it is about none. */
  bool on_error(const error_event& f);
  /** Retry puts a failed message back to pending (sent at once when `live`); false when unknown. */
  bool retry(std::string_view client_id, bool live, std::int64_t now);
  void discard(std::string_view client_id);

 private:
  void send(log_entry& e, std::int64_t now);
  // Rewrites the owner's saved outbox: what another tab saved stays, what this page saved is replaced.
  void save();

  client_context& ctx_;
  message_log& log_;
  local_store* store_ = nullptr;
  std::string owner_;
  std::string client_id_prefix_;
  std::uint64_t client_seq_ = 0;
  std::set<std::string, std::less<>> stored_ids_;  // client_ids this page put in (or took from) the store
};

}  // namespace chat::web
