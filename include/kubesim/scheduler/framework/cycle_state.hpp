#pragma once

/// CycleState: per-scheduling-cycle scratch space shared by a profile's plugins, keyed by plugin name
/// (framework.CycleState upstream). A plugin writes in PreFilter/PreScore and reads in Filter/Score.
/// Cleared at the start of every cycle; the slots are reused, so steady-state cycles do not allocate
/// for the map itself.

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::scheduler {

/// Base of anything stored in a CycleState.
class StateData {
 public:
  virtual ~StateData() = default;
};

class CycleState {
 public:
  /// Stores (or replaces) the data under `key`.
  void write(std::string_view key, std::unique_ptr<StateData> data) {
    for (auto& [k, v] : entries_) {
      if (k == key) {
        v = std::move(data);
        return;
      }
    }
    entries_.emplace_back(key, std::move(data));
  }
  /// The data under `key` cast to T, or nullptr.
  template <class T> [[nodiscard]] T* read(std::string_view key) const {
    for (const auto& [k, v] : entries_) {
      if (k == key) {
        return static_cast<T*>(v.get());
      }
    }
    return nullptr;
  }
  void clear() { entries_.clear(); }

 private:
  // A handful of plugins per profile: a flat vector beats a hash map here.
  std::vector<std::pair<std::string_view, std::unique_ptr<StateData>>> entries_;
};

}  // namespace kubesim::scheduler
