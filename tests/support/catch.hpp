#pragma once

// Catch2 shim: Debian bookworm ships Catch2 v2 (single header); newer systems ship v3. Tests include
// this file and work with either.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
