#include "comparison_output.hpp"

#include "exit_codes.hpp"
#include "output_files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kubesim::app {

int write_comparison(const metrics::Comparison& comparison, const std::filesystem::path& out_dir, bool quiet) {
  for (const auto& [name, content] : {std::pair{"comparison.csv", metrics::format_comparison_csv(comparison)},
                                      std::pair{"comparison.html", metrics::format_comparison_html(comparison)}}) {
    if (!write_file_atomically(out_dir / name, content)) {
      fmt::print(stderr, "error: cannot write '{}': {}\n", (out_dir / name).string(), std::strerror(errno));
      return kExitFailure;
    }
  }
  if (!quiet) {
    std::fputs(metrics::format_comparison_text(comparison).c_str(), stdout);
    fmt::print(stderr, "wrote {} and {}\n", (out_dir / "comparison.csv").string(),
               (out_dir / "comparison.html").string());
  }
  return kExitOk;
}

}  // namespace kubesim::app
