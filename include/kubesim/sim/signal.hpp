#pragma once

/// Signal<Args...>: an observation hook in the style of SimGrid's `on_*` signals. The model emits
/// (`on_pod_bound(pod)`) and observers (metrics, trace printers, history writers) connect to it; the
/// model never calls an observer directly. Observers run synchronously, in connection order, and must
/// not change model state.
///
/// Slots are std::function: signals fire per state change, not per event, and only when someone listens.

#include <functional>
#include <utility>
#include <vector>

namespace kubesim::sim {

template <class... Args> class Signal {
 public:
  using Slot = std::function<void(Args...)>;

  void connect(Slot slot) { slots_.push_back(std::move(slot)); }
  [[nodiscard]] bool has_observers() const { return !slots_.empty(); }

  template <class... CallArgs> void operator()(CallArgs&&... args) const {
    for (const Slot& s : slots_) {
      s(args...);
    }
  }

 private:
  std::vector<Slot> slots_;
};

}  // namespace kubesim::sim
