// The senders and the watcher (see senders.hpp).
#include "senders.hpp"

#include "payload.hpp"

#include <chat/protocol.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace soak {
namespace {

constexpr std::size_t max_outbox = 64;  // a sender this far behind skips its turn (counted)
constexpr std::size_t payload_bytes = 64;

bool is_presence(std::string_view frame) { return frame.substr(0, 19) == R"({"type":"presence",)"; }

steady::duration after(double s) {
  return std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(s));
}

}  // namespace

senders::senders(boost::asio::io_context& io, fleet& f, const options& o, unsigned short port, std::mt19937_64& rng,
                 std::vector<std::string> tokens, std::string watcher_token)
    : io_(io), fleet_(f), o_(o), port_(port), rng_(rng), tokens_(std::move(tokens)),
      watcher_token_(std::move(watcher_token)), run_("s" + std::to_string(getpid())),
      senders_(static_cast<std::size_t>(o.senders)), watcher_view_(o.senders, true) {
  for (std::size_t k = 0; k < senders_.size(); ++k) {
    auto& s = senders_[k];
    s.v1 = static_cast<int>(k) >= o.senders - o.v1_senders;
    if (s.v1) s.view.emplace(o.senders, false);
    s.send_timer = std::make_unique<boost::asio::steady_timer>(io_);
    s.life_timer = std::make_unique<boost::asio::steady_timer>(io_);
  }
}

void senders::start() { connect(watcher_slot()); }

void senders::connect(int slot) {
  loadgen::client_target t;
  t.port = port_;
  if (slot == watcher_slot()) {
    t.path = "/websocket/chatroom?v=1";
    t.bearer = watcher_token_;
    watcher_id_ = fleet_.connect(*this, slot, t);
    return;
  }
  auto& s = senders_[static_cast<std::size_t>(slot)];
  if (s.v1) {
    t.path = "/websocket/chatroom?v=1";
    if (s.view->last_id() > 0) t.path += "&since=" + std::to_string(s.view->last_id());
    t.bearer = tokens_[static_cast<std::size_t>(slot) % tokens_.size()];
  } else {
    t.path = "/websocket/chatroom?username=s" + std::to_string(slot);
  }
  s.id = fleet_.connect(*this, slot, t);
}

bool senders::all_joined() const {
  if (!watcher_ready_) return false;
  for (const auto& s : senders_)
    if (!s.ready) return false;
  return true;
}

void senders::opened(int slot, int id) {
  if (slot == watcher_slot()) return;  // a v1 client is ready once its history arrived
  auto& s = senders_[static_cast<std::size_t>(slot)];
  if (!s.v1 && s.id == id) on_ready(slot);
}

void senders::on_ready(int slot) {
  auto& s = senders_[static_cast<std::size_t>(slot)];
  s.ready = true;
  for (const auto& frame : s.outbox) {  // a v1 resume: what was not acknowledged goes again, same client_id
    fleet_.send(s.id, frame);
    ++counts_.resent;
  }
  if (!s.started && !stopping_) {
    // The first turn at a random phase, so the senders spread over the interval.
    s.started = true;
    schedule_send(slot, std::uniform_real_distribution<double>(0, o_.send_interval_s)(rng_));
  }
  if (s.v1 && !stopping_) {
    const double life = std::uniform_real_distribution<double>(o_.life_min_s, o_.life_max_s)(rng_);
    s.life_timer->expires_after(after(life));
    s.life_timer->async_wait([this, slot](boost::system::error_code ec) {
      auto& me = senders_[static_cast<std::size_t>(slot)];
      if (ec || stopping_ || !me.ready) return;
      me.ready = false;
      fleet_.close(me.id, pick_reset());  // reconnects from closed(), with since=
    });
  }
}

void senders::schedule_send(int slot, double delay_s) {
  auto& s = senders_[static_cast<std::size_t>(slot)];
  s.send_timer->expires_after(after(delay_s));
  s.send_timer->async_wait([this, slot](boost::system::error_code ec) {
    if (ec || stopping_) return;
    send_one(slot);
    schedule_send(slot, o_.send_interval_s);
  });
}

void senders::send_one(int slot) {
  auto& s = senders_[static_cast<std::size_t>(slot)];
  if (!s.v1 && !s.ready) return;
  if (s.next_seq - s.acked >= static_cast<int>(max_outbox)) {
    ++counts_.skipped;
    return;
  }
  const loadgen::stamp sp{slot, s.next_seq, 0};
  auto body = loadgen::make_body(sp, payload_bytes);
  std::string frame;
  if (s.v1) {
    chat::send_request r;
    r.message = std::move(body);
    r.client_id = loadgen::make_client_id(run_, slot, s.next_seq);
    frame = chat::encode(r);
    s.outbox.push_back(frame);
  } else {
    frame = std::move(body);  // the seed's plain-text send
  }
  ++s.next_seq;
  ++counts_.sent;
  if (s.ready) fleet_.send(s.id, std::move(frame));
}

void senders::text(int slot, int id, std::string_view frame) {
  if (slot == watcher_slot()) return watcher_text(frame);
  auto& s = senders_[static_cast<std::size_t>(slot)];
  if (s.id != id || is_presence(frame)) return;
  auto decoded = chat::decode_server(frame);
  if (!decoded) return;
  auto& ev = decoded.value();
  if (const auto* m = std::get_if<chat::chat_message>(&ev)) return take_message(slot, m->message, m->id);
  if (const auto* h = std::get_if<chat::history_event>(&ev)) {
    for (const auto& m : h->messages) take_message(slot, m.message, m.id);
    if (s.v1 && !s.ready) on_ready(slot);
    return;
  }
  if (const auto* e = std::get_if<chat::error_event>(&ev)) {
    if (++counts_.error_events <= 5)
      std::fprintf(stderr, "chat-soak: sender %d got error %s: %s\n", slot, e->code.c_str(), e->message.c_str());
  }
}

void senders::take_message(int slot, const std::string& body, std::int64_t id) {
  auto& s = senders_[static_cast<std::size_t>(slot)];
  const auto sp = loadgen::read_body(body);
  if (!sp) return;
  const bool own = sp->sender == slot;
  if (s.v1) {
    // A resend of a stored message is answered with the original (its old id): the client keeps it once.
    if (id <= s.view->last_id()) {
      if (!own) ++counts_.view_repeats;
      return;
    }
    const auto r = s.view->record(id, sp->sender, sp->seq);
    if (r == seen::gap) counts_.view_gaps += 1;
    if (r == seen::reorder) ++counts_.view_reorders;
  }
  if (!own || sp->seq < s.acked) return;
  if (sp->seq > s.acked) ++counts_.own_out_of_order;
  const int newly = sp->seq + 1 - s.acked;
  s.acked = sp->seq + 1;
  counts_.acked += static_cast<std::uint64_t>(newly);
  for (int i = 0; i < newly && !s.outbox.empty(); ++i) s.outbox.pop_front();
}

void senders::watcher_text(std::string_view frame) {
  if (is_presence(frame)) return;
  auto decoded = chat::decode_server(frame);
  if (!decoded) return;
  auto& ev = decoded.value();
  const auto take = [this](const chat::chat_message& m) {
    if (const auto sp = loadgen::read_body(m.message)) watcher_view_.record(m.id, sp->sender, sp->seq);
  };
  if (const auto* m = std::get_if<chat::chat_message>(&ev)) return take(*m);
  if (const auto* h = std::get_if<chat::history_event>(&ev)) {
    for (const auto& m : h->messages) take(m);
    if (!watcher_ready_) {
      watcher_ready_ = true;
      for (int k = 0; k < o_.senders; ++k) connect(k);
    }
  }
}

void senders::closed(int slot, int id, bool planned, bool was_open, int code, const std::string& why) {
  if (slot == watcher_slot()) {
    if (!planned && !closing_) {
      counts_.watcher_dropped = true;
      std::fprintf(stderr, "chat-soak: the watcher %s: %s (close code %d)\n", was_open ? "was dropped" : "was refused",
                   why.c_str(), code);
    }
    return;
  }
  auto& s = senders_[static_cast<std::size_t>(slot)];
  if (s.id != id || closing_) return;
  s.ready = false;
  s.life_timer->cancel();
  if (!planned) {
    const auto n = was_open ? ++counts_.dropped : ++counts_.refused;
    if (n <= 5)
      std::fprintf(stderr, "chat-soak: sender %d %s: %s (close code %d)\n", slot, was_open ? "dropped" : "refused",
                   why.c_str(), code);
    if (!s.v1) return;  // a seed client's unacknowledged messages are lost with it: counted at the end
  }
  if (s.v1) {
    ++counts_.reconnects;
    connect(slot);
  }
}

void senders::stop_sending() {
  stopping_ = true;
  for (auto& s : senders_) {
    s.send_timer->cancel();
    s.life_timer->cancel();
  }
}

bool senders::drained() const {
  for (std::size_t k = 0; k < senders_.size(); ++k) {
    const auto& s = senders_[k];
    if (s.acked < s.next_seq) return false;
    if (watcher_view_.next_seq(static_cast<int>(k)) < s.acked) return false;
  }
  return true;
}

void senders::close_all() {
  closing_ = true;
  for (auto& s : senders_) {
    s.send_timer->cancel();
    s.life_timer->cancel();
    if (s.id >= 0) fleet_.close(s.id, pick_reset());
  }
  if (watcher_id_ >= 0) fleet_.close(watcher_id_, false);
}

std::uint64_t senders::missing_at_watcher() const {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < senders_.size(); ++k)
    n += static_cast<std::uint64_t>(watcher_view_.missing(static_cast<int>(k), senders_[k].acked));
  return n;
}

std::uint64_t senders::unacknowledged() const {
  std::uint64_t n = 0;
  for (const auto& s : senders_) n += static_cast<std::uint64_t>(s.next_seq - s.acked);
  return n;
}

}  // namespace soak
