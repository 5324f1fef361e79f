#pragma once

/// DefaultBinder (Bind): binds the pod through the API server's pods/binding subresource. Upstream
/// plugins/defaultbinder/default_binder.go.

#include "kubesim/scheduler/framework/framework.hpp"

namespace kubesim::scheduler {

class DefaultBinder final : public BindPlugin {
 public:
  static constexpr std::string_view kName = "DefaultBinder";
  /// Takes no arguments.
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  explicit DefaultBinder(FrameworkHandle& handle) : handle_(handle) {}
  [[nodiscard]] std::string_view name() const override { return kName; }
  Status bind(const PodInfo& pod, const std::string& node_name) override {
    handle_.bind_pod(pod.get(), node_name);
    return Status::success();
  }

 private:
  FrameworkHandle& handle_;
};

}  // namespace kubesim::scheduler
