#pragma once

// `kubesim schedule -f SNAPSHOT.yaml [--pod NAMESPACE/NAME] [-o text|json]`: schedules one pod against
// the cluster described by a file of manifests and explains every node's verdict and score
// (scheduler::explain_schedule). See docs/scheduler-config.md.

#include <string>

namespace kubesim::app {

struct ScheduleArgs {
  std::string file;
  /// "namespace/name" or "name" (namespace default); empty = the only pod without spec.nodeName.
  std::string pod;
  /// "text" or "json".
  std::string output = "text";
};

/// Runs the command; prints the result on stdout and problems on stderr. Returns the exit code
/// (0 done, even when the pod fits nowhere; 2 bad input).
int run_schedule(const ScheduleArgs& args);

}  // namespace kubesim::app
