#include "kubesim/apiserver/api_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace kubesim::apiserver {
namespace {

std::string_view resource_name(Kind k) {
  switch (k) {
  case Kind::Node:
    return "nodes";
  case Kind::Pod:
    return "pods";
  case Kind::Service:
    return "services";
  case Kind::ReplicaSet:
    return "replicasets";
  case Kind::Deployment:
    return "deployments";
  case Kind::PriorityClass:
    return "priorityclasses";
  case Kind::PodDisruptionBudget:
    return "poddisruptionbudgets";
  case Kind::Event:
    return "events";
  case Kind::Lease:
    return "leases";
  case Kind::Endpoints:
    return "endpoints";
  case Kind::EndpointSlice:
    return "endpointslices";
  case Kind::Job:
    return "jobs";
  }
  return "unknown";
}

bool pod_matches(const WatchFilter& f, const ObjectRef& ref) {
  if (!ref) {
    return false;
  }
  const auto* pod = static_cast<const api::Pod*>(ref.ptr.get());
  if (!f.node_name.empty() && pod->spec.node_name != f.node_name) {
    return false;
  }
  return !(f.exclude_terminal_pods && pod->is_terminal());
}

bool has_toleration(const std::vector<api::Toleration>& ts, std::string_view key) {
  return std::any_of(ts.begin(), ts.end(), [&](const api::Toleration& t) {
    return (t.key == key || t.key.empty()) &&
           (t.effect == api::TaintEffect::NoExecute || t.effect == api::TaintEffect::None);
  });
}

template <class T> std::uint32_t take_slot(std::vector<T>& slab, std::vector<std::uint32_t>& free_list, T value) {
  if (!free_list.empty()) {
    std::uint32_t slot = free_list.back();
    free_list.pop_back();
    slab[slot] = std::move(value);
    return slot;
  }
  slab.push_back(std::move(value));
  return static_cast<std::uint32_t>(slab.size() - 1);
}

}  // namespace

std::string_view result_code_name(ResultCode c) {
  switch (c) {
  case ResultCode::Ok:
    return "OK";
  case ResultCode::NotFound:
    return "NotFound";
  case ResultCode::AlreadyExists:
    return "AlreadyExists";
  case ResultCode::Conflict:
    return "Conflict";
  case ResultCode::Invalid:
    return "Invalid";
  case ResultCode::Forbidden:
    return "Forbidden";
  case ResultCode::TooManyRequests:
    return "TooManyRequests";
  case ResultCode::ServiceUnavailable:
    return "ServiceUnavailable";
  case ResultCode::InternalError:
    return "InternalError";
  }
  return "Unknown";
}

ApiServer::ApiServer(sim::Simulation& sim, ApiServerConfig config)
    : sim_(sim), config_(std::move(config)), store_(config_.history_window), rng_(sim.rng_stream("apiserver")) {}

ClientId ApiServer::register_client(std::string_view name) {
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (clients_[i] == name) {
      return static_cast<ClientId>(i);
    }
  }
  clients_.emplace_back(name);
  limiters_.emplace_back(0.0, 0);
  throttled_.emplace_back(Duration::zero());
  return static_cast<ClientId>(clients_.size() - 1);
}

// --- requests -------------------------------------------------------------------------------------

void ApiServer::set_rate_limit(ClientId id, double qps, std::int32_t burst) {
  limiters_[id] = base::TokenBucket(qps, burst);
}

Duration ApiServer::throttled(ClientId id) const { return throttled_[id]; }

void ApiServer::submit(Request r) {
  Duration wait = limiters_[r.client].reserve(sim_.now());
  throttled_[r.client] = throttled_[r.client] + wait;
  Duration latency = wait + scaled(config_.latency[static_cast<std::size_t>(r.verb)].sample(rng_));
  r.latency = latency;
  std::uint32_t slot = take_slot(requests_, free_requests_, std::move(r));
  sim_.schedule_after(latency, sim::EventKind::ApiRequest, 0, slot);
}

void ApiServer::create(ClientId client, api::AnyObject object, Endpoint reply_to, std::uint64_t tag) {
  Request r;
  r.client = client;
  r.verb = Verb::Create;
  r.kind = api::kind_of_object(object);
  r.object = std::make_unique<api::AnyObject>(std::move(object));
  r.reply_to = reply_to;
  r.tag = tag;
  submit(std::move(r));
}

void ApiServer::update(ClientId client, api::AnyObject object, Endpoint reply_to, std::uint64_t tag) {
  Request r;
  r.client = client;
  r.verb = Verb::Update;
  r.kind = api::kind_of_object(object);
  r.object = std::make_unique<api::AnyObject>(std::move(object));
  r.reply_to = reply_to;
  r.tag = tag;
  submit(std::move(r));
}

void ApiServer::update_status(ClientId client, api::AnyObject object, Endpoint reply_to, std::uint64_t tag) {
  Request r;
  r.client = client;
  r.verb = Verb::UpdateStatus;
  r.kind = api::kind_of_object(object);
  r.object = std::make_unique<api::AnyObject>(std::move(object));
  r.reply_to = reply_to;
  r.tag = tag;
  submit(std::move(r));
}

void ApiServer::remove(ClientId client, Kind kind, std::string ns, std::string name, Endpoint reply_to,
                       std::uint64_t tag, std::optional<std::int64_t> grace_period_seconds, Propagation propagation) {
  Request r;
  r.client = client;
  r.verb = Verb::Delete;
  r.kind = kind;
  r.ns = std::move(ns);
  r.name = std::move(name);
  r.grace = grace_period_seconds;
  r.propagation = propagation;
  r.reply_to = reply_to;
  r.tag = tag;
  submit(std::move(r));
}

void ApiServer::bind(ClientId client, std::string ns, std::string name, std::string node_name, Endpoint reply_to,
                     std::uint64_t tag) {
  Request r;
  r.client = client;
  r.verb = Verb::Create;  // POST pods/binding
  r.is_binding = true;
  r.kind = Kind::Pod;
  r.ns = std::move(ns);
  r.name = std::move(name);
  r.node_name = std::move(node_name);
  r.reply_to = reply_to;
  r.tag = tag;
  submit(std::move(r));
}

void ApiServer::evict(ClientId client, std::string ns, std::string name, Endpoint reply_to, std::uint64_t tag,
                      std::optional<std::int64_t> grace_period_seconds) {
  Request r;
  r.client = client;
  r.verb = Verb::Create;  // POST of an Eviction object to the pod's eviction subresource
  r.is_eviction = true;
  r.kind = Kind::Pod;
  r.ns = std::move(ns);
  r.name = std::move(name);
  r.grace = grace_period_seconds;
  r.reply_to = reply_to;
  r.tag = tag;
  submit(std::move(r));
}

// --- faults ---------------------------------------------------------------------------------------

void ApiServer::set_latency_factor(std::int64_t factor_milli, SimTime until) {
  KUBESIM_ASSERT(factor_milli >= 1000, "latency factor {}/1000 < 1", factor_milli);
  latency_factor_milli_ = factor_milli;
  slow_until_ = until;
}

void ApiServer::set_outage(SimTime until) {
  outage_from_ = sim_.now();
  outage_until_ = until;
}

bool ApiServer::available() const { return !(sim_.now() >= outage_from_ && sim_.now() < outage_until_); }

Duration ApiServer::scaled(Duration d) const {
  if (sim_.now() >= slow_until_ || latency_factor_milli_ == 1000) {
    return d;
  }
  __extension__ using Wide = __int128;
  Wide ns = static_cast<Wide>(d.nanos()) * latency_factor_milli_ / 1000;
  constexpr auto kMax = static_cast<Wide>(std::numeric_limits<std::int64_t>::max() / 4);  // far beyond any run
  return Duration::from_nanos(static_cast<std::int64_t>(std::min(ns, kMax)));
}

void ApiServer::handle_request(std::uint32_t slot) {
  Request r = std::move(requests_[slot]);
  requests_[slot] = Request{};
  free_requests_.push_back(slot);

  // During an outage nothing reaches the store; the client sees what kube-apiserver's load balancer
  // answers when no server is healthy.
  Reply reply =
      available()
          ? apply(r)
          : Reply{ResultCode::ServiceUnavailable, "the server is currently unable to handle the request", 0, {}};
  std::string resource(resource_name(r.kind));
  if (r.is_binding) {
    resource += "/binding";
  } else if (r.is_eviction) {
    resource += "/eviction";
  } else if (r.verb == Verb::UpdateStatus) {
    resource += "/status";
  }
  count(r.client, r.verb, resource, reply.code != ResultCode::Ok, r.latency);
  if (r.reply_to.kind != sim::EventKind::None) {
    reply.tag = r.tag;
    std::uint32_t rs = take_slot(replies_, free_replies_, std::move(reply));
    sim_.schedule_after(Duration::zero(), r.reply_to.kind, r.reply_to.target, rs);
  }
}

Reply ApiServer::apply(Request& r) {
  if (r.is_binding) {
    return apply_bind(r);
  }
  if (r.is_eviction) {
    return apply_evict(r);
  }
  switch (r.verb) {
  case Verb::Create:
    return apply_create(r);
  case Verb::Update:
    return apply_update(r, false);
  case Verb::UpdateStatus:
    return apply_update(r, true);
  case Verb::Delete:
    return apply_delete(r);
  case Verb::Get:
  case Verb::List:
  case Verb::Watch:
    break;
  }
  KUBESIM_ASSERT(false, "verb {} is not asynchronous", verb_name(r.verb));
  return Reply{ResultCode::Invalid, "unsupported verb", 0, {}};
}

namespace {

std::string invalid_message(const api::AnyObject& obj, const std::vector<FieldError>& errors) {
  std::string msg =
      fmt::format("{} \"{}\" is invalid: ", api::kind_name(api::kind_of_object(obj)), api::meta_of(obj).name);
  for (std::size_t i = 0; i < errors.size(); ++i) {
    msg += fmt::format("{}{}: {}", i == 0 ? "" : ", ", errors[i].path, errors[i].message);
  }
  return msg;
}

}  // namespace

void ApiServer::admit(api::AnyObject& object, std::vector<FieldError>& errors) {
  auto* pod = std::get_if<api::Pod>(&object);
  if (pod == nullptr) {
    return;
  }
  // Priority admission: resolve priorityClassName (or the global default class) into spec.priority.
  if (!pod->spec.priority_class_name.empty()) {
    auto pc = store_.get<api::PriorityClass>("", pod->spec.priority_class_name);
    if (pc == nullptr) {
      errors.push_back({"spec.priorityClassName",
                        fmt::format("no PriorityClass with name {} was found", pod->spec.priority_class_name)});
    } else {
      pod->spec.priority = pc->value;
      if (!pod->spec.preemption_policy) {
        pod->spec.preemption_policy = pc->preemption_policy;
      }
    }
  } else if (!pod->spec.priority) {
    std::shared_ptr<const api::PriorityClass> best;
    for (const ObjectRef& ref : store_.list(Kind::PriorityClass)) {
      auto pc = ref.as<api::PriorityClass>();
      // Upstream picks the global default with the lowest value when several claim it.
      if (pc->global_default && (best == nullptr || pc->value < best->value)) {
        best = pc;
      }
    }
    if (best != nullptr) {
      pod->spec.priority_class_name = best->metadata.name;
      pod->spec.priority = best->value;
      if (!pod->spec.preemption_policy) {
        pod->spec.preemption_policy = best->preemption_policy;
      }
    } else {
      pod->spec.priority = 0;
    }
  }
  if (!pod->spec.preemption_policy) {
    pod->spec.preemption_policy = api::PreemptionPolicy::PreemptLowerPriority;
  }
  // DefaultTolerationSeconds admission: tolerate not-ready/unreachable for 300 s unless the pod
  // already has a toleration for that taint key.
  for (std::string_view key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
    if (!has_toleration(pod->spec.tolerations, key)) {
      api::Toleration t;
      t.key = std::string(key);
      t.op = api::TolerationOperator::Exists;
      t.effect = api::TaintEffect::NoExecute;
      t.toleration_seconds = 300;
      pod->spec.tolerations.push_back(std::move(t));
    }
  }
}

std::string ApiServer::generate_name_suffix() {
  // Upstream's alphabet for generated names (no vowels, no confusable characters), length 5.
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string s(5, ' ');
  for (char& c : s) {
    c = kAlphabet[rng_.uniform_below(kAlphabet.size())];
  }
  return s;
}

Reply ApiServer::apply_create(Request& r) {
  api::AnyObject& obj = *r.object;
  api::ObjectMeta& meta = api::meta_of(obj);
  if (meta.name.empty() && !meta.generate_name.empty()) {
    meta.name = meta.generate_name + generate_name_suffix();
  }
  apply_defaults(obj);
  if (auto* job = std::get_if<api::Job>(&obj)) {
    // The job strategy's PrepareForCreate runs after the uid is filled in: it names the uid.
    generate_job_selector(*job, fmt::format("uid-{:06}", next_uid_));
  }
  std::vector<FieldError> errors;
  admit(obj, errors);
  if (errors.empty()) {
    errors = validate_object(obj);
  }
  if (!errors.empty()) {
    return Reply{ResultCode::Invalid, invalid_message(obj, errors), 0, {}};
  }
  if (store_.get(r.kind, meta.namespace_, meta.name)) {
    return Reply{
        ResultCode::AlreadyExists, fmt::format("{} \"{}\" already exists", resource_name(r.kind), meta.name), 0, {}};
  }
  meta.uid = fmt::format("uid-{:06}", next_uid_++);
  meta.creation_timestamp = sim_.now();
  meta.generation = 1;
  meta.deletion_timestamp.reset();
  return std::visit([&](auto& typed) { return commit(r, store_.create(std::move(typed))); }, obj);
}

Reply ApiServer::apply_update(Request& r, bool status_only) {
  api::AnyObject& obj = *r.object;
  const api::ObjectMeta& in_meta = api::meta_of(obj);
  ObjectRef current = store_.get(r.kind, in_meta.namespace_, in_meta.name);
  if (!current) {
    return Reply{
        ResultCode::NotFound, fmt::format("{} \"{}\" not found", api::kind_name(r.kind), object_key(in_meta)), 0, {}};
  }
  ResourceVersion expected = in_meta.resource_version;
  return std::visit(
      [&](auto& typed) -> Reply {
        using T = std::decay_t<decltype(typed)>;
        const T& stored = *current.as<T>();
        T next = stored;
        if (status_only) {
          if constexpr (requires { next.status; }) {
            next.status = std::move(typed.status);
          }
        } else {
          // Spec and user metadata come from the request; identity fields stay the server's.
          api::ObjectMeta keep = stored.metadata;
          next = std::move(typed);
          next.metadata.uid = keep.uid;
          next.metadata.creation_timestamp = keep.creation_timestamp;
          next.metadata.deletion_timestamp = keep.deletion_timestamp;
          next.metadata.deletion_grace_period_seconds = keep.deletion_grace_period_seconds;
          next.metadata.generation = keep.generation;
          if constexpr (requires { next.spec; }) {
            api::AnyObject probe = next;
            apply_defaults(probe);
            next = std::get<T>(std::move(probe));
          }
          if constexpr (requires { next.status; }) {
            next.status = stored.status;  // status changes only through the status subresource
          }
          // The last finalizer of an object marked for deletion (grace 0) is gone: delete it now.
          if (keep.deletion_timestamp && keep.deletion_grace_period_seconds == 0 && !keep.finalizers.empty() &&
              next.metadata.finalizers.empty()) {
            return commit(r, store_.remove(r.kind, keep.namespace_, keep.name));
          }
          // Workload kinds count spec changes in metadata.generation (their controllers report the
          // generation they acted on as status.observedGeneration).
          if constexpr (std::is_same_v<T, api::ReplicaSet> || std::is_same_v<T, api::Deployment> ||
                        std::is_same_v<T, api::Job> || std::is_same_v<T, api::PodDisruptionBudget>) {
            if (!(next.spec == stored.spec)) {
              next.metadata.generation = keep.generation + 1;
            }
          }
        }
        std::vector<FieldError> errors = validate_object(api::AnyObject(next));
        if (!errors.empty()) {
          return Reply{ResultCode::Invalid, invalid_message(api::AnyObject(next), errors), 0, {}};
        }
        return commit(r, store_.update(std::move(next), expected));
      },
      obj);
}

Reply ApiServer::apply_delete(Request& r) {
  ObjectRef current = store_.get(r.kind, r.ns, r.name);
  if (!current) {
    return Reply{ResultCode::NotFound, fmt::format("{} \"{}\" not found", api::kind_name(r.kind), r.name), 0, {}};
  }
  // Deletion propagation (registry/generic Store.Delete + deletionFinalizersForGarbageCollection):
  // Foreground and Orphan become finalizers the garbage collector honours before the object goes.
  std::string_view wanted;
  if (r.propagation == Propagation::Foreground) {
    wanted = kFinalizerForeground;
  } else if (r.propagation == Propagation::Orphan) {
    wanted = kFinalizerOrphan;
  }
  const api::ObjectMeta& cur_meta = current.meta();
  bool has_wanted = wanted.empty() || std::find(cur_meta.finalizers.begin(), cur_meta.finalizers.end(), wanted) !=
                                          cur_meta.finalizers.end();
  bool pod_grace = false;
  if (r.kind == Kind::Pod) {
    auto pod = current.as<api::Pod>();
    std::int64_t grace = r.grace.value_or(pod->spec.termination_grace_period_seconds.value_or(30));
    pod_grace = grace > 0 && !pod->spec.node_name.empty() && !pod->is_terminal();
  }
  if (!pod_grace && (!cur_meta.finalizers.empty() || !has_wanted)) {
    // Marked, not removed: the finalizers' owners (the garbage collector) finish the deletion.
    return api::visit_kind(r.kind, [&](const auto* tag) -> Reply {
      using T = std::remove_cv_t<std::remove_pointer_t<decltype(tag)>>;
      T next = *current.as<T>();
      if (!has_wanted) {
        next.metadata.finalizers.emplace_back(wanted);
      }
      if (!next.metadata.deletion_timestamp) {
        next.metadata.deletion_timestamp = sim_.now();
      } else if (has_wanted && next.metadata.deletion_grace_period_seconds == 0) {
        return Reply{ResultCode::Ok, {}, 0, current};  // already being deleted
      }
      // Grace 0: the object goes as soon as its last finalizer is removed.
      next.metadata.deletion_grace_period_seconds = 0;
      return commit(r, store_.update(std::move(next), 0));
    });
  }
  if (r.kind == Kind::Pod) {
    auto pod = current.as<api::Pod>();
    std::int64_t grace = r.grace.value_or(pod->spec.termination_grace_period_seconds.value_or(30));
    // Graceful deletion: a pod on a node is marked; its kubelet stops it and confirms with grace 0.
    // Unbound pods and pods that already finished have nothing to stop and go at once (upstream's
    // "immediate deletion" cases).
    if (grace > 0 && !pod->spec.node_name.empty() && !pod->is_terminal()) {
      if (pod->metadata.deletion_timestamp) {
        return Reply{ResultCode::Ok, {}, 0, current};  // already terminating
      }
      api::Pod next = *pod;
      next.metadata.deletion_timestamp = sim_.now() + Duration::from_seconds(grace);
      next.metadata.deletion_grace_period_seconds = grace;
      return commit(r, store_.update(std::move(next), 0));
    }
  }
  return commit(r, store_.remove(r.kind, r.ns, r.name));
}

Reply ApiServer::apply_bind(Request& r) {
  auto pod = store_.get<api::Pod>(r.ns, r.name);
  if (pod == nullptr || pod->metadata.deletion_timestamp) {
    return Reply{ResultCode::NotFound, fmt::format("pods \"{}\" not found", r.name), 0, {}};
  }
  if (!pod->spec.node_name.empty()) {
    return Reply{ResultCode::Conflict,
                 fmt::format("Operation cannot be fulfilled on pods/binding \"{}\": pod {} is already assigned to node "
                             "\"{}\"",
                             r.name, r.name, pod->spec.node_name),
                 0,
                 {}};
  }
  api::Pod next = *pod;
  next.spec.node_name = r.node_name;
  next.status.set_condition(api::PodCondition{"PodScheduled", api::ConditionStatus::True, "", "", sim_.now()});
  return commit(r, store_.update(std::move(next), 0));
}

namespace {

// MaxDisruptedPodSize in pkg/registry/core/pod/storage/eviction.go: evictions admitted but not yet seen by
// the disruption controller.
constexpr std::size_t kMaxDisruptedPodSize = 2000;
constexpr std::string_view kPdbViolation = "Cannot evict pod as it would violate the pod's disruption budget.";

Reply pdb_forbidden(const api::PodDisruptionBudget& pdb, std::string_view why) {
  return Reply{ResultCode::Forbidden,
               fmt::format("poddisruptionbudgets.policy \"{}\" is forbidden: {}", pdb.metadata.name, why),
               0,
               {}};
}

}  // namespace

Reply ApiServer::apply_evict(Request& r) {
  auto pod = store_.get<api::Pod>(r.ns, r.name);
  if (pod == nullptr) {
    return Reply{ResultCode::NotFound, fmt::format("pods \"{}\" not found", r.name), 0, {}};
  }
  // canIgnorePDB: a terminal or pending pod disrupts nothing more by going, and a terminating one is
  // going anyway.
  bool ignore_pdbs = pod->is_terminal() || pod->status.phase == api::PodPhase::Pending || pod->is_terminating();
  if (ignore_pdbs) {
    return evict_pod(r, *pod);
  }
  std::shared_ptr<const api::PodDisruptionBudget> pdb;
  std::size_t matching = 0;
  for (const ObjectRef& ref : store_.list(Kind::PodDisruptionBudget)) {
    auto candidate = ref.as<api::PodDisruptionBudget>();
    // A PDB with a missing or empty selector matches nothing here (unlike the disruption controller,
    // where policy/v1's empty selector selects every pod): upstream's getPodDisruptionBudgets.
    if (candidate->metadata.namespace_ != pod->metadata.namespace_ || !candidate->spec.selector ||
        candidate->spec.selector->empty() || !candidate->spec.selector->matches(pod->metadata.labels)) {
      continue;
    }
    ++matching;
    pdb = std::move(candidate);
  }
  if (matching > 1) {
    return Reply{ResultCode::InternalError,
                 "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                 0,
                 {}};
  }
  if (pdb == nullptr) {
    return evict_pod(r, *pod);
  }
  const api::PodDisruptionBudgetStatus& st = pdb->status;
  // An unready pod does not count as healthy: evicting it costs no budget when the policy always allows
  // it, or (IfHealthyBudget, the default) when the application is healthy without it.
  if (!pod->is_ready()) {
    if (pdb->spec.unhealthy_pod_eviction_policy == "AlwaysAllow" ||
        (st.current_healthy >= st.desired_healthy && st.desired_healthy > 0)) {
      return evict_pod(r, *pod);
    }
  }
  // checkAndDecrement. A PDB whose status the disruption controller has not yet written for its current
  // generation (observedGeneration 0 right after creation) refuses, like one with no disruptions left.
  if (st.observed_generation < pdb->metadata.generation) {
    return Reply{ResultCode::TooManyRequests, std::string(kPdbViolation), 0, {}};
  }
  if (st.disruptions_allowed < 0) {
    return pdb_forbidden(*pdb, "pdb disruptions allowed is negative");
  }
  if (st.disrupted_pods.size() > kMaxDisruptedPodSize) {
    return pdb_forbidden(*pdb, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  }
  if (st.disruptions_allowed == 0) {
    return Reply{ResultCode::TooManyRequests, std::string(kPdbViolation), 0, {}};
  }
  api::PodDisruptionBudget next = *pdb;
  --next.status.disruptions_allowed;
  if (next.status.disruptions_allowed == 0) {
    // pdbhelper.UpdateDisruptionAllowedCondition, as the eviction handler calls it.
    api::MetaCondition c{std::string(api::kDisruptionAllowedCondition),
                         api::ConditionStatus::False,
                         next.status.observed_generation,
                         sim_.now(),
                         std::string(api::kInsufficientPodsReason),
                         ""};
    bool found = false;
    for (api::MetaCondition& existing : next.status.conditions) {
      if (existing.type == c.type) {
        found = true;
        if (existing.status != c.status) {
          existing.last_transition_time = c.last_transition_time;
        }
        existing.status = c.status;
        existing.reason = c.reason;
        existing.message = c.message;
        existing.observed_generation = c.observed_generation;
      }
    }
    if (!found) {
      next.status.conditions.push_back(std::move(c));
    }
  }
  // The disruption controller will not count this pod as healthy while it is listed here.
  next.status.disrupted_pods.set(pod->metadata.name, sim_.now());
  Request status_write;
  status_write.client = r.client;
  status_write.verb = Verb::UpdateStatus;
  status_write.kind = Kind::PodDisruptionBudget;
  status_write.name = pdb->metadata.name;
  Reply written = commit(status_write, store_.update(std::move(next), pdb->metadata.resource_version));
  if (written.code != ResultCode::Ok) {
    return written;
  }
  return evict_pod(r, *pod);
}

Reply ApiServer::evict_pod(const Request& r, const api::Pod& pod) {
  // addConditionAndDeletePod (PodDisruptionConditions, on by default since v1.26): the condition is
  // written first so that whoever watches the pod learns why it is going.
  api::Pod next = pod;
  next.status.set_condition(api::PodCondition{"DisruptionTarget", api::ConditionStatus::True, "EvictionByEvictionAPI",
                                              "Eviction API: evicting", sim_.now()});
  if (!(next.status == pod.status)) {
    Request condition_write;
    condition_write.client = r.client;
    condition_write.verb = Verb::Update;
    condition_write.kind = Kind::Pod;
    condition_write.name = pod.metadata.name;
    Reply written = commit(condition_write, store_.update(std::move(next), 0));
    if (written.code != ResultCode::Ok) {
      return written;
    }
  }
  Request deletion;
  deletion.client = r.client;
  deletion.verb = Verb::Delete;
  deletion.kind = Kind::Pod;
  deletion.ns = pod.metadata.namespace_;
  deletion.name = pod.metadata.name;
  deletion.grace = r.grace;
  return apply_delete(deletion);
}

Reply ApiServer::commit(const Request& r, base::Expected<Change, store::StoreError> result) {
  if (!result) {
    switch (result.error()) {
    case store::StoreError::AlreadyExists:
      return Reply{ResultCode::AlreadyExists,
                   fmt::format("{} \"{}\" already exists", resource_name(r.kind),
                               r.object ? api::meta_of(*r.object).name : r.name),
                   0,
                   {}};
    case store::StoreError::Conflict:
      return Reply{ResultCode::Conflict,
                   fmt::format("Operation cannot be fulfilled on {}: the object has been modified; please apply "
                               "your changes to the latest version and try again",
                               resource_name(r.kind)),
                   0,
                   {}};
    case store::StoreError::NotFound:
    case store::StoreError::Expired:
      return Reply{ResultCode::NotFound, fmt::format("{} not found", resource_name(r.kind)), 0, {}};
    }
  }
  const Change& c = result.value();
  fan_out(c);
  if (on_change.has_observers()) {
    on_change(sim_.now(), r.verb, r.client, c);
  }
  return Reply{ResultCode::Ok, {}, 0, c.object};
}

// --- watches --------------------------------------------------------------------------------------

void ApiServer::deliver(std::uint32_t watcher, WatchEvent ev, bool live) {
  Watcher& w = watchers_[watcher];
  // Per-watcher delay is drawn independently but deliveries never overtake each other.
  SimTime at = std::max(sim_.now() + scaled(config_.watch_delay.sample(rng_)), w.last_delivery);
  // An outage holds watch streams open but silent: what falls in the window arrives when it ends.
  if (at >= outage_from_ && at < outage_until_) {
    at = outage_until_;
  }
  w.last_delivery = at;
  if (live) {
    Duration lag = at - sim_.now();
    ++w.lag_events;
    w.lag_sum = w.lag_sum + lag;
    w.lag_max = std::max(w.lag_max, lag);
  }
  std::uint32_t slot = take_slot(deliveries_, free_deliveries_, std::move(ev));
  sim_.schedule_at(at, w.deliver_to.kind, w.deliver_to.target, slot);
}

void ApiServer::fan_out(const Change& c) {
  const Kind kind = c.object.kind;
  auto send_filtered = [&](std::uint32_t id) {
    const Watcher& w = watchers_[id];
    if (kind != Kind::Pod) {
      deliver(id, WatchEvent{c.type, c.rv, c.object}, true);
      return;
    }
    // Field-selector semantics: entering the filter is Added, leaving it is Deleted.
    bool now_in = c.type != ChangeType::Deleted && pod_matches(w.filter, c.object);
    bool was_in = c.type == ChangeType::Deleted ? pod_matches(w.filter, c.object)
                  : c.type == ChangeType::Added ? false
                                                : pod_matches(w.filter, c.previous);
    if (now_in && was_in) {
      deliver(id, WatchEvent{ChangeType::Modified, c.rv, c.object}, true);
    } else if (now_in) {
      deliver(id, WatchEvent{ChangeType::Added, c.rv, c.object}, true);
    } else if (was_in) {
      deliver(id, WatchEvent{ChangeType::Deleted, c.rv, c.object}, true);
    }
  };
  for (std::uint32_t id : watchers_by_kind_[static_cast<std::size_t>(kind)]) {
    send_filtered(id);
  }
  if (kind == Kind::Pod) {
    const auto& pod = *static_cast<const api::Pod*>(c.object.ptr.get());
    if (!pod.spec.node_name.empty()) {
      auto it = pod_watchers_by_node_.find(pod.spec.node_name);
      if (it != pod_watchers_by_node_.end()) {
        for (std::uint32_t id : it->second) {
          send_filtered(id);
        }
      }
    }
  }
}

std::uint32_t ApiServer::list_and_watch(ClientId client, Kind kind, WatchFilter filter, Endpoint deliver_to) {
  count(client, Verb::List, resource_name(kind), false);
  count(client, Verb::Watch, resource_name(kind), false);
  auto id = static_cast<std::uint32_t>(watchers_.size());
  Duration list_latency = scaled(config_.latency[static_cast<std::size_t>(Verb::List)].sample(rng_));
  watchers_.push_back(Watcher{client, kind, filter, deliver_to, sim_.now() + list_latency, 0, {}, {}});
  for (const ObjectRef& ref : store_.list(kind)) {
    if (kind != Kind::Pod || pod_matches(filter, ref)) {
      deliver(id, WatchEvent{ChangeType::Added, ref.meta().resource_version, ref});
    }
  }
  if (kind == Kind::Pod && !filter.node_name.empty()) {
    pod_watchers_by_node_[filter.node_name].push_back(id);
  } else {
    watchers_by_kind_[static_cast<std::size_t>(kind)].push_back(id);
  }
  return id;
}

base::Expected<std::uint32_t, store::StoreError> ApiServer::watch(ClientId client, Kind kind, ResourceVersion from_rv,
                                                                  WatchFilter filter, Endpoint deliver_to) {
  auto history = store_.changes_since(kind, from_rv);
  if (!history) {
    count(client, Verb::Watch, resource_name(kind), true);
    return base::unexpected(history.error());
  }
  count(client, Verb::Watch, resource_name(kind), false);
  auto id = static_cast<std::uint32_t>(watchers_.size());
  watchers_.push_back(Watcher{client, kind, filter, deliver_to, sim_.now(), 0, {}, {}});
  if (kind == Kind::Pod && !filter.node_name.empty()) {
    pod_watchers_by_node_[filter.node_name].push_back(id);
  } else {
    watchers_by_kind_[static_cast<std::size_t>(kind)].push_back(id);
  }
  for (const Change& c : history.value()) {
    if (kind != Kind::Pod) {
      deliver(id, WatchEvent{c.type, c.rv, c.object});
    } else if (pod_matches(filter, c.object)) {
      deliver(id, WatchEvent{c.type, c.rv, c.object});
    }
  }
  return id;
}

Reply ApiServer::take_reply(std::uint32_t slot) {
  Reply r = std::move(replies_[slot]);
  replies_[slot] = Reply{};
  free_replies_.push_back(slot);
  return r;
}

WatchEvent ApiServer::take_watch_event(std::uint32_t slot) {
  WatchEvent ev = std::move(deliveries_[slot]);
  deliveries_[slot] = WatchEvent{};
  free_deliveries_.push_back(slot);
  return ev;
}

// --- reads and counts -----------------------------------------------------------------------------

ObjectRef ApiServer::get(ClientId client, Kind kind, std::string_view ns, std::string_view name) {
  ObjectRef r = store_.get(kind, ns, name);
  count(client, Verb::Get, resource_name(kind), !r);
  return r;
}

std::vector<ObjectRef> ApiServer::list(ClientId client, Kind kind) {
  count(client, Verb::List, resource_name(kind), false);
  return store_.list(kind);
}

void ApiServer::count(ClientId client, Verb verb, std::string_view resource, bool failed,
                      std::optional<Duration> latency) {
  CountEntry& entry = counts_[std::make_tuple(client, verb, std::string(resource))];
  ++entry.count;
  entry.failed += failed ? 1 : 0;
  if (latency) {
    ++entry.timed;
    entry.latency_sum = entry.latency_sum + *latency;
    entry.latency_max = std::max(entry.latency_max, *latency);
  }
}

std::vector<RequestCount> ApiServer::request_counts() const {
  std::vector<RequestCount> out;
  for (const auto& [key, value] : counts_) {
    out.push_back(RequestCount{clients_[std::get<0>(key)], std::get<1>(key), std::get<2>(key), value.count,
                               value.failed, value.timed, value.latency_sum, value.latency_max});
  }
  std::sort(out.begin(), out.end(), [](const RequestCount& a, const RequestCount& b) {
    return std::tie(a.client, a.verb, a.resource) < std::tie(b.client, b.verb, b.resource);
  });
  return out;
}

std::vector<WatchLag> ApiServer::watch_lags() const {
  std::map<std::pair<std::string, std::string>, WatchLag> by_key;
  for (const Watcher& w : watchers_) {
    if (w.lag_events == 0) {
      continue;
    }
    std::pair<std::string, std::string> key{clients_[w.client], std::string(resource_name(w.kind))};
    WatchLag& lag = by_key[key];
    lag.client = key.first;
    lag.resource = key.second;
    lag.events += w.lag_events;
    lag.lag_sum = lag.lag_sum + w.lag_sum;
    lag.lag_max = std::max(lag.lag_max, w.lag_max);
  }
  std::vector<WatchLag> out;
  for (auto& [key, lag] : by_key) {
    out.push_back(std::move(lag));
  }
  return out;
}

}  // namespace kubesim::apiserver
