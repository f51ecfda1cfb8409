// Sending, confirming, failing and saving the messages typed here (see outbox.hpp).
#include "client/outbox.hpp"

#include <chat/codes.hpp>
#include <chat/validation.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace chat::web {
namespace {

/** A string member of a JSON object, or "" (no exceptions on saved data of the wrong shape). */
std::string str_field(const nlohmann::json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/** The "messages" array of a saved outbox, or null when there is none. */
const nlohmann::json* saved_messages(const nlohmann::json& j) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find("messages");
  return it != j.end() && it->is_array() ? &*it : nullptr;
}

std::string refusal_text(const error_event& f) {
  if (f.code == wire_error::too_long) return "Too long: a message can have at most 4000 characters.";
  if (f.code == wire_error::empty) return "Empty messages are not sent.";
  if (f.code == wire_error::rate_limited) return "Too many messages at once. Wait a moment, then retry.";
  if (f.code == wire_error::bad_request) return "The server could not read this message.";
  if (f.code == wire_error::invalid_utf8) return "The message is not valid text.";
  if (f.code == wire_error::quota_exceeded) return "Your stored messages have reached their quota; this one was not sent.";
  return f.message.empty() ? "The server refused this message." : f.message;
}

}  // namespace

outbox::outbox(client_context& ctx, message_log& log) : ctx_(ctx), log_(log) {
  char prefix[24];
  std::snprintf(prefix, sizeof prefix, "%012llx", static_cast<unsigned long long>(ctx_.random() & 0xFFFFFFFFFFFFull));
  client_id_prefix_ = prefix;
}

void outbox::reset() {
  owner_.clear();
  stored_ids_.clear();
}

void outbox::forget_saved() {
  if (store_) store_->remove(key(owner_));
}

std::string outbox::add(std::string text, bool live, std::int64_t now) {
  std::string client_id = "c-" + client_id_prefix_ + "-" + std::to_string(++client_seq_);
  log_.add_local(std::move(text), client_id, owner_, now);
  save();
  if (live) send(*log_.find_local(client_id), now);
  return client_id;
}

void outbox::send(log_entry& e, std::int64_t now) {
  ctx_.emit(cmd::send{encode(send_request{e.text, e.client_id, false})});
  e.sent_at = now;
  e.delivery = delivery_state::pending;
  e.error.clear();
  log_.touch();
}

void outbox::resend_pending(std::int64_t now) {
  for (auto& e : log_.outbox_mut()) {
    if (e.delivery == delivery_state::pending) send(e, now);
  }
}

void outbox::on_lost() {
  for (auto& e : log_.outbox_mut()) {
    if (e.delivery == delivery_state::pending) e.sent_at = -1;  // resent after the next welcome
  }
  log_.touch();
}

void outbox::expire(std::int64_t now) {
  bool changed = false;
  for (auto& e : log_.outbox_mut()) {
    if (e.delivery == delivery_state::pending && e.sent_at >= 0 && now >= e.sent_at + ctx_.options().ack_timeout_ms) {
      e.delivery = delivery_state::failed;
      e.error = "The server did not confirm this message.";
      e.sent_at = -1;
      changed = true;
    }
  }
  if (changed) {
    log_.touch();
    save();
  }
}

std::optional<std::int64_t> outbox::next_wake() const {
  std::optional<std::int64_t> wake;
  for (const auto& e : log_.outbox()) {
    if (e.delivery == delivery_state::pending && e.sent_at >= 0) {
      const std::int64_t t = e.sent_at + ctx_.options().ack_timeout_ms;
      if (!wake || t < *wake) wake = t;
    }
  }
  return wake;
}

void outbox::confirm(const chat_message& m) {
  if (!m.client_id.empty() && !owner_.empty() && m.username == owner_ && log_.confirm(m.client_id)) save();
}

bool outbox::on_error(const error_event& f) {
  if (f.client_id.empty() || log_.find_local(f.client_id) == nullptr) return false;
  log_.fail(f.client_id, refusal_text(f));
  save();
  return true;
}

bool outbox::retry(std::string_view client_id, bool live, std::int64_t now) {
  log_entry* e = log_.find_local(client_id);
  if (e == nullptr) return false;
  e->delivery = delivery_state::pending;
  e->error.clear();
  e->sent_at = -1;
  if (live) send(*e, now);
  log_.touch();
  save();
  return true;
}

void outbox::discard(std::string_view client_id) {
  if (log_.remove_local(client_id)) save();
}

void outbox::restore(const std::string& owner, std::int64_t now) {
  owner_ = owner;
  stored_ids_.clear();
  if (store_ == nullptr || owner_.empty()) return;
  const auto saved = store_->get(key(owner_));
  if (!saved) return;
  const auto j = nlohmann::json::parse(*saved, nullptr, false);
  const nlohmann::json* messages = saved_messages(j);
  if (messages == nullptr) return;
  for (const auto& m : *messages) {
    if (!m.is_object()) continue;
    const std::string client_id = str_field(m, "client_id");
    if (!is_valid_client_id(client_id) || log_.find_local(client_id) != nullptr) continue;
    const std::string text = str_field(m, "text");
    const body_check check = check_message_body(text);
    if (check.status != body_status::ok) continue;
    const auto t = m.find("time");
    const std::int64_t time = t != m.end() && t->is_number_integer() ? t->get<std::int64_t>() : now;
    log_.add_local(std::string(check.text), client_id, owner_, time);
    stored_ids_.insert(client_id);
    if (str_field(m, "state") == "failed") {
      const std::string error = str_field(m, "error");
      log_.fail(client_id, error.empty() ? "This message was not sent." : error);
    }
    // A pending one waits (sent_at -1) and goes with the next welcome, with its client_id.
  }
}

void outbox::save() {
  if (store_ == nullptr || owner_.empty()) return;
  const std::string k = key(owner_);
  nlohmann::json messages = nlohmann::json::array();
  if (const auto saved = store_->get(k)) {
    const auto j = nlohmann::json::parse(*saved, nullptr, false);
    if (const nlohmann::json* theirs = saved_messages(j)) {
      for (const auto& m : *theirs) {
        if (m.is_object() && stored_ids_.count(str_field(m, "client_id")) == 0) messages.push_back(m);
      }
    }
  }
  for (const log_entry& e : log_.outbox()) {
    stored_ids_.insert(e.client_id);
    messages.push_back({{"client_id", e.client_id},
                        {"text", e.text},
                        {"time", e.time},
                        {"state", e.delivery == delivery_state::failed ? "failed" : "pending"},
                        {"error", e.error}});
  }
  if (messages.empty()) {
    store_->remove(k);
  } else {
    const nlohmann::json j = {{"v", 1}, {"messages", std::move(messages)}};
    store_->set(k, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace chat::web
