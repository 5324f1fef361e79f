#include "kubesim/scheduler/plugins/min_cost_flow.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <vector>

namespace kubesim::scheduler {
namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, std::int64_t,
                    boost::property<boost::edge_residual_capacity_t, std::int64_t,
                                    boost::property<boost::edge_reverse_t, Traits::edge_descriptor,
                                                    boost::property<boost::edge_weight_t, std::int64_t>>>>>;
using Edge = Traits::edge_descriptor;
using Vertex = Traits::vertex_descriptor;

// Costs stay below 2^20 so that U · pods fits comfortably in 64 bits for any Score weights.
constexpr std::int64_t kMaxArcCost = std::int64_t{1} << 20;
// Load tiers of a node's sink capacity: pods 0..3 of the batch on it, then the rest.
constexpr std::int64_t kLoadTiers = 4;

std::int64_t fits(std::int64_t allocatable, std::int64_t requested, std::int64_t request) {
  if (request <= 0) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return std::max<std::int64_t>(allocatable - requested, 0) / request;
}

class Network {
 public:
  explicit Network(std::size_t vertices) : g_(vertices) {}
  Edge add(Vertex from, Vertex to, std::int64_t capacity, std::int64_t cost) {
    Edge e = boost::add_edge(from, to, g_).first;
    Edge r = boost::add_edge(to, from, g_).first;
    auto cap = boost::get(boost::edge_capacity, g_);
    auto weight = boost::get(boost::edge_weight, g_);
    auto rev = boost::get(boost::edge_reverse, g_);
    cap[e] = capacity;
    cap[r] = 0;
    weight[e] = cost;
    weight[r] = -cost;
    rev[e] = r;
    rev[r] = e;
    ++arcs_;
    return e;
  }
  void solve(Vertex source, Vertex sink) { boost::successive_shortest_path_nonnegative_weights(g_, source, sink); }
  [[nodiscard]] std::int64_t flow(Edge e) const {
    return boost::get(boost::edge_capacity, g_, e) - boost::get(boost::edge_residual_capacity, g_, e);
  }
  [[nodiscard]] std::int64_t arcs() const { return arcs_; }

 private:
  Graph g_;
  std::int64_t arcs_ = 0;
};

struct ClassArc {
  std::uint32_t node;  // index into the distinct nodes
  std::int64_t slots;
  std::int64_t cost;
  Edge edge;
};

}  // namespace

base::Expected<std::unique_ptr<Plugin>, std::string> MinCostFlow::create(const PluginArgs& args,
                                                                         FrameworkHandle& /*handle*/) {
  if (std::holds_alternative<std::monostate>(args)) {
    return std::unique_ptr<Plugin>(std::make_unique<MinCostFlow>(MinCostFlowArgs{}));
  }
  const auto* a = std::get_if<MinCostFlowArgs>(&args);
  if (a == nullptr) {
    return base::unexpected(
        fmt::format("want args to be of type MinCostFlowArgs, got *config.{}", plugin_args_type_name(args)));
  }
  // In the style of upstream's ValidateXArgs (field.Invalid messages, joined).
  std::vector<std::string> errs;
  auto check = [&](std::string_view field, std::int32_t v, std::int32_t lo, std::int32_t hi) {
    if (v < lo || v > hi) {
      errs.push_back(fmt::format("{}: Invalid value: {}: not in valid range [{}, {}]", field, v, lo, hi));
    }
  };
  check("batchSize", a->batch_size, 1, 10000);
  check("candidateNodes", a->candidate_nodes, 1, 1000);
  check("loadCost", a->load_cost, 0, 10000);
  if (!errs.empty()) {
    std::string msg = errs.front();
    for (std::size_t i = 1; i < errs.size(); ++i) {
      msg += ", " + errs[i];
    }
    return base::unexpected(errs.size() == 1 ? msg : "[" + msg + "]");
  }
  return std::unique_ptr<Plugin>(std::make_unique<MinCostFlow>(*a));
}

std::int64_t MinCostFlow::slots(const PodInfo& pod, const NodeInfo& node) {
  const Resource& req = pod.requests;
  const Resource& alloc = node.allocatable;
  const Resource& used = node.requested;
  std::int64_t n = std::max<std::int64_t>(alloc.allowed_pod_number - node.pod_count(), 0);
  n = std::min(n, fits(alloc.milli_cpu, used.milli_cpu, req.milli_cpu));
  n = std::min(n, fits(alloc.memory, used.memory, req.memory));
  n = std::min(n, fits(alloc.ephemeral_storage, used.ephemeral_storage, req.ephemeral_storage));
  for (const auto& [name, amount] : req.scalars) {
    n = std::min(n, fits(alloc.scalar(name), used.scalar(name), amount));
  }
  return n;
}

Status MinCostFlow::assign(std::span<const BatchClass> classes, std::int64_t max_score,
                           std::span<const NodeInfo*> placements) {
  stats_ = {};
  std::fill(placements.begin(), placements.end(), nullptr);
  const std::int64_t score_range = std::max<std::int64_t>(max_score, 1);
  auto scaled = [&](std::int64_t points) {
    if (score_range <= kMaxArcCost) {
      return points;
    }
    __extension__ using Wide = __int128;  // points · 2^20 may not fit 64 bits
    return static_cast<std::int64_t>(static_cast<Wide>(points) * kMaxArcCost / score_range);
  };
  const std::int64_t load = scaled(args_.load_cost);

  // Candidate arcs per class: best score first (stable, so Filter's order breaks ties), kept until
  // there are candidateNodes of them and their slots hold the whole class.
  std::vector<const NodeInfo*> nodes;                          // distinct nodes, first-seen order
  std::unordered_map<const NodeInfo*, std::uint32_t> node_of;  // lookup only
  std::vector<std::int64_t> node_cap;
  std::vector<std::vector<ClassArc>> arcs(classes.size());
  std::vector<std::uint32_t> order;
  std::int64_t pods = 0;
  std::int64_t max_path = 0;
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const BatchClass& bc = classes[c];
    pods += bc.count;
    order.resize(bc.nodes.size());
    std::iota(order.begin(), order.end(), 0U);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return bc.scores[a] > bc.scores[b]; });
    std::int64_t held = 0;
    for (std::uint32_t i : order) {
      if (static_cast<std::int64_t>(arcs[c].size()) >= args_.candidate_nodes && held >= bc.count) {
        break;
      }
      const NodeInfo* n = bc.nodes[i];
      std::int64_t s = std::clamp<std::int64_t>(slots(*bc.pod, *n), 1, bc.count);
      auto [it, added] = node_of.try_emplace(n, static_cast<std::uint32_t>(nodes.size()));
      if (added) {
        nodes.push_back(n);
        node_cap.push_back(s);
      } else {
        node_cap[it->second] = std::min(node_cap[it->second], s);
      }
      std::int64_t cost = scaled(std::clamp<std::int64_t>(max_score - bc.scores[i], 0, score_range));
      max_path = std::max(max_path, cost);
      arcs[c].push_back(ClassArc{it->second, s, cost, {}});
      held += s;
    }
  }
  max_path += kLoadTiers * load;
  const std::int64_t unscheduled = (pods + 1) * (max_path + 1);

  // Vertices: source, sink, classes, nodes.
  const Vertex source = 0;
  const Vertex sink = 1;
  const auto class_vertex = [](std::size_t c) { return static_cast<Vertex>(2 + c); };
  const auto node_vertex = [&](std::uint32_t n) { return static_cast<Vertex>(2 + classes.size() + n); };
  Network net(2 + classes.size() + nodes.size());
  for (std::size_t c = 0; c < classes.size(); ++c) {
    net.add(source, class_vertex(c), classes[c].count, 0);
    for (ClassArc& a : arcs[c]) {
      a.edge = net.add(class_vertex(c), node_vertex(a.node), a.slots, a.cost);
    }
    net.add(class_vertex(c), sink, classes[c].count, unscheduled);
  }
  for (std::uint32_t n = 0; n < nodes.size(); ++n) {
    std::int64_t cap = node_cap[n];
    if (load == 0) {
      net.add(node_vertex(n), sink, cap, 0);
      continue;
    }
    std::int64_t tiers = std::min(cap, kLoadTiers);
    for (std::int64_t k = 0; k < tiers; ++k) {
      net.add(node_vertex(n), sink, 1, k * load);
    }
    if (cap > kLoadTiers) {
      net.add(node_vertex(n), sink, cap - kLoadTiers, kLoadTiers * load);
    }
  }
  net.solve(source, sink);

  // Read the flow back: a class's pods in queue order take its arcs cheapest first.
  std::size_t offset = 0;
  for (std::size_t c = 0; c < classes.size(); ++c) {
    std::size_t next = offset;
    for (const ClassArc& a : arcs[c]) {
      for (std::int64_t f = net.flow(a.edge); f > 0; --f) {
        placements[next++] = nodes[a.node];
        ++stats_.placed;
        stats_.cost += a.cost;
      }
    }
    offset += static_cast<std::size_t>(classes[c].count);
  }
  stats_.vertices = static_cast<std::int64_t>(2 + classes.size() + nodes.size());
  stats_.arcs = net.arcs();
  return Status::success();
}

}  // namespace kubesim::scheduler
