// Giving freed memory back to the system after many connections closed. glibc
// keeps what freed sessions held in its per-thread arenas (the soak measured a
// server back at 0 connections with 3 MiB of heap in use and 48 MiB resident),
// so without a trim the RSS of a server stays at its peak after a storm.
#pragma once

#include <cstdint>

namespace chat::server {

/** The server trims once this many connections closed (about 3 KiB each: W3). */
inline constexpr std::int64_t trim_min_drop = 1000;

/** When to trim: the open connections fell to half of their highest count since
 *  the last trim, and by at least `min_drop`. Not thread-safe: one caller. */
class trim_policy {
 public:
  explicit trim_policy(std::int64_t min_drop) noexcept : min_drop_(min_drop) {}

  /** Called periodically with the connections open now; true when it is time to
   *  trim (the highest count then starts again from `open`). */
  bool should_trim(std::int64_t open) noexcept;

 private:
  std::int64_t min_drop_;
  std::int64_t peak_ = 0;
};

/** Returns the allocator's free pages to the system (malloc_trim); takes a few
 *  milliseconds with tens of MiB free, so never on an I/O thread. */
void release_free_memory() noexcept;

/** This process's resident memory in bytes (/proc/self/statm); 0 if unreadable. */
std::int64_t resident_bytes() noexcept;

}  // namespace chat::server
