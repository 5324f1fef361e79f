#pragma once

/// Controller: the machinery every controller of the controller manager shares, after client-go's
/// controller pattern. Informer handlers turn changes into keys on a de-duplicating, rate-limited work
/// queue; `workers` workers take keys off the queue and call reconcile(key), which must be
/// level-triggered and idempotent (it reads the informers' caches, compares desired with actual state
/// and issues API requests through the controller's own rate-limited client).
///
/// Simulated time: a worker that takes a key is busy for `sync_cost` before reconcile runs, so a burst
/// of keys drains at workers / sync_cost. A reconcile that must wait for API replies (the ReplicaSet
/// controller's slow-start batches) returns Pending and keeps its worker until it calls finish().

#include "kubesim/client/event_recorder.hpp"
#include "kubesim/client/informer.hpp"
#include "kubesim/client/work_queue.hpp"
#include "kubesim/controllers/controller_manager_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kubesim::controllers {

using base::Duration;
using base::SimTime;
using client::ObjectRef;

struct ReconcileResult {
  enum class Outcome : std::uint8_t { Done, Requeue, RequeueAfter, Pending };
  Outcome outcome = Outcome::Done;
  Duration after;

  /// Success: the key's back-off is forgotten.
  static ReconcileResult done() { return {}; }
  /// Failure: retried after the key's rate-limited back-off.
  static ReconcileResult requeue() { return {Outcome::Requeue, {}}; }
  /// Success, but look again after `d` (minReadySeconds, deadlines).
  static ReconcileResult requeue_after(Duration d) { return {Outcome::RequeueAfter, d}; }
  /// The reconcile continues asynchronously; the worker stays busy until finish().
  static ReconcileResult pending() { return {Outcome::Pending, {}}; }
};

class ControllerManager;

class Controller {
 public:
  struct Options {
    std::string name;          // client identity and event source, e.g. "replicaset-controller"
    std::int32_t workers = 1;  // --concurrent-*-syncs
  };

  Controller(ControllerManager& manager, std::uint32_t index, Options options);
  virtual ~Controller() = default;
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  /// Registers informer handlers and arms periodic timers. Called once, after every controller exists.
  virtual void start() = 0;
  /// Reconciles one key. Runs when a worker has spent sync_cost on it.
  virtual ReconcileResult reconcile(const std::string& key) = 0;
  /// A reply to a request issued with want_reply (tag chosen by the controller).
  virtual void on_reply(const client::Reply& /*reply*/) {}
  /// The controller's own timer (EventKind::ControllerTimer) fired with `arg`.
  virtual void on_timer(std::uint32_t /*arg*/) {}

  // Dispatcher entry points.
  void handle_wake(std::uint32_t arg);
  void handle_reply(std::uint32_t slot);

  [[nodiscard]] const std::string& name() const { return options_.name; }
  [[nodiscard]] const client::WorkQueue& queue() const { return queue_; }
  [[nodiscard]] std::uint64_t syncs() const { return syncs_; }

 protected:
  /// Queues `key` for reconciling (and starts idle workers).
  void enqueue(const std::string& key);
  void enqueue_after(const std::string& key, Duration d);
  /// Ends a Pending reconcile of the worker `worker` (see current_worker()).
  void finish(std::uint32_t worker, ReconcileResult result);
  /// The worker running the current reconcile, for a reconcile that returns Pending.
  [[nodiscard]] std::uint32_t current_worker() const { return current_worker_; }
  /// Arms this controller's timer at `at` with `arg`.
  void schedule_timer(SimTime at, std::uint32_t arg);

  [[nodiscard]] sim::Simulation& sim() const;
  [[nodiscard]] SimTime now() const;
  [[nodiscard]] const ControllerManagerConfig& config() const;
  [[nodiscard]] client::Informer& informer(api::Kind kind) const;

  ControllerManager& manager_;
  std::uint32_t index_;
  Options options_;
  client::Client client_;
  client::EventRecorder recorder_;
  client::WorkQueue queue_;

 private:
  void pump();
  void complete(std::uint32_t worker, ReconcileResult result);

  struct Worker {
    std::string key;
    bool busy = false;
  };
  std::vector<Worker> workers_;
  std::int32_t busy_ = 0;
  std::uint32_t current_worker_ = 0;
  std::uint64_t syncs_ = 0;
};

}  // namespace kubesim::controllers
