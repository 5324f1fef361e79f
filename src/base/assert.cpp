#include "kubesim/base/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace kubesim::base {

void assertion_failed(std::string_view condition, std::string_view file, int line, std::string_view message) {
  fmt::print(stderr, "{}:{}: internal error: assertion '{}' failed: {}\n", file, line, condition, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace kubesim::base
