#include "kubesim/metrics/expectation_result.hpp"

#include "kubesim/metrics/markup_escape.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::metrics {
namespace {

std::string measured_text(const ExpectationResult& r) {
  std::string out = r.measured.empty() ? std::string("nothing measured")
                                       : fmt::format("measured {} {} {}", r.measured, r.held_since ? "since" : "at",
                                                     base::format_duration(r.measured_at.since_start()));
  if (!r.note.empty()) {
    out += fmt::format(" ({})", r.note);
  }
  return out;
}

std::string title(const ExpectationResult& r) { return r.name.empty() ? r.check : r.name + ": " + r.check; }

}  // namespace

std::string format_expectations_text(const std::vector<ExpectationResult>& results) {
  if (results.empty()) {
    return {};
  }
  auto failed = static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const ExpectationResult& r) { return !r.passed; }));
  std::string out = fmt::format("expectations:          {} passed, {} failed\n", results.size() - failed, failed);
  std::size_t width = 0;
  for (const ExpectationResult& r : results) {
    width = std::max(width, title(r).size());
  }
  for (const ExpectationResult& r : results) {
    fmt::format_to(std::back_inserter(out), "  {}  {:<{}}  {}\n", r.passed ? "PASS" : "FAIL", title(r), width,
                   measured_text(r));
  }
  return out;
}

std::string format_expectation_failures(const std::vector<ExpectationResult>& results) {
  std::string out;
  for (const ExpectationResult& r : results) {
    if (!r.passed) {
      fmt::format_to(std::back_inserter(out), "{}: expectation failed: {}: {}\n", r.location, title(r),
                     measured_text(r));
    }
  }
  return out;
}

std::string format_junit_xml(const std::string& scenario, const std::vector<ExpectationResult>& results) {
  auto failed = static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const ExpectationResult& r) { return !r.passed; }));
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<testsuites name=\"kubesim\" tests=\"{}\" failures=\"{}\">\n", results.size(), failed);
  fmt::format_to(it, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                 escape_markup(scenario), results.size(), failed);
  for (const ExpectationResult& r : results) {
    // Simulated time is not the test's duration: time is 0 so CI tools do not report it as such.
    fmt::format_to(it, "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"0\"", escape_markup(scenario),
                   escape_markup(title(r)), escape_markup(r.location.substr(0, r.location.find(':'))));
    if (r.passed) {
      fmt::format_to(it, ">\n      <system-out>{}</system-out>\n    </testcase>\n", escape_markup(measured_text(r)));
    } else {
      fmt::format_to(it, ">\n      <failure message=\"{}\" type=\"ExpectationFailed\">{}: expected {}, {}</failure>\n",
                     escape_markup(measured_text(r)), escape_markup(r.location), escape_markup(r.check),
                     escape_markup(measured_text(r)));
      fmt::format_to(it, "    </testcase>\n");
    }
  }
  fmt::format_to(it, "  </testsuite>\n</testsuites>\n");
  return out;
}

}  // namespace kubesim::metrics
