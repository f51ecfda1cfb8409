// Reads another process's CPU time and memory from /proc (Linux only).
#pragma once

#include <cstdint>
#include <optional>

namespace loadgen {

/** One look at a process: CPU seconds so far and resident memory. */
struct proc_sample {
  double cpu_s = 0;          ///< user + system time of all its threads
  std::int64_t rss_kib = 0;  ///< VmRSS
  std::int64_t hwm_kib = 0;  ///< VmHWM: peak RSS since it started
};

/** CPU seconds of `pid`: the sum of its live threads' run time from
 *  /proc/PID/task/x/schedstat (nanoseconds), or, where schedstat is missing,
 *  utime + stime from /proc/PID/stat (clock ticks). Nothing if it is gone. */
std::optional<double> process_cpu_seconds(int pid);

/** VmRSS and VmHWM of `pid` from /proc/PID/status, in KiB. */
std::optional<proc_sample> process_memory(int pid);

/** CPU and memory of `pid` in one sample; nothing if the process is gone. */
std::optional<proc_sample> sample_process(int pid);

/** How many file descriptors `pid` holds (the entries of /proc/PID/fd); nothing if it is gone. */
std::optional<int> open_fds(int pid);

/** This process's own user + system CPU seconds. */
double own_cpu_seconds();

}  // namespace loadgen
