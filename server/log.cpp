// stderr logging (see log.hpp).
#include "log.hpp"

#include "log_format.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace chat::server::log {
namespace {

std::mutex mu;
std::function<void(const std::string&)> custom_sink;
std::atomic<format> line_format{format::text};

void write(const char* level, std::string_view event, std::string_view details) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t t = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[96];  // room for any int in each field: g++ -Wformat-truncation checks the worst case
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  const std::string line = format_line(line_format.load(std::memory_order_relaxed), stamp, level, event, details);
  std::lock_guard lock(mu);
  if (custom_sink) {
    custom_sink(line);
  } else {
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace

void set_format(format f) { line_format.store(f, std::memory_order_relaxed); }

void info(std::string_view event, std::string_view details) { write("info", event, details); }
void warn(std::string_view event, std::string_view details) { write("warn", event, details); }
void error(std::string_view event, std::string_view details) { write("error", event, details); }

std::string clean(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) out.push_back(c >= 0x21 && c <= 0x7e ? c : '?');
  if (text.size() > 64) out += "...";
  return out;
}

void set_sink(std::function<void(const std::string&)> sink) {
  std::lock_guard lock(mu);
  custom_sink = std::move(sink);
}

}  // namespace chat::server::log
