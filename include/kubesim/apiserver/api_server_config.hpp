#pragma once

/// Tunables of the API server model: request latency per verb, watch delivery delay, and the size of
/// the watch history window. Defaults are "a few milliseconds", the order of a healthy control plane.

#include "kubesim/base/distribution.hpp"

#include <cstdint>

namespace kubesim::apiserver {

using base::DurationDistribution;

/// The verbs a client can issue. Watch is set up once and then streams; its cost is `watch_delay`.
enum class Verb : std::uint8_t { Get, List, Create, Update, UpdateStatus, Delete, Watch };
inline constexpr std::size_t kVerbCount = 7;
std::string_view verb_name(Verb v);

struct ApiServerConfig {
  /// Time from a client sending a request to the request taking effect in the store (and the client
  /// seeing the response), per verb, indexed by Verb.
  DurationDistribution latency[kVerbCount] = {
      DurationDistribution::constant(base::Duration::from_millis(1)),  // get
      DurationDistribution::constant(base::Duration::from_millis(5)),  // list
      DurationDistribution::constant(base::Duration::from_millis(3)),  // create
      DurationDistribution::constant(base::Duration::from_millis(3)),  // update
      DurationDistribution::constant(base::Duration::from_millis(3)),  // update status
      DurationDistribution::constant(base::Duration::from_millis(3)),  // delete
      DurationDistribution::constant(base::Duration::zero()),          // watch (set-up)
  };
  /// Time from a write to a watcher receiving the event (watch cache + network).
  DurationDistribution watch_delay = DurationDistribution::constant(base::Duration::from_millis(1));
  /// How many changes the store keeps for watch replay; a watch that starts before the oldest one gets
  /// Expired (HTTP 410 Gone upstream) and must re-list.
  std::uint32_t history_window = 100'000;
};

}  // namespace kubesim::apiserver
