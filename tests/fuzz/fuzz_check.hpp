// What the fuzz targets share: a check that fails loudly (libFuzzer keeps the
// input as a crash artifact) with the reason on stderr.
#pragma once

#include <cstdio>
#include <cstdlib>

/** Aborts with `why` unless `ok`. */
#define FUZZ_CHECK(ok, why)                                                             \
  do {                                                                                  \
    if (!(ok)) {                                                                        \
      std::fprintf(stderr, "fuzz check failed at %s:%d: %s\n", __FILE__, __LINE__, why); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
