// process_* metrics from /proc/self and getrusage (see process_metrics.hpp).
#include "metrics/process_metrics.hpp"

#include "metrics/metrics.hpp"

#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace chat::server::metrics {
namespace {

/** Entries of /proc/self/fd, less the one this count opens. */
double open_fds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return 0;
  int n = 0;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n > 0 ? n - 1 : 0;
}

double max_fds() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return 0;
  return static_cast<double>(lim.rlim_cur);
}

/** Resident pages (the second field of /proc/self/statm) in bytes. */
double resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0;
  unsigned long resident = 0;
  const int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (got != 2) return 0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

/** Heap bytes the program holds (glibc's mallinfo2: small blocks and mmapped ones), not what the
 *  allocator keeps free: the figure that returns to its baseline when connections close. */
double heap_in_use_bytes() {
  const auto m = ::mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd);
}

double cpu_seconds() {
  rusage u{};
  if (::getrusage(RUSAGE_SELF, &u) != 0) return 0;
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

}  // namespace

void add_process_metrics(registry& r) {
  const double start = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  r.add_gauge_fn("process_open_fds", "Open file descriptors (each connection holds one).", open_fds);
  r.add_gauge_fn("process_max_fds", "The soft limit of open file descriptors.", max_fds);
  r.add_gauge_fn("process_resident_memory_bytes", "Resident memory size in bytes.", resident_bytes);
  r.add_gauge_fn("chatroom_heap_in_use_bytes",
                 "Heap bytes in use (malloc), without the free memory the allocator keeps: resident memory minus "
                 "this is allocator retention.",
                 heap_in_use_bytes);
  r.add_gauge_fn("process_start_time_seconds", "When the server started, in seconds since the Unix epoch.",
                 [start] { return start; });
  r.add_counter_fn("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", cpu_seconds);
}

}  // namespace chat::server::metrics
