// /proc readers (see proc_probe.hpp).
#include "proc_probe.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace loadgen {
namespace {

std::optional<double> stat_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces: count fields after its ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

std::optional<double> process_cpu_seconds(int pid) {
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  std::filesystem::directory_iterator it(tasks, ec);
  if (ec) return std::nullopt;
  unsigned long long ns = 0;
  bool any = false;
  for (const auto& task : it) {
    std::ifstream in(task.path() / "schedstat");
    unsigned long long run_ns = 0;
    if (in >> run_ns) {
      ns += run_ns;
      any = true;
    }
  }
  if (!any) return stat_cpu_seconds(pid);
  return static_cast<double>(ns) / 1e9;
}

std::optional<proc_sample> process_memory(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return std::nullopt;
  proc_sample s;
  std::string key;
  bool found = false;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> s.rss_kib;
      found = true;
    } else if (key == "VmHWM:") {
      in >> s.hwm_kib;
    }
    std::string rest;
    std::getline(in, rest);
  }
  if (!found) return std::nullopt;
  return s;
}

std::optional<proc_sample> sample_process(int pid) {
  auto mem = process_memory(pid);
  const auto cpu = process_cpu_seconds(pid);
  if (!mem || !cpu) return std::nullopt;
  mem->cpu_s = *cpu;
  return mem;
}

std::optional<int> open_fds(int pid) {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec);
  if (ec) return std::nullopt;
  int n = 0;
  for (const std::filesystem::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return std::nullopt;
    ++n;
  }
  return n;
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

}  // namespace loadgen
