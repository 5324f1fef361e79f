#include "distribution_reader_internal.hpp"
#include "manifest_reader_internal.hpp"
#include "scenario_reader_internal.hpp"
#include "timeline_reader_internal.hpp"

#include "kubesim/api/kind.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <numeric>

namespace kubesim::scenario {

std::string_view node_op_key(NodeOp op) {
  switch (op) {
  case NodeOp::Cordon:
    return "cordon";
  case NodeOp::Uncordon:
    return "uncordon";
  case NodeOp::Drain:
    return "drain";
  case NodeOp::Crash:
    return "crashNode";
  case NodeOp::Recover:
    return "recoverNode";
  case NodeOp::Partition:
    return "partition";
  case NodeOp::Heal:
    return "heal";
  }
  return "unknown";
}

namespace internal {
namespace {

constexpr std::array kProcesses = {EnumName<ArrivalsAction::Process>{"fixed", ArrivalsAction::Process::Fixed},
                                   EnumName<ArrivalsAction::Process>{"poisson", ArrivalsAction::Process::Poisson}};

constexpr std::array kNodeOps = {NodeOp::Cordon,  NodeOp::Uncordon,  NodeOp::Drain, NodeOp::Crash,
                                 NodeOp::Recover, NodeOp::Partition, NodeOp::Heal};

// Every action key, in the order the docs list them (the "no action" hint lists them all).
constexpr auto kActionKeys = std::to_array<std::string_view>(
    {"create", "arrivals", "delete", "scale", "setImage", "cordon", "uncordon", "drain", "crashNode", "recoverNode",
     "partition", "heal", "addNodes", "removeNodes", "slowApiServer", "apiServerOutage", "traffic"});

// `kubectl scale` and `kubectl set image` act on the workload kinds kubesim models.
constexpr std::array kWorkloadKinds = {EnumName<api::Kind>{"Deployment", api::Kind::Deployment},
                                       EnumName<api::Kind>{"ReplicaSet", api::Kind::ReplicaSet}};

// `delete` takes any modelled kind; the list is built from api::Kind so that a new kind is included.
std::vector<EnumName<api::Kind>> all_kinds() {
  std::vector<EnumName<api::Kind>> out;
  for (std::size_t k = 0; k < api::kKindCount; ++k) {
    auto kind = static_cast<api::Kind>(k);
    out.push_back({api::kind_name(kind), kind});
  }
  return out;
}

std::string join_quoted(const std::vector<std::string_view>& items, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += i + 1 == items.size() ? last_sep : ", ";
    }
    out += fmt::format("'{}'", items[i]);
  }
  return out;
}

void read_arrivals(Reader& r, const Value& v, ArrivalsAction& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> name = m.require("name")) {
    if (auto s = read_string(r, *name)) {
      out.name = *s;
    }
  }
  m.read("namespace", out.namespace_);
  if (std::optional<Value> count = m.require("count")) {
    if (auto c = read_int(r, *count, 1)) {
      out.count = *c;
    }
  }
  std::optional<Value> rate = m.get("rate");
  std::optional<Value> interval = m.get("interval");
  std::string label = out.name.empty() ? std::string("arrivals") : fmt::format("arrivals '{}'", out.name);
  if (rate && interval) {
    r.error(v.loc, fmt::format("{} sets both 'rate' and 'interval'", label), "give one of them: interval = 1s / rate");
  } else if (!rate && !interval) {
    r.error(v.loc, fmt::format("{} needs 'rate' (pods per second) or 'interval'", label));
  } else if (rate) {
    if (expect_scalar(r, *rate)) {
      std::optional<Duration> d = interval_from_rate(rate->node.Scalar());
      if (!d || rate->node.Tag() != "?") {
        r.error(rate->loc,
                fmt::format("'{}' must be a positive decimal number of pods per second, got '{}'", rate->path,
                            rate->node.Scalar()),
                "e.g. 50 or 0.5; the interval between pods is 1s / rate");
      } else {
        out.interval = *d;
      }
    }
  } else if (auto d = read_nonnegative_duration(r, *interval, true)) {
    out.interval = *d;
  }
  read_enum_field<ArrivalsAction::Process>(m, "process", kProcesses, out.process);
  if (std::optional<Value> run_time = m.get("runTime")) {
    out.run_time = read_distribution(r, *run_time);
  }
  if (std::optional<Value> tmpl = m.require("template")) {
    if (auto t = read_arrivals_template(r, *tmpl, out.name, out.namespace_)) {
      out.template_ = std::move(*t);
    }
  }
  m.finish();
}

void read_create(Reader& r, const Value& v, CreateAction& out) {
  if (v.node.IsSequence()) {
    for (const Value& item : sequence_items(r, v)) {
      read_manifests(r, item, out.objects);
    }
  } else if (v.node.IsMap()) {
    read_manifests(r, v, out.objects);
  } else {
    r.error(v.loc,
            fmt::format("'{}' must be a manifest or a sequence of manifests, got {}", v.path, node_type_name(v.node)));
  }
}

/// A string that must not be empty.
void read_nonempty(MapReader& m, std::string_view key, std::string& out, bool required) {
  std::optional<Value> v = required ? m.require(key) : m.get(key);
  if (!v) {
    return;
  }
  if (std::optional<std::string> s = read_string(m.reader(), *v)) {
    if (s->empty()) {
      m.reader().error(v->loc, fmt::format("'{}' must not be empty", v->path));
      return;
    }
    out = std::move(*s);
  }
}

/// kind, name and namespace of an object the action names.
void read_object_target(MapReader& m, std::span<const EnumName<api::Kind>> kinds, ObjectTarget& out) {
  out.loc = m.value().loc;
  if (std::optional<Value> kind = m.require("kind")) {
    if (auto k = read_enum<api::Kind>(m.reader(), *kind, kinds)) {
      out.kind = *k;
    }
  }
  if (std::optional<Value> name = m.require("name")) {
    out.loc = name->loc;  // where a load-time check of the name (Nodes) points
    if (std::optional<std::string> s = read_string(m.reader(), *name)) {
      if (s->empty()) {
        m.reader().error(name->loc, fmt::format("'{}' must not be empty", name->path));
      }
      out.name = std::move(*s);
    }
  }
  read_nonempty(m, "namespace", out.namespace_, false);
  if (!api::is_namespaced(out.kind)) {
    out.namespace_.clear();  // kubectl ignores -n for cluster-scoped kinds
  }
}

void read_grace_period(MapReader& m, std::optional<std::int64_t>& out) { m.read("gracePeriodSeconds", out, 0); }

void read_delete(Reader& r, const Value& v, DeleteAction& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  std::vector<EnumName<api::Kind>> kinds = all_kinds();
  read_object_target(m, kinds, out.target);
  read_grace_period(m, out.grace_period_seconds);
  m.finish();
}

void read_scale(Reader& r, const Value& v, ScaleAction& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  read_object_target(m, kWorkloadKinds, out.target);
  if (std::optional<Value> replicas = m.require("replicas")) {
    if (auto n = read_int(r, *replicas, 0, std::numeric_limits<std::int32_t>::max())) {
      out.replicas = static_cast<std::int32_t>(*n);
    }
  }
  m.finish();
}

void read_set_image(Reader& r, const Value& v, SetImageAction& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  read_object_target(m, kWorkloadKinds, out.target);
  read_nonempty(m, "container", out.container, true);
  read_nonempty(m, "image", out.image, true);
  m.finish();
}

/// Exactly one of node / nodes / pool / zone from the mapping `m` (of value `v`) into `sel`.
void read_selector(MapReader& m, const Value& v, NodeSelector& sel) {
  Reader& r = m.reader();
  sel.loc = v.loc;
  std::optional<Value> node = m.get("node");
  std::optional<Value> nodes = m.get("nodes");
  std::optional<Value> pool = m.get("pool");
  std::optional<Value> zone = m.get("zone");
  int given = (node ? 1 : 0) + (nodes ? 1 : 0) + (pool ? 1 : 0) + (zone ? 1 : 0);
  if (given > 1) {
    r.error(v.loc, fmt::format("'{}' selects nodes by more than one of 'node', 'nodes', 'pool' and 'zone'", v.path),
            "give exactly one; use several entries with the same 'at' to combine selections");
  } else if (given == 0) {
    r.error(v.loc, fmt::format("'{}' needs one of 'node', 'nodes', 'pool' or 'zone'", v.path),
            "e.g. {node: worker-2} or {pool: worker}");
  } else if (node) {
    if (std::optional<std::string> s = read_string(r, *node)) {
      sel.nodes.push_back(std::move(*s));
      sel.node_locs.push_back(node->loc);
    }
  } else if (nodes) {
    std::vector<Value> items = sequence_items(r, *nodes);
    if (items.empty() && nodes->node.IsSequence()) {
      r.error(nodes->loc, fmt::format("'{}' must not be empty", nodes->path));
    }
    for (const Value& item : items) {
      if (std::optional<std::string> s = read_string(r, item)) {
        sel.nodes.push_back(std::move(*s));
        sel.node_locs.push_back(item.loc);
      }
    }
  } else if (pool) {
    // An empty name would mean "no pool" below and select nothing (or, as a zone, every node).
    if (std::optional<std::string> s = read_string(r, *pool)) {
      if (s->empty()) {
        r.error(pool->loc, fmt::format("'{}' must not be empty", pool->path));
      }
      sel.pool = std::move(*s);
      sel.pool_loc = pool->loc;
    }
  } else if (std::optional<std::string> s = read_string(r, *zone)) {
    if (s->empty()) {
      r.error(zone->loc, fmt::format("'{}' must not be empty", zone->path));
    }
    sel.zone = std::move(*s);
    sel.zone_loc = zone->loc;
  }
}

void read_node_action(Reader& r, const Value& v, NodeOp op, NodeAction& out) {
  out.op = op;
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  read_selector(m, v, out.target);
  if (op == NodeOp::Drain) {
    read_grace_period(m, out.grace_period_seconds);
  }
  m.finish();
}

// Traffic rates: thousandths of a request per second, up to a million requests per second.
constexpr std::int64_t kMaxRpsMilli = 1'000'000'000;

void read_traffic(Reader& r, const Value& v, TrafficAction& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  out.loc = v.loc;
  read_nonempty(m, "service", out.service, true);
  read_nonempty(m, "namespace", out.namespace_, false);
  if (std::optional<Value> stop = m.get("stop")) {
    if (std::optional<bool> b = read_bool(r, *stop)) {
      out.stop = *b;
    }
  }
  std::optional<Value> rps = m.get("rps");
  std::optional<Value> clients = m.get("clients");
  std::optional<Value> for_ = m.get("for");
  std::string label = fmt::format("traffic to Service '{}/{}'", out.namespace_, out.service);
  if (out.stop) {
    for (const auto* given : {&rps, &clients, &for_}) {
      if (*given) {
        r.error((*given)->loc,
                fmt::format("{} stops it ('stop: true'), so '{}' must not be given", label,
                            given == &rps       ? "rps"
                            : given == &clients ? "clients"
                                                : "for"),
                "stopping ends every stream to the Service; give only 'service', 'namespace' and 'stop'");
      }
    }
    m.finish();
    return;
  }
  if (!rps) {
    r.error(v.loc, fmt::format("{} needs 'rps' (requests per second) or 'stop: true'", label),
            "e.g. {service: web, rps: 50, for: 5m}");
  } else if (expect_scalar(r, *rps)) {
    std::optional<std::int64_t> milli = parse_milli_decimal(rps->node.Scalar());
    if (!milli || rps->node.Tag() != "?" || *milli < 1 || *milli > kMaxRpsMilli) {
      r.error(rps->loc,
              fmt::format("'{}' must be a decimal number of requests per second between 0.001 and 1000000 with at "
                          "most 3 decimals, got '{}'",
                          rps->path, rps->node.Scalar()),
              "e.g. 50 or 0.5");
    } else {
      out.rps_milli = *milli;
    }
  }
  if (clients) {
    MapReader cm(r, *clients, clients->path);
    if (cm.valid()) {
      read_selector(cm, *clients, out.clients.emplace());
      cm.finish();
    }
  }
  if (for_) {
    out.for_ = read_nonnegative_duration(r, *for_, true);
  }
  m.finish();
}

template <class Action> void read_pool_count(Reader& r, const Value& v, Action& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> pool = m.require("pool")) {
    if (std::optional<std::string> s = read_string(r, *pool)) {
      if (s->empty()) {
        r.error(pool->loc, fmt::format("'{}' must not be empty", pool->path));
      }
      out.pool = std::move(*s);
      out.pool_loc = pool->loc;
    }
  }
  if (std::optional<Value> count = m.require("count")) {
    if (auto n = read_int(r, *count, 1, std::numeric_limits<std::int32_t>::max())) {
      out.count = static_cast<std::int32_t>(*n);
    }
  }
  m.finish();
}

void read_for(MapReader& m, Duration& out) {
  if (std::optional<Value> d = m.require("for")) {
    if (auto dur = read_nonnegative_duration(m.reader(), *d, true)) {
      out = *dur;
    }
  }
}

void read_slow_api_server(Reader& r, const Value& v, SlowApiServerAction& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> factor = m.require("factor")) {
    if (expect_scalar(r, *factor)) {
      // Thousandths, parsed exactly: latencies are integer nanoseconds and must scale the same way on
      // every platform.
      std::optional<std::int64_t> milli = parse_milli_decimal(factor->node.Scalar());
      constexpr std::int64_t kMaxFactorMilli = 1'000'000'000;  // a factor of one million
      if (!milli || factor->node.Tag() != "?" || *milli < 1000 || *milli > kMaxFactorMilli) {
        r.error(factor->loc,
                fmt::format("'{}' must be a decimal number between 1 and 1000000 with at most 3 decimals, got '{}'",
                            factor->path, factor->node.Scalar()),
                "e.g. 5 (every latency five times as long) or 1.5");
      } else {
        out.factor_milli = *milli;
      }
    }
  }
  read_for(m, out.for_);
  m.finish();
}

void read_api_server_outage(Reader& r, const Value& v, ApiServerOutageAction& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  read_for(m, out.for_);
  m.finish();
}

/// Reads the action under `key` (one of kActionKeys) into `out.action`.
void read_action(Reader& r, std::string_view key, const Value& v, TimelineEntry& out) {
  if (key == "create") {
    read_create(r, v, out.action.emplace<CreateAction>());
  } else if (key == "arrivals") {
    read_arrivals(r, v, out.action.emplace<ArrivalsAction>());
  } else if (key == "delete") {
    read_delete(r, v, out.action.emplace<DeleteAction>());
  } else if (key == "scale") {
    read_scale(r, v, out.action.emplace<ScaleAction>());
  } else if (key == "setImage") {
    read_set_image(r, v, out.action.emplace<SetImageAction>());
  } else if (key == "addNodes") {
    read_pool_count(r, v, out.action.emplace<AddNodesAction>());
  } else if (key == "removeNodes") {
    read_pool_count(r, v, out.action.emplace<RemoveNodesAction>());
  } else if (key == "slowApiServer") {
    read_slow_api_server(r, v, out.action.emplace<SlowApiServerAction>());
  } else if (key == "apiServerOutage") {
    read_api_server_outage(r, v, out.action.emplace<ApiServerOutageAction>());
  } else if (key == "traffic") {
    read_traffic(r, v, out.action.emplace<TrafficAction>());
  } else {
    for (NodeOp op : kNodeOps) {
      if (node_op_key(op) == key) {
        read_node_action(r, v, op, out.action.emplace<NodeAction>());
        return;
      }
    }
  }
}

void read_timeline_entry(Reader& r, const Value& v, TimelineEntry& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  out.loc = v.loc;
  if (std::optional<Value> at = m.require("at")) {
    if (auto d = read_nonnegative_duration(r, *at)) {
      out.at = SimTime::from_nanos(d->nanos());
    }
  }
  // The action keys given (non-null), in file order, so that the message names them as written.
  std::vector<std::string_view> given;
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    if (!it->first.IsScalar() || it->second.IsNull()) {
      continue;
    }
    auto key = std::find(kActionKeys.begin(), kActionKeys.end(), it->first.Scalar());
    if (key != kActionKeys.end() && std::find(given.begin(), given.end(), *key) == given.end()) {
      given.push_back(*key);
    }
  }
  // Every action key is asked for, so none of them is reported as unknown.
  std::vector<std::optional<Value>> values;
  for (std::string_view key : kActionKeys) {
    values.push_back(m.get(key));
  }
  if (given.size() > 1) {
    r.error(v.loc, fmt::format("timeline entry has more than one action ({})", join_quoted(given, " and ")),
            "use one entry per action; entries may share the same 'at'");
  } else if (given.empty()) {
    r.error(v.loc, "timeline entry has no action",
            fmt::format("give one of {}", fmt::join(kActionKeys.begin(), kActionKeys.end(), ", ")));
  } else {
    auto i =
        static_cast<std::size_t>(std::find(kActionKeys.begin(), kActionKeys.end(), given[0]) - kActionKeys.begin());
    if (values[i]) {
      read_action(r, given[0], *values[i], out);
    }
  }
  m.finish();
}

// --- names against the cluster ---------------------------------------------------------------------

/// The node pools as the timeline sees them at some time: how many indices each pool has handed out.
class ClusterNames {
 public:
  explicit ClusterNames(const ClusterSpec& cluster) {
    for (const NodePoolSpec& p : cluster.node_pools) {
      pools_.push_back(Pool{p.name, p.count, p.zones});
    }
  }

  void add_nodes(std::string_view pool, std::int64_t count) {
    if (Pool* p = find(pool)) {
      p->total += count;
    }
  }

  void check_pool(Reader& r, const std::string& name, const SourceLocation& loc) const {
    if (name.empty() || find(name) != nullptr) {
      return;
    }
    std::vector<std::string_view> names;
    for (const Pool& p : pools_) {
      names.push_back(p.name);
    }
    r.error(loc, fmt::format("unknown node pool '{}'", name), hint(name, names, "node pools are", "no node pools"));
  }

  void check_zone(Reader& r, const std::string& zone, const SourceLocation& loc) const {
    std::vector<std::string_view> zones;
    for (const Pool& p : pools_) {
      for (const std::string& z : p.zones) {
        if (std::find(zones.begin(), zones.end(), z) == zones.end()) {
          zones.push_back(z);
        }
      }
    }
    if (zone.empty() || std::find(zones.begin(), zones.end(), zone) != zones.end()) {
      return;
    }
    r.error(loc, fmt::format("unknown zone '{}'", zone), hint(zone, zones, "zones are", "no node pool has zones"));
  }

  void check_node(Reader& r, const std::string& name, const SourceLocation& loc, SimTime at) const {
    if (is_node(name)) {
      return;
    }
    // "<pool>-<i>" of a real pool with i beyond what the pool has at that time: say what it has.
    if (std::size_t dash = name.rfind('-'); dash != std::string::npos) {
      if (const Pool* p = find(std::string_view(name).substr(0, dash)); p != nullptr) {
        std::string has = p->total == 0   ? std::string("no nodes")
                          : p->total == 1 ? fmt::format("only {}-0", p->name)
                                          : fmt::format("nodes {}-0 .. {}-{}", p->name, p->name, p->total - 1);
        r.error(loc, fmt::format("unknown node '{}'", name),
                fmt::format("at {} pool '{}' has {}", base::format_duration(at.since_start()), p->name, has));
        return;
      }
    }
    // Candidates for the did-you-mean hint: every node that exists by then (only built on error).
    std::vector<std::string> names;
    for (const Pool& p : pools_) {
      for (std::int64_t i = 0; i < p.total; ++i) {
        names.push_back(fmt::format("{}-{}", p.name, i));
      }
    }
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string h;
    if (std::string best = base::closest_match(name, views); !best.empty()) {
      h = fmt::format("did you mean '{}'?", best);
    } else if (views.empty()) {
      h = "no node pool has nodes";
    } else {
      std::string ranges;
      for (const Pool& p : pools_) {
        if (p.total > 0) {
          ranges += ranges.empty() ? "" : ", ";
          ranges +=
              p.total == 1 ? fmt::format("{}-0", p.name) : fmt::format("{}-0 .. {}-{}", p.name, p.name, p.total - 1);
        }
      }
      h = fmt::format("nodes are named <pool>-<i>; at {} they are {}", base::format_duration(at.since_start()), ranges);
    }
    r.error(loc, fmt::format("unknown node '{}'", name), h);
  }

 private:
  struct Pool {
    std::string name;
    std::int64_t total = 0;
    std::vector<std::string> zones;
  };

  [[nodiscard]] const Pool* find(std::string_view name) const {
    for (const Pool& p : pools_) {
      if (p.name == name) {
        return &p;
      }
    }
    return nullptr;
  }
  Pool* find(std::string_view name) {
    for (Pool& p : pools_) {
      if (p.name == name) {
        return &p;
      }
    }
    return nullptr;
  }

  /// "<pool>-<i>" with i (no leading zeros) below the pool's count so far.
  [[nodiscard]] bool is_node(std::string_view name) const {
    std::size_t dash = name.rfind('-');
    if (dash == std::string_view::npos || dash + 1 == name.size()) {
      return false;
    }
    std::string_view digits = name.substr(dash + 1);
    if (digits.size() > 1 && digits.front() == '0') {
      return false;
    }
    std::int64_t index = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      return false;
    }
    const Pool* p = find(name.substr(0, dash));
    return p != nullptr && index < p->total;
  }

  static std::string hint(std::string_view word, const std::vector<std::string_view>& names, std::string_view are,
                          std::string_view none) {
    if (std::string best = base::closest_match(word, names); !best.empty()) {
      return fmt::format("did you mean '{}'?", best);
    }
    if (names.empty()) {
      return std::string(none);
    }
    return fmt::format("{} {}", are, join_quoted(names, " and "));
  }

  std::vector<Pool> pools_;
};

void check_selector(Reader& r, const ClusterNames& names, const NodeSelector& sel, SimTime at) {
  for (std::size_t i = 0; i < sel.nodes.size(); ++i) {
    names.check_node(r, sel.nodes[i], sel.node_locs[i], at);
  }
  names.check_pool(r, sel.pool, sel.pool_loc);
  names.check_zone(r, sel.zone, sel.zone_loc);
}

void check_names(Reader& r, const ClusterSpec& cluster, const std::vector<TimelineEntry>& timeline) {
  std::vector<std::size_t> order(timeline.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return timeline[a].at < timeline[b].at; });
  ClusterNames names(cluster);
  // Services that traffic was started to, by (namespace, name), for the check of `stop`.
  std::vector<std::pair<std::string_view, std::string_view>> traffic_started;
  for (std::size_t i : order) {
    const TimelineEntry& e = timeline[i];
    if (const auto* node = std::get_if<NodeAction>(&e.action)) {
      check_selector(r, names, node->target, e.at);
    } else if (const auto* traffic = std::get_if<TrafficAction>(&e.action)) {
      std::pair<std::string_view, std::string_view> key{traffic->namespace_, traffic->service};
      if (!traffic->stop) {
        if (traffic->clients) {
          check_selector(r, names, *traffic->clients, e.at);
        }
        traffic_started.push_back(key);
      } else if (!traffic->service.empty() &&
                 std::find(traffic_started.begin(), traffic_started.end(), key) == traffic_started.end()) {
        r.error(traffic->loc,
                fmt::format("traffic to Service '{}/{}' is stopped at {} but no earlier entry starts it",
                            traffic->namespace_, traffic->service, base::format_duration(e.at.since_start())),
                fmt::format("start it before, e.g. {{service: {}, rps: 50}}; entries run by 'at', then in file order",
                            traffic->service));
      }
    } else if (const auto* del = std::get_if<DeleteAction>(&e.action)) {
      if (del->target.kind == api::Kind::Node && !del->target.name.empty()) {
        names.check_node(r, del->target.name, del->target.loc, e.at);
      }
    } else if (const auto* add = std::get_if<AddNodesAction>(&e.action)) {
      names.check_pool(r, add->pool, add->pool_loc);
      names.add_nodes(add->pool, add->count);
    } else if (const auto* remove = std::get_if<RemoveNodesAction>(&e.action)) {
      names.check_pool(r, remove->pool, remove->pool_loc);
    }
  }
}

}  // namespace

std::optional<std::int64_t> parse_milli_decimal(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  std::int64_t value = 0;
  std::size_t digits = 0;
  int decimals = -1;  // -1: no point seen yet
  for (char ch : text) {
    if (ch == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (ch < '0' || ch > '9' || ++digits > 15 || decimals >= 3) {
      return std::nullopt;
    }
    value = value * 10 + (ch - '0');
    if (decimals >= 0) {
      ++decimals;
    }
  }
  if (digits == 0) {
    return std::nullopt;
  }
  for (int d = std::max(decimals, 0); d < 3; ++d) {
    value *= 10;
  }
  return value;
}

void read_timeline(Reader& r, const Value& v, const ClusterSpec& cluster, std::vector<TimelineEntry>& out) {
  for (const Value& item : sequence_items(r, v)) {
    read_timeline_entry(r, item, out.emplace_back());
  }
  check_names(r, cluster, out);
}

}  // namespace internal
}  // namespace kubesim::scenario
