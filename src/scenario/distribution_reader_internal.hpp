#pragma once

// Duration distributions in scenario files: a duration string is a constant; a mapping names the
// distribution and its parameters, e.g. {distribution: lognormal, median: 2s, sigma: 0.5}.

#include "yaml_reader_internal.hpp"

#include "kubesim/base/distribution.hpp"

#include <optional>

namespace kubesim::scenario::internal {

/// Reads a distribution at `v`. Checks that the distribution is known, that exactly its parameters are
/// given, that durations are >= 0, that sigma is a number >= 0 and that a uniform's min <= max.
std::optional<base::DurationDistribution> read_distribution(Reader& r, const Value& v);

}  // namespace kubesim::scenario::internal
