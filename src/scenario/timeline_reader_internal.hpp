#pragma once

// spec.timeline[]: each entry is `at` plus exactly one action key (create, arrivals, delete, scale,
// setImage, cordon, uncordon, drain, crashNode, recoverNode, partition, heal, addNodes, removeNodes,
// slowApiServer, apiServerOutage, traffic). The format is documented in docs/scenarios.md ("spec.timeline[]").

#include "yaml_reader_internal.hpp"

#include "kubesim/scenario/scenario_spec.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace kubesim::scenario::internal {

/// Reads the timeline sequence `v` into `out`, then checks every node, pool and zone an action names
/// against `cluster` (read before), walking the entries in the order they run (by `at`, then file
/// order) so that nodes added by an earlier addNodes count.
void read_timeline(Reader& r, const Value& v, const ClusterSpec& cluster, std::vector<TimelineEntry>& out);

/// Parses "5", "2.5", "1.125" (plain decimal, at most 3 fractional digits) into thousandths; nullopt for
/// anything else or more than 18 digits.
std::optional<std::int64_t> parse_milli_decimal(std::string_view text);

}  // namespace kubesim::scenario::internal
