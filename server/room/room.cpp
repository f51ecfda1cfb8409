// The chat room (see room.hpp for the ordering invariant).
#include "room/room.hpp"

#include "log.hpp"
#include "room/room_events.hpp"
#include "store/messages.hpp"
#include "store/store_worker.hpp"
#include "ws/ws_frame.hpp"

#include <chat/codes.hpp>
#include <chat/limits.hpp>
#include <chat/protocol.hpp>
#include <chat/validation.hpp>

#include <algorithm>
#include <limits>
#include <type_traits>

namespace chat::server {

using namespace room_detail;

room::room(message_store& s, store_worker& reader, room_options opts, std::unique_ptr<fanout> bus)
    : store_(s),
      reader_(reader),
      opts_(opts),
      rate_(opts.rate_per_second, opts.rate_burst),
      history_pace_(opts.history_connection, opts.history_user, opts.history_max_wait),
      last_id_(s.last_message_id()),
      bus_(std::move(bus)) {
  bus_->attach(*this);
  presence_ = std::make_unique<presence_ticker>(opts.presence_interval, [this] { return publish_presence(); });
  writer_ = std::make_unique<message_writer>(
      s, [this](std::vector<write_result>&& r) { on_committed(std::move(r)); },
      [this](std::vector<write_request>&& r, const std::string& why) { on_write_failed(std::move(r), why); },
      opts.max_pending_writes, opts.max_write_batch, opts.commit_interval,
      retention_schedule{opts.retention_days, opts.retention_messages, 1000, opts.retention_every});
}

room::~room() {
  stop_presence();
  stop_writer();
}

void room::stop_presence() { presence_->stop(); }

void room::stop_writer() {
  if (writer_) writer_->stop();
}

void room::wake_writer() { writer_->wake(); }

void room::add_shard(member_shard& s) {
  std::lock_guard lock(mu_);
  shards_.push_back(&s);
}

void room::join(const std::shared_ptr<room_member>& m, join_done done) {
  const auto& info = m->info();
  std::int64_t upto = 0;
  std::shared_ptr<const std::vector<std::string>> online;  // v1 only: the seed's clients get no list
  bool changed = false;
  {
    // O(log users) under the lock: a join never builds the list nor walks the members.
    std::lock_guard lock(mu_);
    if (members_.emplace(m.get(), m).second && !m->on_shard()) ++direct_members_;
    const int connections = ++online_[info.user.username];
    upto = last_id_;
    if (connections == 1) {
      presence_changed_locked(true, info.user.username);
      changed = true;
    }
    m->presence_heard = presence_version_;  // its welcome carries this version's list
    if (info.speaks_v1()) online = online_snapshot_locked();
  }
  if (changed) presence_->mark();
  log::info("connect", who(info) + " last_id=" + std::to_string(upto) +
                           (info.since ? " since=" + std::to_string(*info.since) : ""));

  member_reply reply;
  reply.last_id = upto;
  if (!info.speaks_v1() && !info.since) return done(std::move(reply));  // the seed's clients get live messages only
  const std::int64_t after = info.since.value_or(0);
  const std::size_t max = info.since ? limits::resume_max : limits::history_on_connect;
  auto read = [this, after, upto, max] {
    message_page page = store_.messages_page(after, upto, max);
    fit(page);
    return page;
  };
  // Runs on the worker thread: it holds no reference to the member, so the
  // member is never destroyed there (done() hands the reply to its thread).
  auto answer = [info = info, upto, online = std::move(online), done](store_answer<message_page> page) mutable {
    member_reply reply;
    reply.last_id = upto;
    if (!page) {
      log::error("history", who(info) + " error=" + log::clean(page.error));
      reply.close_code = close_code::internal_error;
      reply.close_reason = "history unavailable";
    } else if (info.speaks_v1()) {
      reply.events.push_back(make_event(encode(welcome_event{info.user, *online, upto})));
      reply.events.push_back(
          make_event(encode(history_event{std::move(page.value->messages), page.value->more_before, {},
                                          history_start(*page.value)})));
    } else {
      for (const auto& msg : page.value->messages) reply.events.push_back(make_event(encode(msg)));
    }
    done(std::move(reply));
  };
  // A resume at or past the join point has nothing to read: answered at once,
  // no store job and no history token (a reconnect that missed nothing is free).
  if (info.since && *info.since >= upto) {
    store_answer<message_page> nothing;
    nothing.value.emplace();
    return answer(std::move(nothing));
  }
  // A resume is paced like a history request; the latest page of a plain
  // join (50 messages) is not: a room's users all connecting at once (after a
  // restart, or an office's browsers) must not wait for each other.
  std::optional<std::chrono::steady_clock::time_point> due = std::chrono::steady_clock::now();
  if (info.since) {
    std::lock_guard lock(m->history_mu);
    due = pace_history(*m);
  }
  if (!due) {  // a loop of reconnects with since=: each one reads history
    log::warn("history", who(info) + " rate_limited close=1013");
    reply.close_code = close_code::try_again_later;
    reply.close_reason = "too many history reads; reconnect later";
    return done(std::move(reply));
  }
  if (!reader_.submit_at(*due, std::move(read), std::move(answer))) {
    log::warn("busy", who(info) + " the store queue is full");
    reply.close_code = close_code::try_again_later;
    reply.close_reason = "server busy; reconnect with since=";
    done(std::move(reply));
  }
}

void room::leave(room_member* m) {
  bool empty = false;
  bool changed = false;
  {
    std::lock_guard lock(mu_);
    if (members_.erase(m) == 0) return;
    if (!m->on_shard()) --direct_members_;
    const auto& name = m->info().user.username;
    const auto it = online_.find(name);
    if (it != online_.end() && --it->second == 0) {
      online_.erase(it);
      presence_changed_locked(false, name);
      changed = true;
    }
    empty = members_.empty();
  }
  if (changed) presence_->mark();
  if (empty) empty_cv_.notify_all();
}

member_reply room::handle_text(const std::shared_ptr<room_member>& m, std::string_view text) {
  if (const auto valid = validate_utf8(text)) return handle_text(m, *valid);
  member_reply reply;
  if (m->info().speaks_v1()) reply.events.push_back(error_text(wire_error::invalid_utf8, "the frame is not valid UTF-8"));
  return reply;
}

member_reply room::handle_text(const std::shared_ptr<room_member>& m, valid_utf8 text) {
  const auto& info = m->info();
  member_reply reply;
  auto decoded = decode_client(text);
  if (!decoded) {
    if (info.speaks_v1()) reply.events.push_back(error_text(decoded.error().code, decoded.error().message));
    return reply;
  }
  if (const auto* send = std::get_if<send_request>(&decoded.value())) {
    // Decoded from valid UTF-8, so valid UTF-8 (see decode_client).
    const body_check check = check_message_body(valid_utf8::already_checked(send->message));
    if (check.status != body_status::ok) {
      if (info.speaks_v1()) {
        reply.events.push_back(error_text(std::string(body_error_code(check.status)), body_error_text(check.status),
                                           send->client_id));
      }
      return reply;
    }
    const auto now = rate_limiter::clock::now();
    if (!rate_.allow(info.user.username, now)) {
      if (info.speaks_v1()) {
        reply.events.push_back(error_text(wire_error::rate_limited, "You are sending messages too fast; this one was dropped.",
                                           send->client_id));
      }
      if (m->strikes.strike(opts_.rate_strikes, rate_.burst_window(), now)) {
        log::warn("rate_limit", who(info) + " close=4029");
        reply.close_code = close_code::rate_limited;
        reply.close_reason = "rate limit exceeded";
      }
      return reply;
    }
    write_request req{message_draft{info.user.username, std::string(check.text), send->client_id, 0, opts_.user_quota_bytes},
                      m};
    // A member on a shard has its I/O thread wake the writer once after all its
    // ready reads, so one commit takes the messages of all of them.
    const bool defer = m->on_shard();
    if (writer_->submit(std::move(req), !defer)) {
      reply.wake_writer = defer;
      reply.submitted = true;
    } else {
      log::warn("busy", who(info) + " the write queue is full");
      if (info.speaks_v1()) reply.events.push_back(error_text(wire_error::busy, "The server is busy; send it again.", send->client_id));
    }
    return reply;
  }

  if (!info.speaks_v1()) return reply;
  return handle_history(m, std::get<history_request>(decoded.value()));
}

void room::on_committed(std::vector<write_result>&& results) {
  auto batch = std::make_shared<committed_batch>();
  // Every sender hears back about each message (room_member::written): the id of
  // its broadcast to wait for before it closes, or 0 with what it gets instead, if anything.
  struct answer {
    std::weak_ptr<room_member> sender;
    std::int64_t id = 0;
    event_text event;  ///< sent to the sender alone; null: nothing (a seed client refused)
  };
  std::vector<answer> answers;
  answers.reserve(results.size());
  for (auto& r : results) {
    if (r.outcome.duplicate) {
      // A resend of a stored message: the original, to its sender only.
      answers.push_back({std::move(r.sender), 0, make_event(encode(r.outcome.message))});
    } else if (r.outcome.over_quota) {
      const auto member = r.sender.lock();
      log::warn("quota", (member ? who(member->info()) : r.outcome.message.username) + " quota_exceeded");
      event_text refusal;
      if (member && member->info().speaks_v1()) {
        refusal = error_text(wire_error::quota_exceeded,
                             "Your stored messages have reached their quota; this one was not stored.",
                             r.outcome.message.client_id);
      }
      answers.push_back({std::move(r.sender), 0, std::move(refusal)});
    } else {
      answers.push_back({std::move(r.sender), r.outcome.message.id, nullptr});
      batch->messages.push_back(std::move(r.outcome.message));
    }
  }
  if (!batch->messages.empty()) bus_->publish(std::move(batch));
  for (auto& a : answers) {
    auto member = a.sender.lock();
    if (!member) continue;
    if (a.event) member->deliver(make_event_list({a.event}));
    member->written(a.id);
  }
}

void room::on_batch(const batch_ref& batch) {
  std::vector<std::weak_ptr<room_member>> targets;
  {
    std::lock_guard lock(mu_);
    last_id_ = std::max(last_id_, batch->last_id());
    if (direct_members_ > 0) {
      for (const auto& [ptr, weak] : members_) {
        if (!ptr->on_shard()) targets.push_back(weak);
      }
    }
  }
  for (auto* s : shards_) s->broadcast(batch);  // fixed since the first join: read unlocked
  if (targets.empty()) return;
  std::vector<event_text> events;
  events.reserve(batch->messages.size());
  for (const auto& m : batch->messages) events.push_back(make_event(encode(m)));
  const auto list = make_event_list(std::move(events));
  for (const auto& w : targets) {
    if (auto member = w.lock()) member->deliver(list);
  }
}

void room::on_write_failed(std::vector<write_request>&& requests, const std::string& why) {
  log::error("store", "messages=" + std::to_string(requests.size()) + " error=" + log::clean(why));
  for (auto& r : requests) {
    auto member = r.sender.lock();
    if (!member) continue;
    if (member->info().speaks_v1()) {
      member->deliver(make_event_list({error_text(wire_error::unavailable,
                                                  "The message could not be stored; send it again.", r.draft.client_id)}));
    }
    member->written(0);
  }
}

void room::close_all(std::uint16_t code, const std::string& reason) {
  std::vector<std::weak_ptr<room_member>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [ptr, weak] : members_) targets.push_back(weak);
  }
  for (const auto& w : targets) {
    if (auto member = w.lock()) member->close(code, reason);
  }
}

std::size_t room::end_session(const std::string& session) {
  if (session.empty()) return 0;
  return close_where([&](const member_info& i) { return i.session == session; }, close_code::session_ended,
                     "session ended");
}

void room::for_each_member(const std::function<void(const member_info&)>& f) const {
  std::lock_guard lock(mu_);
  for (const auto& [ptr, weak] : members_) f(ptr->info());
}

std::size_t room::close_where(const std::function<bool(const member_info&)>& pred, std::uint16_t code,
                              const std::string& reason) {
  std::vector<std::shared_ptr<room_member>> targets;  // closed and released after the lock
  {
    std::lock_guard lock(mu_);
    for (const auto& [ptr, weak] : members_) {
      if (!pred(ptr->info())) continue;
      if (auto member = weak.lock()) targets.push_back(std::move(member));
    }
  }
  for (const auto& member : targets) member->close(code, reason);
  return targets.size();
}

bool room::wait_empty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return empty_cv_.wait_until(lock, deadline, [&] { return members_.empty(); });
}

std::size_t room::size() const {
  std::lock_guard lock(mu_);
  return members_.size();
}

std::vector<std::string> room::online() const {
  std::lock_guard lock(mu_);
  return online_locked();
}

std::int64_t room::last_id() const {
  std::lock_guard lock(mu_);
  return last_id_;
}

std::vector<std::string> room::online_locked() const {
  std::vector<std::string> names;
  names.reserve(online_.size());
  for (const auto& [name, count] : online_) names.push_back(name);
  return names;
}

void room::presence_changed_locked(bool joined, const std::string& name) {
  ++presence_version_;
  last_joined_ = joined;
  last_changed_ = name;
}

std::shared_ptr<const std::vector<std::string>> room::online_snapshot_locked() {
  if (snapshot_version_ != presence_version_ || !online_snapshot_) {
    online_snapshot_ = std::make_shared<const std::vector<std::string>>(online_locked());
    snapshot_version_ = presence_version_;
  }
  return online_snapshot_;
}

bool room::publish_presence() {
  std::vector<std::shared_ptr<room_member>> targets;  // posted to and released after the lock
  presence_event event;
  std::shared_ptr<const std::vector<std::string>> names;
  {
    std::lock_guard lock(mu_);
    for (const auto& [ptr, weak] : members_) {
      if (!ptr->info().speaks_v1() || ptr->presence_heard == presence_version_) continue;
      ptr->presence_heard = presence_version_;
      if (auto member = weak.lock()) targets.push_back(std::move(member));
    }
    if (targets.empty()) return false;
    event.event = last_joined_ ? presence_change::join : presence_change::leave;
    event.username = last_changed_;
    names = online_snapshot_locked();
  }
  event.online = *names;
  const auto list = make_event_list({make_event(encode(event))});
  for (const auto& member : targets) member->deliver(list);
  return true;
}

}  // namespace chat::server
