// The runner for every unit test (one binary, as SimGrid's unit-tests).
#define CATCH_CONFIG_MAIN
#include "support/catch.hpp"
