#pragma once

/// KUBESIM_ASSERT(cond, fmt, args...): checks a programmer invariant ("time never goes backwards",
/// "resourceVersion is monotonic"). On failure it prints the condition, file:line and the formatted
/// message to stderr and aborts. Compiled in when KUBESIM_ASSERTS_ENABLED is defined (dev and relassert
/// presets); in release builds the condition is not evaluated.
///
/// Bad user input is never reported with an assertion: that is a Diagnostic (see diagnostic.hpp).

#include <fmt/format.h>

#include <string_view>

namespace kubesim::base {

/// Prints the failed assertion and aborts. Out of line so the hot path stays small.
[[noreturn]] void assertion_failed(std::string_view condition, std::string_view file, int line,
                                   std::string_view message);

}  // namespace kubesim::base

#ifdef KUBESIM_ASSERTS_ENABLED
#define KUBESIM_ASSERT(cond, ...)                                                                                      \
  do {                                                                                                                 \
    if (!(cond)) [[unlikely]] {                                                                                        \
      ::kubesim::base::assertion_failed(#cond, __FILE__, __LINE__, ::fmt::format(__VA_ARGS__));                        \
    }                                                                                                                  \
  } while (false)
#else
#define KUBESIM_ASSERT(cond, ...)                                                                                      \
  do {                                                                                                                 \
  } while (false)
#endif
