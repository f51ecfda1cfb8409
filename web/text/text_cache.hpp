// A least-recently-used cache bounded by the sum of its entries' costs (bytes
// of texture for the text path's cache). Plain C++ so its rules are tested
// natively; what an evicted value holds (a GL texture) is released by the
// caller's eviction callback.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace chat::web::text {

/** Values by key; the least recently used go first once the costs exceed the bound. */
template <typename Key, typename Value, typename Hash = std::hash<Key>>
class lru_cache {
 public:
  using evict_fn = std::function<void(Value&)>;

  explicit lru_cache(std::size_t bound, evict_fn on_evict = {}) : bound_(bound), on_evict_(std::move(on_evict)) {}
  lru_cache(const lru_cache&) = delete;
  lru_cache& operator=(const lru_cache&) = delete;
  ~lru_cache() { clear(); }

  /** The value for `key`, marked as the most recently used; nullptr when absent. */
  Value* find(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->value;
  }

  /** Adds (or replaces) `key` as the most recently used, then evicts the least
   *  recently used others until the total cost is within the bound. An entry
   *  costlier than the bound on its own is kept (alone) until the next insert. */
  Value& insert(const Key& key, Value value, std::size_t cost) {
    if (auto it = index_.find(key); it != index_.end()) erase(it->second);
    order_.push_front(node{key, std::move(value), cost});
    index_.emplace(order_.front().key, order_.begin());
    total_ += cost;
    while (total_ > bound_ && order_.size() > 1) erase(std::prev(order_.end()));
    return order_.front().value;
  }

  /** Evicts every entry. */
  void clear() {
    while (!order_.empty()) erase(std::prev(order_.end()));
  }

  std::size_t size() const { return order_.size(); }
  std::size_t cost() const { return total_; }
  std::size_t bound() const { return bound_; }

 private:
  struct node {
    Key key;
    Value value;
    std::size_t cost;
  };
  using iterator = typename std::list<node>::iterator;

  void erase(iterator it) {
    total_ -= it->cost;
    if (on_evict_) on_evict_(it->value);
    index_.erase(it->key);
    order_.erase(it);
  }

  std::size_t bound_;
  evict_fn on_evict_;
  std::size_t total_ = 0;
  std::list<node> order_;  // most recently used first
  std::unordered_map<Key, iterator, Hash> index_;
};

}  // namespace chat::web::text
