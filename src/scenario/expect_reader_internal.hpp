#pragma once

// spec.expect[]: the scenario's expectations (include/kubesim/scenario/expectation.hpp; documented in
// docs/scenarios.md "Expectations" and docs/metrics.md).

#include "yaml_reader_internal.hpp"

#include "kubesim/scenario/expectation.hpp"

#include <vector>

namespace kubesim::scenario::internal {

/// Reads spec.expect; `duration` is the scenario's, which every `at:` / `by:` must not exceed.
void read_expectations(Reader& r, const Value& v, Duration duration, std::vector<Expectation>& out);

}  // namespace kubesim::scenario::internal
