// Catch2 runner for the shared suite (the same file builds natively and as wasm).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
