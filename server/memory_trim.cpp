// The trim policy and the trim itself (see memory_trim.hpp).
#include "memory_trim.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#include <algorithm>

namespace chat::server {

bool trim_policy::should_trim(std::int64_t open) noexcept {
  peak_ = std::max(peak_, open);
  if (peak_ - open < min_drop_ || open > peak_ / 2) return false;
  peak_ = open;
  return true;
}

void release_free_memory() noexcept { malloc_trim(0); }

std::int64_t resident_bytes() noexcept {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * sysconf(_SC_PAGESIZE) : 0;
}

}  // namespace chat::server
