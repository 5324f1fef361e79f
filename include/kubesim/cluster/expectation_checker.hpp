#pragma once

/// ExpectationChecker: when each of a scenario's expectations (spec.expect[]) is evaluated and what it
/// found. The Cluster measures; the checker decides.
///
///   - an end-of-run check is measured once, after the run;
///   - `at: T` is measured at T, between events (the state after every event at or before T);
///   - `by: T` is measured at every 10 s usage sample up to T and at T; it passes when it holds at T,
///     and reports since when it has held without interruption (the first checkpoint of the streak
///     that reaches T): "converged by T" rather than "was true once", so `pods.pending == 0 by 10m`
///     cannot pass merely because no pod existed yet at 10 s.
///
/// A check whose time is past the end of the run (a `--duration` shorter than the scenario's) fails
/// with a note saying so.

#include "kubesim/base/time.hpp"
#include "kubesim/metrics/expectation_result.hpp"
#include "kubesim/scenario/expectation.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::cluster {

/// A measurement: the value in the metric's unit, or why there is none.
struct Measurement {
  std::optional<std::int64_t> value;
  std::string note;
};

class ExpectationChecker {
 public:
  using Measure = std::function<Measurement(const scenario::Expectation&)>;

  explicit ExpectationChecker(std::vector<scenario::Expectation> expectations = {});

  /// The earliest `at` / `by` time not yet checked (SimTime::max() when none).
  [[nodiscard]] base::SimTime next_time() const { return next_time_; }
  /// A checkpoint at `now`: `at` checks due now, and every `by` check whose deadline has not passed
  /// (call it at each usage sample and at next_time()).
  void check(base::SimTime now, const Measure& measure);
  /// After the run, at `end`: the end-of-run checks, and the timed checks the run did not reach.
  void finish(base::SimTime end, const Measure& measure);

  [[nodiscard]] bool empty() const { return expectations_.empty(); }
  /// Outcomes in file order (after finish()).
  [[nodiscard]] std::vector<metrics::ExpectationResult> results() const;

 private:
  struct State {
    bool decided = false;
    bool passed = false;
    Measurement measured;
    base::SimTime at;
  };
  void decide(std::size_t i, base::SimTime now, Measurement m, bool passed);
  void update_next_time();

  std::vector<scenario::Expectation> expectations_;
  std::vector<State> states_;
  /// `by` checks: the first checkpoint of the streak of checkpoints at which it held.
  std::vector<std::optional<base::SimTime>> holding_since_;
  base::SimTime next_time_;
};

}  // namespace kubesim::cluster
