// The metrics registry and its Prometheus text renderer (see metrics.hpp).
#include "metrics/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace chat::server::metrics {
namespace {

enum type_id : int { type_counter, type_gauge, type_histogram };

const char* type_name(int t) {
  switch (t) {
    case type_counter:
      return "counter";
    case type_gauge:
      return "gauge";
    default:
      return "histogram";
  }
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

/** [a-zA-Z_:][a-zA-Z0-9_:]* */
bool valid_metric_name(std::string_view n) {
  if (n.empty() || !(is_letter(n[0]) || n[0] == ':')) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return is_letter(c) || is_digit(c) || c == ':'; });
}

/** [a-zA-Z_][a-zA-Z0-9_]*, not starting with the reserved "__". */
bool valid_label_name(std::string_view n) {
  if (n.empty() || !is_letter(n[0]) || n.rfind("__", 0) == 0) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return is_letter(c) || is_digit(c); });
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

/** `{a="x",b="y"}` (with `le` last when given), or nothing for no labels. */
void append_labels(std::string& out, const label_set& labels, const std::string* le = nullptr) {
  if (labels.empty() && !le) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  if (le) {
    if (!first) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, const label_set& labels, std::string_view value,
                   const std::string* le = nullptr) {
  out += name;
  append_labels(out, labels, le);
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

// ------------------------------------------------------------------ metrics

std::uint64_t counter::value() const noexcept {
  std::uint64_t total = 0;
  for (const auto& s : slots_) total += s.v.load(std::memory_order_relaxed);
  return total;
}

histogram::histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  if (bounds_.empty()) throw std::invalid_argument("a histogram needs at least one bucket");
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram buckets must be finite and strictly ascending");
    }
  }
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
}

void histogram::observe(double v) noexcept {
  if (std::isnan(v)) return;  // no bucket holds it, and it would poison the sum
  // The first bucket whose upper bound is >= v (`le`: less or equal), else +Inf.
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const {
  snapshot s;
  s.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(total);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
}

// ------------------------------------------------------------------ formatting

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest digits that read back the same, in plain decimals from 1e-4
  // up to 1e21 (0.0001, 2.0515, 12000000), else with an exponent (1e-05, 1e+21).
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const char* e = std::find(buf, r.ptr, 'e');
  int exponent = 0;
  if (e != r.ptr) std::from_chars(e + (e[1] == '+' ? 2 : 1), r.ptr, exponent);
  if (exponent >= -4 && exponent < 21) r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

namespace {

/** The exposition format's escapes: backslash and newline always, the double
 *  quote only inside a label value (HELP text keeps its quotes). */
std::string escape(std::string_view v, bool quote) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view v) { return escape(v, true); }

std::string escape_help(std::string_view v) { return escape(v, false); }

// ------------------------------------------------------------------ registry

struct registry::series {
  label_set labels;
  std::unique_ptr<counter> c;
  std::unique_ptr<gauge> g;
  std::unique_ptr<histogram> h;
  std::function<double()> read;
};

struct registry::family {
  std::string name;
  std::string help;
  int type = type_counter;
  std::vector<std::unique_ptr<series>> members;
};

registry::registry() = default;
registry::~registry() = default;

registry::series& registry::add(std::string_view name, std::string_view help, int type, label_set labels) {
  if (!valid_metric_name(name)) throw std::invalid_argument("not a valid metric name: " + std::string(name));
  if (type == type_counter && !ends_with(name, "_total")) {
    throw std::invalid_argument("a counter's name ends in _total: " + std::string(name));
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& label = labels[i].first;
    if (!valid_label_name(label) || (type == type_histogram && label == "le")) {
      throw std::invalid_argument("not a valid label name: " + label);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j].first == label) throw std::invalid_argument("label given twice: " + label);
    }
  }
  std::lock_guard lock(mu_);
  auto it = std::find_if(families_.begin(), families_.end(), [&](const auto& f) { return f->name == name; });
  if (it == families_.end()) {
    auto f = std::make_unique<family>();
    f->name = std::string(name);
    f->help = std::string(help);
    f->type = type;
    families_.push_back(std::move(f));
    it = families_.end() - 1;
  }
  family& f = **it;
  if (f.type != type) throw std::invalid_argument("registered before with another type: " + std::string(name));
  for (const auto& s : f.members) {
    if (s->labels == labels) throw std::invalid_argument("series registered twice: " + std::string(name));
  }
  f.members.push_back(std::make_unique<series>());
  f.members.back()->labels = std::move(labels);
  return *f.members.back();
}

counter& registry::add_counter(std::string_view name, std::string_view help, label_set labels) {
  auto& s = add(name, help, type_counter, std::move(labels));
  s.c = std::make_unique<counter>();
  return *s.c;
}

gauge& registry::add_gauge(std::string_view name, std::string_view help, label_set labels) {
  auto& s = add(name, help, type_gauge, std::move(labels));
  s.g = std::make_unique<gauge>();
  return *s.g;
}

histogram& registry::add_histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds,
                                   label_set labels) {
  auto h = std::make_unique<histogram>(std::move(upper_bounds));  // checks the buckets before registering
  auto& s = add(name, help, type_histogram, std::move(labels));
  s.h = std::move(h);
  return *s.h;
}

void registry::add_counter_fn(std::string_view name, std::string_view help, std::function<double()> read,
                              label_set labels) {
  add(name, help, type_counter, std::move(labels)).read = std::move(read);
}

void registry::add_gauge_fn(std::string_view name, std::string_view help, std::function<double()> read,
                            label_set labels) {
  add(name, help, type_gauge, std::move(labels)).read = std::move(read);
}

std::string registry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(families_.size() * 256);
  for (const auto& f : families_) {
    out += "# HELP " + f->name + ' ' + escape_help(f->help) + '\n';
    out += "# TYPE " + f->name + ' ' + type_name(f->type) + '\n';
    for (const auto& s : f->members) {
      if (s->read) {
        append_sample(out, f->name, s->labels, format_value(s->read()));
      } else if (s->c) {
        append_sample(out, f->name, s->labels, std::to_string(s->c->value()));
      } else if (s->g) {
        append_sample(out, f->name, s->labels, std::to_string(s->g->value()));
      } else if (s->h) {
        const auto snap = s->h->read();
        const auto& bounds = s->h->upper_bounds();
        const std::string bucket = f->name + "_bucket";
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          const std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
          append_sample(out, bucket, s->labels, std::to_string(snap.cumulative[i]), &le);
        }
        append_sample(out, f->name + "_sum", s->labels, format_value(snap.sum));
        append_sample(out, f->name + "_count", s->labels, std::to_string(snap.count()));
      }
    }
  }
  return out;
}

}  // namespace chat::server::metrics
