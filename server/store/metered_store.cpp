// The timing store decorator (see metered_store.hpp).
#include "store/metered_store.hpp"

#include "stats.hpp"

#include <chrono>

namespace chat::server {
namespace {

/** Observes the seconds from its construction to its end into a histogram. */
class timed {
 public:
  explicit timed(metrics::histogram& h) : h_(h), start_(std::chrono::steady_clock::now()) {}
  ~timed() { h_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()); }
  timed(const timed&) = delete;
  timed& operator=(const timed&) = delete;

 private:
  metrics::histogram& h_;
  std::chrono::steady_clock::time_point start_;
};

class metered_store final : public store {
 public:
  metered_store(std::unique_ptr<store> inner, server_stats& stats) : inner_(std::move(inner)), stats_(stats) {}

  // messages
  std::vector<append_outcome> append_messages(const std::vector<message_draft>& drafts) override {
    timed t(stats_.store_commit_seconds);
    auto out = inner_->append_messages(drafts);
    stats_.commit_batch_messages.observe(static_cast<double>(drafts.size()));
    return out;
  }
  std::int64_t last_message_id() override { return inner_->last_message_id(); }
  prune_result prune_messages(const retention_policy& policy, std::size_t max_rows) override {
    return inner_->prune_messages(policy, max_rows);
  }
  std::int64_t history_horizon() override { return inner_->history_horizon(); }
  message_page messages_page(std::int64_t after, std::int64_t upto, std::size_t max) override {
    timed t(stats_.store_history_seconds);
    return inner_->messages_page(after, upto, max);
  }

  // sessions
  void create_session(const std::string& token_digest, std::int64_t emp_id, std::int64_t created_ms,
                      std::int64_t expires_ms) override {
    inner_->create_session(token_digest, emp_id, created_ms, expires_ms);
  }
  std::optional<user_profile> session_user(std::string_view token_digest, std::int64_t now_ms) override {
    timed t(stats_.store_session_check_seconds);
    return inner_->session_user(token_digest, now_ms);
  }
  std::unordered_set<std::string> live_sessions(const std::vector<std::string>& token_digests,
                                                std::int64_t now_ms) override {
    return inner_->live_sessions(token_digests, now_ms);
  }
  bool delete_session(std::string_view token_digest) override { return inner_->delete_session(token_digest); }
  int purge_expired_sessions(std::int64_t now_ms) override { return inner_->purge_expired_sessions(now_ms); }

  // users
  void add_department(const department& d) override { inner_->add_department(d); }
  add_result add_employee(const new_employee& e) override { return inner_->add_employee(e); }
  std::unordered_set<std::string> registered_among(const std::vector<std::string>& usernames) override {
    return inner_->registered_among(usernames);
  }
  bool set_password(std::string_view username, const std::string& hash) override {
    return inner_->set_password(username, hash);
  }
  bool set_disabled(std::string_view username, bool disabled) override {
    return inner_->set_disabled(username, disabled);
  }
  bool set_role(std::string_view username, user_role role) override { return inner_->set_role(username, role); }
  std::optional<user_record> find_user(std::string_view username) override {
    timed t(stats_.store_login_lookup_seconds);
    return inner_->find_user(username);
  }
  std::vector<user_account> list_users() override { return inner_->list_users(); }

  // the database
  bool created() const override { return inner_->created(); }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<store> inner_;
  server_stats& stats_;
};

}  // namespace

std::unique_ptr<store> make_metered_store(std::unique_ptr<store> inner, server_stats& stats) {
  return std::make_unique<metered_store>(std::move(inner), stats);
}

}  // namespace chat::server
