// Memory given back after many connections closed (server/memory_trim.*): the
// policy that picks the moment, and the trim returning freed pages to the system.
#include "memory_trim.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <vector>

using namespace chat::server;

TEST_CASE("the server trims once its connections fell to half of their peak, by at least the minimum drop", "[memory]") {
  trim_policy p(1000);
  for (std::int64_t open : {0, 5000, 10000, 9000, 6000}) CHECK_FALSE(p.should_trim(open));  // rising, then a small fall
  CHECK(p.should_trim(4000));        // 10000 -> 4000: half gone
  CHECK_FALSE(p.should_trim(3000));  // the peak starts again from 4000: 1000 fewer is not half
  CHECK(p.should_trim(0));           // 4000 -> 0
  CHECK_FALSE(p.should_trim(0));
  // A small server never trims: 600 -> 0 is less than the minimum drop.
  trim_policy small(1000);
  CHECK_FALSE(small.should_trim(600));
  CHECK_FALSE(small.should_trim(0));
}

TEST_CASE("after many small blocks are freed around a few that live on, the trim gives their pages back", "[memory]") {
  if (chat::test::under_asan || chat::test::under_tsan) {
    WARN("not measured here: the sanitizer's allocator replaces glibc's, which malloc_trim trims");
    return;
  }
  // What closed sessions leave: ~50 MiB of small blocks, one in 64 still in use (long-lived objects
  // allocated in between), so free() alone cannot shrink the heap.
  constexpr std::size_t blocks = 200000, size = 256;
  std::vector<void*> all(blocks);
  for (auto& b : all) {
    b = std::malloc(size);
    std::memset(b, 1, size);  // resident
  }
  for (std::size_t i = 0; i < blocks; ++i)
    if (i % 64 != 0) std::free(all[i]);
  const auto before = resident_bytes();
  release_free_memory();
  const auto after = resident_bytes();
  INFO("resident before " << before / 1024 << " KiB, after " << after / 1024 << " KiB");
  CHECK(before - after > 16 * 1024 * 1024);
  for (std::size_t i = 0; i < blocks; i += 64) std::free(all[i]);
}
