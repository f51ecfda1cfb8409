// An I/O thread's share of the server (see io_shard.hpp).
#include "ws/io_shard.hpp"

#include <chat/protocol.hpp>

#include <boost/asio/post.hpp>

namespace chat::server {

namespace net = boost::asio;

namespace {

/** The batch's messages as text frames back to back, each indexed by its id. */
ws::wire_ref frame_batch(const committed_batch& batch) {
  std::vector<std::string> texts;
  texts.reserve(batch.messages.size());
  std::size_t bytes = 0;
  for (const auto& m : batch.messages) {
    texts.push_back(encode(m));
    bytes += ws::header_size(texts.back().size()) + texts.back().size();
  }
  auto wire = std::make_shared<ws::wire_buffer>();
  wire->bytes.reserve(bytes);
  wire->offsets.reserve(texts.size());
  wire->ids.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    wire->offsets.push_back(static_cast<std::uint32_t>(wire->bytes.size()));
    wire->ids.push_back(batch.messages[i].id);
    ws::append_frame(wire->bytes, ws::opcode::text, texts[i]);
  }
  wire->frames = texts.size();
  return wire;
}

}  // namespace

io_shard::io_shard(room& chat)
    : room_(chat),
      scratch_(new char[scratch_size]),
      started_(std::chrono::steady_clock::now()),
      ioc_(1),  // one thread runs it: asio may skip locking for work posted from that thread
      sweep_(ioc_) {}

io_shard::~io_shard() = default;

void io_shard::add(shard_client& c) {
  if (c.slot_ != static_cast<std::size_t>(-1)) return;
  c.slot_ = clients_.size();
  clients_.push_back(&c);
}

void io_shard::remove(shard_client& c) {
  const auto slot = c.slot_;
  if (slot == static_cast<std::size_t>(-1)) return;
  c.slot_ = static_cast<std::size_t>(-1);
  if (iterating_ > 0) {
    clients_[slot] = nullptr;  // compacted after the loop
    ++holes_;
    return;
  }
  if (slot + 1 != clients_.size()) {
    clients_[slot] = clients_.back();
    clients_[slot]->slot_ = slot;
  }
  clients_.pop_back();
}

void io_shard::compact() {
  if (holes_ == 0 || iterating_ > 0) return;
  std::size_t out = 0;
  for (auto* c : clients_) {
    if (!c) continue;
    c->slot_ = out;
    clients_[out++] = c;
  }
  clients_.resize(out);
  holes_ = 0;
}

void io_shard::broadcast(batch_ref batch) {
  net::post(ioc_, [this, batch = std::move(batch)] {
    if (clients_.size() == holes_) return;  // nobody here: nothing to frame
    std::call_once(batch->framed_once, [&] { batch->framed = frame_batch(*batch); });
    const auto& wire = batch->framed;
    ++iterating_;
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      if (auto* c = clients_[i]) c->on_batch(wire);
    }
    --iterating_;
    compact();
  });
}

void io_shard::wake_writer_soon() {
  if (wake_posted_) return;
  wake_posted_ = true;
  // Posted from this thread: it runs after the completions already queued.
  net::post(ioc_, [this] {
    wake_posted_ = false;
    room_.wake_writer();
  });
}

void io_shard::arm_sweep() {
  sweep_.expires_after(std::chrono::seconds(1));
  sweep_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    now_ = static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count());
    ++iterating_;
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      if (auto* c = clients_[i]) c->on_tick(now_);
    }
    --iterating_;
    compact();
    arm_sweep();
  });
}

void io_shard::prepare() {
  work_.emplace(ioc_.get_executor());
  arm_sweep();
}

void io_shard::run() { ioc_.run(); }

void io_shard::stop() {
  work_.reset();
  ioc_.stop();
}

}  // namespace chat::server
