#include "kubesim/metrics/summary_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace kubesim::metrics {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// A value as the summary wrote it: integers without a decimal point, others with up to 9 digits.
std::string number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return fmt::format("{}", static_cast<std::int64_t>(v));
  }
  std::string s = fmt::format("{:.9f}", v);
  while (s.back() == '0') {
    s.pop_back();
  }
  return s;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
  case Verdict::Same:
    return "same";
  case Verdict::Better:
    return "better";
  case Verdict::Worse:
    return "WORSE";
  case Verdict::WithinTolerance:
    return "worse, within tolerance";
  case Verdict::Changed:
    return "changed";
  case Verdict::Added:
    return "only in current";
  case Verdict::Removed:
    return "only in baseline";
  }
  return "?";
}

Verdict judge(Direction d, double base, double cur, double tolerance) {
  if (base == cur) {
    return Verdict::Same;
  }
  if (d == Direction::Neutral) {
    return Verdict::Changed;
  }
  bool worse = d == Direction::LowerIsBetter ? cur > base : cur < base;
  if (!worse) {
    return Verdict::Better;
  }
  if (base == 0) {
    return Verdict::Worse;
  }
  return std::fabs(cur - base) / std::fabs(base) > tolerance ? Verdict::Worse : Verdict::WithinTolerance;
}

}  // namespace

Direction direction_of(std::string_view name) {
  if (ends_with(name, ".count") &&
      (starts_with(name, "scheduling_latency.") || starts_with(name, "startup_latency."))) {
    return Direction::Neutral;  // how many pods the statistics cover
  }
  if (ends_with(name, ".count") && starts_with(name, "endpoint_convergence.")) {
    return Direction::Neutral;
  }
  if ((starts_with(name, "rollouts[") || starts_with(name, "node_faults[")) && ends_with(name, ".duration_seconds")) {
    return Direction::LowerIsBetter;
  }
  if (name == "utilization.cpu_fragmentation_ratio_mean" || name == "unschedulable.attempts" ||
      name == "preemption_victims") {
    return Direction::LowerIsBetter;
  }
  for (std::string_view p :
       {"scheduling_latency.", "startup_latency.", "containers.", "cpu_contention.", "endpoint_convergence."}) {
    if (starts_with(name, p)) {
      return Direction::LowerIsBetter;
    }
  }
  for (std::string_view n : {"scheduling_attempts", "pods.failed", "pods.pending"}) {
    if (name == n) {
      return Direction::LowerIsBetter;
    }
  }
  if (starts_with(name, "api_requests[") && ends_with(name, ".failed")) {
    return Direction::LowerIsBetter;
  }
  if (starts_with(name, "traffic[")) {
    if (ends_with(name, ".errors")) {
      return Direction::LowerIsBetter;
    }
    if (ends_with(name, ".successes") || ends_with(name, ".success_rate")) {
      return Direction::HigherIsBetter;
    }
  }
  if (name == "pods.succeeded" || name == "pods.scheduled" ||
      (starts_with(name, "expectations[") && ends_with(name, ".passed"))) {
    return Direction::HigherIsBetter;
  }
  return Direction::Neutral;
}

bool SummaryDiff::regressed() const {
  return std::any_of(rows.begin(), rows.end(), [](const DiffRow& r) { return r.verdict == Verdict::Worse; });
}

SummaryDiff diff_summaries(const std::vector<std::pair<std::string, double>>& baseline,
                           const std::vector<std::pair<std::string, double>>& current, double tolerance) {
  SummaryDiff d;
  auto find = [](const std::vector<std::pair<std::string, double>>& v, const std::string& name) {
    return std::find_if(v.begin(), v.end(), [&](const auto& p) { return p.first == name; });
  };
  for (const auto& [name, base] : baseline) {
    DiffRow& row = d.rows.emplace_back();
    row.name = name;
    row.baseline = base;
    row.direction = direction_of(name);
    auto cur = find(current, name);
    if (cur == current.end()) {
      row.verdict = Verdict::Removed;
      continue;
    }
    row.current = cur->second;
    row.verdict = judge(row.direction, base, cur->second, tolerance);
  }
  for (const auto& [name, cur] : current) {
    if (find(baseline, name) == baseline.end()) {
      DiffRow& row = d.rows.emplace_back();
      row.name = name;
      row.current = cur;
      row.direction = direction_of(name);
      row.verdict = Verdict::Added;
    }
  }
  return d;
}

std::string format_summary_diff(const SummaryDiff& diff, double tolerance) {
  // The headline metrics (top-level, with a direction) always; per-element rows (API requests,
  // Services, expectations) and neutral counts only when they changed.
  std::vector<const DiffRow*> shown;
  for (const DiffRow& r : diff.rows) {
    bool headline = r.direction != Direction::Neutral && r.name.find('[') == std::string::npos;
    if (headline || r.verdict != Verdict::Same) {
      shown.push_back(&r);
    }
  }
  constexpr std::size_t kMaxWidth = 72;  // longer names push their row's columns right
  std::size_t width = 6;
  for (const DiffRow* r : shown) {
    width = std::min(kMaxWidth, std::max(width, r->name.size()));
  }
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{:<{}}  {:>14}  {:>14}  {:>9}  {}\n", "metric", width, "baseline", "current", "change",
                 "verdict");
  std::size_t worse = 0;
  for (const DiffRow* r : shown) {
    std::string change;
    if (r->baseline && r->current && *r->baseline != 0 && r->verdict != Verdict::Same) {
      change = fmt::format("{:+.1f}%", (*r->current - *r->baseline) / std::fabs(*r->baseline) * 100);
    }
    worse += r->verdict == Verdict::Worse ? 1 : 0;
    fmt::format_to(it, "{:<{}}  {:>14}  {:>14}  {:>9}  {}\n", r->name, width, r->baseline ? number(*r->baseline) : "-",
                   r->current ? number(*r->current) : "-", change, verdict_name(r->verdict));
  }
  std::string tol = number(tolerance * 100) + "%";
  if (worse == 0) {
    fmt::format_to(it, "no regression (tolerance {}){}\n", tol,
                   diff.identical_runs ? "; the runs are identical (same fingerprint)" : "");
  } else {
    fmt::format_to(it, "{} regression{} (tolerance {})\n", worse, worse == 1 ? "" : "s", tol);
  }
  return out;
}

}  // namespace kubesim::metrics
