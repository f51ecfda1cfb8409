// Catch2 runner for the web client's native suite.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
