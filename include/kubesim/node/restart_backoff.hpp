#pragma once

/// RestartBackoff: the kubelet's crash-loop back-off for one container (upstream flowcontrol.Backoff as
/// kuberuntime's doBackOff uses it; K8S-SEMANTICS §9).
///
/// Each time the container dies the delay before its restart is the initial 10 s, then double the
/// previous delay, capped at 300 s: 10, 20, 40, 80, 160, 300, 300, ... The back-off entry is updated
/// when the kubelet restarts the container; if the container then runs for more than twice the cap
/// (10 min) before dying again, the entry has expired and the delay starts over at 10 s.

#include "kubesim/base/time.hpp"

#include <algorithm>

namespace kubesim::node {

class RestartBackoff {
 public:
  RestartBackoff() = default;
  RestartBackoff(base::Duration initial, base::Duration max) : initial_(initial), max_(max) {}

  /// The container died at `died`: the delay before it may be restarted.
  [[nodiscard]] base::Duration on_death(base::SimTime died) {
    bool expired = delay_ == base::Duration::zero() || died - updated_ > max_ * 2;
    delay_ = expired ? initial_ : std::min(delay_ * 2, max_);
    return delay_;
  }
  /// The kubelet restarted the container at `at` (upstream's Next() records the time).
  void on_restart(base::SimTime at) { updated_ = at; }
  [[nodiscard]] base::Duration current() const { return delay_; }

 private:
  base::Duration initial_ = base::Duration::from_seconds(10);
  base::Duration max_ = base::Duration::from_seconds(300);
  base::Duration delay_ = base::Duration::zero();  // zero: no entry yet
  base::SimTime updated_;
};

}  // namespace kubesim::node
