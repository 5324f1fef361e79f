#pragma once

/// CycleState: per-scheduling-cycle scratch space shared by a profile's plugins, keyed by plugin name
/// (framework.CycleState upstream). A plugin writes in PreFilter/PreScore and reads in Filter/Score.
/// Cleared at the start of every cycle; the slots are reused, so steady-state cycles do not allocate
/// for the map itself.
///
/// Preemption's dry run and the filter pass with nominated pods work on a clone() (upstream
/// CycleState.Clone): PreFilter plugins with extensions (PreFilterPlugin::add_pod/remove_pod) update
/// their data in the clone as pods are added to or removed from a copy of a node, and the original
/// stays as PreFilter left it.

#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::scheduler {

class PreFilterPlugin;

/// Base of anything stored in a CycleState.
class StateData {
 public:
  virtual ~StateData() = default;
  /// upstream StateData.Clone: an independent copy, for data that PreFilter extensions change after
  /// it is written. The default, nullptr, declares the data immutable once written: a cloned
  /// CycleState then shares it with the original instead of copying it (upstream's Clone of such
  /// data returns the same pointer too).
  [[nodiscard]] virtual std::unique_ptr<StateData> clone() const { return nullptr; }
};

class CycleState {
 public:
  CycleState() = default;
  CycleState(CycleState&&) noexcept = default;
  CycleState& operator=(CycleState&&) noexcept = default;
  // Copying would be ambiguous (deep or shared?): clone() says which.
  CycleState(const CycleState&) = delete;
  CycleState& operator=(const CycleState&) = delete;
  ~CycleState() = default;

  /// Stores (or replaces) the data under `key`.
  void write(std::string_view key, std::unique_ptr<StateData> data) {
    for (Entry& e : entries_) {
      if (e.key == key) {
        e.data = data.get();
        e.owned = std::move(data);
        return;
      }
    }
    StateData* raw = data.get();
    entries_.push_back(Entry{key, std::move(data), raw});
  }
  /// The data under `key` cast to T, or nullptr.
  template <class T> [[nodiscard]] T* read(std::string_view key) const {
    for (const Entry& e : entries_) {
      if (e.key == key) {
        return static_cast<T*>(e.data);
      }
    }
    return nullptr;
  }
  void clear() {
    entries_.clear();
    pre_filter_extensions_.clear();
  }

  /// upstream CycleState.Clone: every entry is copied with StateData::clone(); data whose clone() is
  /// nullptr is shared with this state, so the clone must not outlive it (preemption's dry run and
  /// the nominated-pods filter pass use the clone within the cycle). The PreFilter extension list is
  /// copied. O(size of the cloneable data).
  [[nodiscard]] CycleState clone() const {
    CycleState out;
    out.entries_.reserve(entries_.size());
    for (const Entry& e : entries_) {
      std::unique_ptr<StateData> copy = e.data == nullptr ? nullptr : e.data->clone();
      StateData* raw = copy ? copy.get() : e.data;
      out.entries_.push_back(Entry{e.key, std::move(copy), raw});
    }
    out.pre_filter_extensions_ = pre_filter_extensions_;
    return out;
  }

  /// The PreFilter plugins of this cycle whose AddPod/RemovePod extensions apply: those that have
  /// extensions and did not return Skip (upstream skips the plugins in CycleState.SkipFilterPlugins).
  /// Written by Framework::run_pre_filter, read by run_pre_filter_extension_add_pod/remove_pod.
  [[nodiscard]] std::span<PreFilterPlugin* const> pre_filter_extensions() const { return pre_filter_extensions_; }
  void set_pre_filter_extensions(std::span<PreFilterPlugin* const> plugins) {
    pre_filter_extensions_.assign(plugins.begin(), plugins.end());
  }
  void add_pre_filter_extension(PreFilterPlugin* plugin) { pre_filter_extensions_.push_back(plugin); }

 private:
  struct Entry {
    std::string_view key;
    std::unique_ptr<StateData> owned;  // null when shared with the state this one was cloned from
    StateData* data;                   // owned.get(), or the shared data
  };
  // A handful of plugins per profile: a flat vector beats a hash map here.
  std::vector<Entry> entries_;
  std::vector<PreFilterPlugin*> pre_filter_extensions_;
};

}  // namespace kubesim::scheduler
