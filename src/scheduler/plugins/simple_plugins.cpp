// Factories of the plugins whose logic fits in their headers.

#include "kubesim/scheduler/plugins/default_binder.hpp"
#include "kubesim/scheduler/plugins/priority_sort.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {
namespace {

base::Expected<std::unique_ptr<Plugin>, std::string> no_args(std::string_view name, const PluginArgs& args,
                                                             std::unique_ptr<Plugin> plugin) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", name));
  }
  return plugin;
}

}  // namespace

base::Expected<std::unique_ptr<Plugin>, std::string> PrioritySort::create(const PluginArgs& args,
                                                                          FrameworkHandle& /*handle*/) {
  return no_args(kName, args, std::make_unique<PrioritySort>());
}

base::Expected<std::unique_ptr<Plugin>, std::string> DefaultBinder::create(const PluginArgs& args,
                                                                           FrameworkHandle& handle) {
  return no_args(kName, args, std::make_unique<DefaultBinder>(handle));
}

}  // namespace kubesim::scheduler
