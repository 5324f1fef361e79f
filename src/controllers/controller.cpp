#include "kubesim/controllers/controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"

namespace kubesim::controllers {

Controller::Controller(ControllerManager& manager, std::uint32_t index, Options options)
    : manager_(manager), index_(index), options_(std::move(options)),
      client_(manager.server(), options_.name, client::Endpoint{sim::EventKind::ControllerReply, index}),
      recorder_(manager.sim(), client_, options_.name), queue_(manager.sim(), sim::EventKind::ControllerWake, index),
      workers_(static_cast<std::size_t>(std::max<std::int32_t>(options_.workers, 1))) {
  manager.server().set_rate_limit(client_.id(), manager.config().kube_api_qps, manager.config().kube_api_burst);
}

sim::Simulation& Controller::sim() const { return manager_.sim(); }
SimTime Controller::now() const { return manager_.sim().now(); }
const ControllerManagerConfig& Controller::config() const { return manager_.config(); }
client::Informer& Controller::informer(api::Kind kind) const { return manager_.informer(kind); }

void Controller::enqueue(const std::string& key) {
  queue_.add(key);
  pump();
}

void Controller::enqueue_after(const std::string& key, Duration d) {
  queue_.add_after(key, d);
  pump();
}

void Controller::schedule_timer(SimTime at, std::uint32_t arg) {
  sim().schedule_at(at, sim::EventKind::ControllerTimer, index_, arg);
}

void Controller::pump() {
  while (busy_ < static_cast<std::int32_t>(workers_.size()) && queue_.ready() > 0) {
    std::uint32_t w = 0;
    while (workers_[w].busy) {
      ++w;
    }
    workers_[w].key = *queue_.get();
    workers_[w].busy = true;
    ++busy_;
    sim().schedule_after(config().sync_cost, sim::EventKind::ControllerWake, index_, w);
  }
}

void Controller::handle_wake(std::uint32_t arg) {
  if (arg == client::kQueueTimer) {
    queue_.on_timer();
    pump();
    return;
  }
  current_worker_ = arg;
  ++syncs_;
  ReconcileResult result = reconcile(workers_[arg].key);
  if (result.outcome != ReconcileResult::Outcome::Pending) {
    complete(arg, result);
  }
}

void Controller::finish(std::uint32_t worker, ReconcileResult result) {
  KUBESIM_ASSERT(result.outcome != ReconcileResult::Outcome::Pending, "finish() with a Pending result");
  complete(worker, result);
}

void Controller::complete(std::uint32_t worker, ReconcileResult result) {
  Worker& w = workers_[worker];
  KUBESIM_ASSERT(w.busy, "completing an idle worker");
  // processNextWorkItem: Forget on success, AddRateLimited on error, then Done.
  switch (result.outcome) {
  case ReconcileResult::Outcome::Done:
    queue_.forget(w.key);
    break;
  case ReconcileResult::Outcome::Requeue:
    queue_.add_rate_limited(w.key);
    break;
  case ReconcileResult::Outcome::RequeueAfter:
    queue_.forget(w.key);
    queue_.add_after(w.key, result.after);
    break;
  case ReconcileResult::Outcome::Pending:
    break;
  }
  queue_.done(w.key);
  w.busy = false;
  w.key.clear();
  --busy_;
  pump();
}

void Controller::handle_reply(std::uint32_t slot) { on_reply(client_.take_reply(slot)); }

}  // namespace kubesim::controllers
