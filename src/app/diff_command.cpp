#include "diff_command.hpp"

#include "exit_codes.hpp"

#include "kubesim/metrics/summary_diff.hpp"
#include "kubesim/scenario/summary_reader.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

namespace kubesim::app {
namespace {

// "5%" → 0.05, "0.05" → 0.05; nullopt unless a finite number >= 0 (and at most 1 without '%').
std::optional<double> parse_tolerance(std::string text) {
  if (text.empty()) {
    return 0.0;
  }
  bool percent = text.back() == '%';
  if (percent) {
    text.pop_back();
  }
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) {
    return std::nullopt;
  }
  // A bare number above 1 is almost certainly a percentage without its sign ("5" for 5%): refuse it
  // rather than allow a 500% worsening.
  if (!percent && v > 1) {
    return std::nullopt;
  }
  return percent ? v / 100 : v;
}

}  // namespace

int run_diff(const DiffArgs& args) {
  std::optional<double> tolerance = parse_tolerance(args.tolerance);
  if (!tolerance) {
    fmt::print(stderr,
               "error: invalid value '{}' for --tolerance (use a percentage like 5% or a fraction like 0.05; a "
               "fraction is at most 1)\n",
               args.tolerance);
    return 2;
  }
  auto baseline = scenario::load_summary(args.baseline);
  auto current = scenario::load_summary(args.current);
  if (!baseline || !current) {
    for (const auto* r : {&baseline, &current}) {
      if (!*r) {
        std::fputs(r->error().str().c_str(), stderr);
      }
    }
    return 2;
  }
  if (baseline->scenario != current->scenario) {
    fmt::print(stderr, "warning: the summaries are of different scenarios ('{}' and '{}'); comparing them anyway\n",
               baseline->scenario, current->scenario);
  }
  metrics::SummaryDiff diff = metrics::diff_summaries(baseline->values, current->values, *tolerance);
  diff.identical_runs = baseline->fingerprint == current->fingerprint;
  std::fputs(metrics::format_summary_diff(diff, *tolerance).c_str(), stdout);
  return diff.regressed() ? 1 : 0;
}

}  // namespace kubesim::app
