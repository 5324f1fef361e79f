#pragma once

/// Status: the result of running a scheduler plugin, mirroring kube-scheduler's framework.Status.
///
/// Codes (upstream wording):
///  * Success — the plugin ran correctly and found the pod schedulable.
///  * Error — an internal error; the pod is retried with backoff.
///  * Unschedulable — the plugin found the pod unschedulable here, but preemption might help.
///  * UnschedulableAndUnresolvable — unschedulable here, and preemption would not change that.
///  * Wait — a Permit plugin asks the pod to wait.
///  * Skip — PreFilter/PreScore: the plugin's Filter/Score is not needed for this pod.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

enum class Code : std::uint8_t { Success, Error, Unschedulable, UnschedulableAndUnresolvable, Wait, Skip };
std::string_view code_name(Code c);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string reason) : code_(code) { reasons_.push_back(std::move(reason)); }
  Status(Code code, std::vector<std::string> reasons) : code_(code), reasons_(std::move(reasons)) {}

  static Status success() { return {}; }

  [[nodiscard]] Code code() const { return code_; }
  [[nodiscard]] bool is_success() const { return code_ == Code::Success; }
  [[nodiscard]] bool is_skip() const { return code_ == Code::Skip; }
  [[nodiscard]] bool is_rejected() const {
    return code_ == Code::Unschedulable || code_ == Code::UnschedulableAndUnresolvable;
  }
  /// The reasons, e.g. {"Insufficient cpu", "Insufficient memory"}.
  [[nodiscard]] const std::vector<std::string>& reasons() const { return reasons_; }
  /// The plugin that produced this status (set by the framework).
  [[nodiscard]] std::string_view plugin() const { return plugin_; }
  void set_plugin(std::string_view plugin) { plugin_ = plugin; }

 private:
  Code code_ = Code::Success;
  std::vector<std::string> reasons_;
  std::string_view plugin_;  // plugin names are static strings
};

}  // namespace kubesim::scheduler
