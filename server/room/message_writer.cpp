// Group commit (see message_writer.hpp).
#include "room/message_writer.hpp"

#include "auth/auth.hpp"
#include "log.hpp"

#include <algorithm>

namespace chat::server {

message_writer::message_writer(message_store& s, commit_fn on_commit, fail_fn on_fail, std::size_t max_pending,
                               std::size_t max_batch, std::chrono::microseconds commit_interval,
                               retention_schedule retention)
    : store_(s),
      on_commit_(std::move(on_commit)),
      on_fail_(std::move(on_fail)),
      max_pending_(max_pending),
      max_batch_(std::max<std::size_t>(1, max_batch)),
      interval_(commit_interval),
      retention_(retention),
      thread_([this] { run(); }) {}

message_writer::~message_writer() { stop(); }

bool message_writer::submit(write_request r, bool wake) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_pending_) return false;
    queue_.push_back(std::move(r));
    if (!wake || pacing_) return true;
  }
  cv_.notify_one();
  return true;
}

void message_writer::wake() {
  {
    std::lock_guard lock(mu_);
    if (queue_.empty() || pacing_) return;
  }
  cv_.notify_one();
}

void message_writer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void message_writer::run() {
  std::vector<write_request> batch;
  using clock = std::chrono::steady_clock;
  clock::time_point last_commit{};
  for (;;) {
    {
      std::unique_lock lock(mu_);
      const auto woken = [&] { return stopping_ || !queue_.empty(); };
      if (!retention_.active()) {
        cv_.wait(lock, woken);
      } else if (!cv_.wait_until(lock, next_prune_, woken)) {
        lock.unlock();
        prune_step();  // idle, and a step is due
        continue;
      }
      if (queue_.empty()) return;  // stopping and drained
      // Busy: let the rest of this interval's messages join the batch.
      const auto due = last_commit + interval_;
      if (interval_.count() > 0 && !stopping_ && queue_.size() < max_batch_ && clock::now() < due) {
        pacing_ = true;
        cv_.wait_until(lock, due, [&] { return stopping_ || queue_.size() >= max_batch_; });
        pacing_ = false;
      }
      last_commit = clock::now();
      // Take everything that queued up while the last batch committed, up to a cap.
      const std::size_t n = std::min(queue_.size(), max_batch_);
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    std::vector<message_draft> drafts;
    drafts.reserve(batch.size());
    for (auto& r : batch) {
      // Times never go backwards along the ids, even if the wall clock does.
      last_time_ms_ = std::max(last_time_ms_, now_ms());
      r.draft.time_ms = last_time_ms_;
      drafts.push_back(r.draft);
    }
    try {
      auto outcomes = store_.append_messages(drafts);
      std::vector<write_result> results;
      results.reserve(outcomes.size());
      for (std::size_t i = 0; i < outcomes.size(); ++i) {
        results.push_back(write_result{std::move(outcomes[i]), std::move(batch[i].sender)});
      }
      on_commit_(std::move(results));
    } catch (const std::exception& e) {
      on_fail_(std::move(batch), e.what());
    }
    batch.clear();
  }
}

void message_writer::prune_step() {
  using clock = std::chrono::steady_clock;
  retention_policy policy;
  if (retention_.days > 0) policy.older_than_ms = now_ms() - std::int64_t{retention_.days} * 86'400'000;
  policy.keep_newest = retention_.messages;
  try {
    const auto r = store_.prune_messages(policy, retention_.step_rows);
    if (r.removed > 0) {
      log::info("retention", "removed=" + std::to_string(r.removed) + " horizon=" + std::to_string(r.horizon));
    }
    next_prune_ = clock::now() + (r.more ? clock::duration::zero() : clock::duration(retention_.every));
  } catch (const std::exception& e) {
    log::error("retention", "error=" + log::clean(e.what()));
    next_prune_ = clock::now() + retention_.every;
  }
}

}  // namespace chat::server
