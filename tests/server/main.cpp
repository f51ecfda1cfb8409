// Catch2 runner for the server suite.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
