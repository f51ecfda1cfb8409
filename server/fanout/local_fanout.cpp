// The single-process fan-out (see fanout.hpp): one writer publishes, the
// consumer gets each batch at once on the writer's thread.
#include "fanout/fanout.hpp"

#include <cassert>

namespace chat::server {
namespace {

/** Delivery is the publish call itself: commit order is delivery order. */
class local_fanout final : public fanout {
 public:
  void attach(fanout_consumer& consumer) override { consumer_ = &consumer; }

  void publish(batch_ref batch) override {
    assert(consumer_ != nullptr);
    if (!batch || batch->messages.empty()) return;
    consumer_->on_batch(batch);
  }

 private:
  fanout_consumer* consumer_ = nullptr;
};

}  // namespace

std::unique_ptr<fanout> make_local_fanout() { return std::make_unique<local_fanout>(); }

}  // namespace chat::server
