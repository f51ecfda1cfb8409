// The server's metrics without sockets: counters, gauges and histograms with
// fixed buckets, updated from any thread with relaxed atomics (no lock and no
// allocation on the update path), and a registry that renders them in the
// Prometheus text exposition format 0.0.4 (served as GET /metrics).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::server::metrics {

/** Label names and values of one series, in the order they are rendered. */
using label_set = std::vector<std::pair<std::string, std::string>>;

/** A count that only grows. inc() is one relaxed atomic add on a slot of its
 *  own thread's stripe (a cache line per stripe), so the I/O threads never
 *  share a line on the message path; value() sums the stripes. */
class counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { slots_[stripe()].v.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept;

 private:
  static constexpr std::size_t stripes = 16;
  struct alignas(64) slot {
    std::atomic<std::uint64_t> v{0};
  };
  /** This thread's stripe, assigned in turn on its first update. */
  static std::size_t stripe() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % stripes;
    return mine;
  }

  std::array<slot, stripes> slots_{};
};

/** A value that goes up and down (connections open). */
class gauge {
 public:
  void add(std::int64_t n) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  void set(std::int64_t n) noexcept { v_.store(n, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> v_{0};
};

/** Holds a gauge up by one while it lives (a connection's lifetime). */
class gauge_hold {
 public:
  explicit gauge_hold(gauge& g) noexcept : g_(&g) { g.add(1); }
  ~gauge_hold() { g_->add(-1); }
  gauge_hold(const gauge_hold&) = delete;
  gauge_hold& operator=(const gauge_hold&) = delete;

 private:
  gauge* g_;
};

/** Observations counted into fixed buckets (upper bounds, ascending, +Inf
 *  implied), with their sum. observe() is two or three relaxed atomic updates. */
class histogram {
 public:
  /** Throws std::invalid_argument unless `upper_bounds` is non-empty, finite and strictly ascending. */
  explicit histogram(std::vector<double> upper_bounds);

  void observe(double v) noexcept;

  /** Counts per bucket, cumulative as rendered (the last one is +Inf, the count). */
  struct snapshot {
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    std::uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
  };
  snapshot read() const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  ///< bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

/** Histogram buckets for durations in seconds: 0.1 ms to 1 s. */
std::vector<double> latency_buckets();

/** The metric families of one process, rendered in registration order.
 *  Registration (at start-up) and render() take a lock; updating a metric
 *  never does. A metric lives as long as its registry. */
class registry {
 public:
  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // Each add_* registers one series of family `name` (`help` is the family's:
  // the first one given counts). Throws std::invalid_argument for a name or
  // label that is not valid Prometheus, a counter whose name does not end in
  // `_total`, a family registered again with another type, or a label set the
  // family has already.

  counter& add_counter(std::string_view name, std::string_view help, label_set labels = {});
  gauge& add_gauge(std::string_view name, std::string_view help, label_set labels = {});
  histogram& add_histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds,
                           label_set labels = {});
  /** A counter or gauge read by calling `read` at each render (process
   *  figures, queue depths); `read` must be thread-safe and cheap. */
  void add_counter_fn(std::string_view name, std::string_view help, std::function<double()> read,
                      label_set labels = {});
  void add_gauge_fn(std::string_view name, std::string_view help, std::function<double()> read,
                    label_set labels = {});

  /** Every family as Prometheus text format 0.0.4: `# HELP`, `# TYPE`, then
   *  its samples; each line ends in '\n'. */
  std::string render() const;

 private:
  struct family;
  struct series;
  series& add(std::string_view name, std::string_view help, int type, label_set labels);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<family>> families_;
};

/** The Content-Type of render()'s text. */
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

/** A sample value as the text format writes it: the shortest digits that read
 *  back the same, as plain decimals from 1e-4 to 1e21 and with an exponent
 *  outside; `+Inf`, `-Inf` or `NaN`. */
std::string format_value(double v);
/** A label value escaped for the text format (backslash, double quote, newline). */
std::string escape_label_value(std::string_view v);
/** A HELP text escaped for the text format (backslash, newline). */
std::string escape_help(std::string_view v);

}  // namespace chat::server::metrics
