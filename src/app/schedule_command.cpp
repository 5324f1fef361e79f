#include "schedule_command.hpp"

#include "exit_codes.hpp"

#include "kubesim/metrics/run_summary.hpp"
#include "kubesim/scenario/scheduler_config_reader.hpp"
#include "kubesim/scheduler/explain.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace kubesim::app {
namespace {

using scheduler::ExplainResult;
using scheduler::Status;

std::string json_status(const Status& s) {
  std::string out = fmt::format("{{\"status\": {}", metrics::json_quote(scheduler::code_name(s.code())));
  if (!s.is_success()) {
    if (!s.plugin().empty()) {
      out += fmt::format(", \"plugin\": {}", metrics::json_quote(s.plugin()));
    }
    out += ", \"reasons\": [";
    for (std::size_t i = 0; i < s.reasons().size(); ++i) {
      out += (i == 0 ? "" : ", ") + metrics::json_quote(s.reasons()[i]);
    }
    out += "]";
  }
  out += "}";
  return out;
}

std::string format_json(const ExplainResult& r) {
  std::string out = "{\n";
  out += fmt::format("  \"pod\": {},\n", metrics::json_quote(r.pod));
  out += fmt::format("  \"profile\": {},\n", metrics::json_quote(r.profile));
  out += fmt::format("  \"preFilter\": {},\n", json_status(r.pre_filter));
  out += "  \"nodes\": [";
  for (std::size_t i = 0; i < r.nodes.size(); ++i) {
    const scheduler::NodeExplanation& n = r.nodes[i];
    out += i == 0 ? "\n" : ",\n";
    out += "    {\n";
    out += fmt::format("      \"name\": {},\n", metrics::json_quote(n.name));
    out += fmt::format("      \"filter\": {}", json_status(n.filter));
    if (n.filter.is_success() && r.message.empty()) {
      out += ",\n      \"scores\": {";
      for (std::size_t j = 0; j < n.scores.size(); ++j) {
        const scheduler::ExplainedScore& s = n.scores[j];
        out += j == 0 ? "\n" : ",\n";
        out += fmt::format("        {}: {{\"raw\": {}, \"normalized\": {}, \"weight\": {}}}",
                           metrics::json_quote(s.plugin), s.raw, s.normalized, s.weight);
      }
      out += n.scores.empty() ? "}" : "\n      }";
      out += fmt::format(",\n      \"total\": {}", n.total);
    }
    out += "\n    }";
  }
  out += r.nodes.empty() ? "],\n" : "\n  ],\n";
  out +=
      fmt::format("  \"selected\": {},\n", r.selected.empty() ? std::string("null") : metrics::json_quote(r.selected));
  out += fmt::format("  \"message\": {}\n", r.message.empty() ? std::string("null") : metrics::json_quote(r.message));
  out += "}\n";
  return out;
}

std::string status_text(const Status& s) {
  if (s.is_success()) {
    return {};
  }
  std::string out = s.plugin().empty() ? std::string() : fmt::format("{}: ", s.plugin());
  for (std::size_t i = 0; i < s.reasons().size(); ++i) {
    out += (i == 0 ? "" : "; ") + s.reasons()[i];
  }
  return out;
}

std::string format_text(const ExplainResult& r) {
  std::string out = fmt::format("pod:       {}\nprofile:   {}\npreFilter: {}{}\n\n", r.pod, r.profile,
                                scheduler::code_name(r.pre_filter.code()),
                                r.pre_filter.is_success() ? "" : " (" + status_text(r.pre_filter) + ")");
  // Score columns: every plugin that scored some node, in run order.
  std::vector<std::string> plugins;
  for (const scheduler::NodeExplanation& n : r.nodes) {
    for (const scheduler::ExplainedScore& s : n.scores) {
      if (std::find(plugins.begin(), plugins.end(), s.plugin) == plugins.end()) {
        plugins.push_back(s.plugin);
      }
    }
  }
  std::vector<std::string> header = {"NODE", "FILTER", "REASON"};
  header.insert(header.end(), plugins.begin(), plugins.end());
  header.emplace_back("TOTAL");
  std::vector<std::vector<std::string>> rows;
  for (const scheduler::NodeExplanation& n : r.nodes) {
    std::vector<std::string> row = {n.name, std::string(scheduler::code_name(n.filter.code())), status_text(n.filter)};
    bool scored = n.filter.is_success() && r.message.empty();
    for (const std::string& p : plugins) {
      std::string cell = scored ? "skip" : "";
      for (const scheduler::ExplainedScore& s : n.scores) {
        if (s.plugin == p) {
          cell = fmt::format("{}x{}", s.normalized, s.weight);
        }
      }
      row.push_back(cell);
    }
    row.push_back(scored ? fmt::format("{}", n.total) : std::string());
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      l += c + 1 == cells.size() ? cells[c] : fmt::format("{:<{}}  ", cells[c], width[c]);
    }
    while (!l.empty() && l.back() == ' ') {
      l.pop_back();
    }
    return l + "\n";
  };
  out += line(header);
  for (const auto& row : rows) {
    out += line(row);
  }
  if (!plugins.empty()) {
    out += "\n(score cells are normalized score x weight; TOTAL is their sum)\n";
  }
  out += "\n";
  out += r.selected.empty() ? fmt::format("unschedulable: {}\n", r.message) : fmt::format("selected: {}\n", r.selected);
  return out;
}

std::string key_of(const api::ObjectMeta& m) { return m.namespace_ + "/" + m.name; }

}  // namespace

int run_schedule(const ScheduleArgs& args) {
  if (args.output != "text" && args.output != "json") {
    fmt::print(stderr, "error: invalid value '{}' for -o (use text or json)\n", args.output);
    return kExitBadInput;
  }
  auto snapshot = scenario::load_schedule_snapshot(args.file);
  if (!snapshot) {
    std::fputs(snapshot.error().str().c_str(), stderr);
    return kExitBadInput;
  }
  scheduler::ExplainInput input;
  std::vector<std::shared_ptr<const api::Pod>> pending;
  std::shared_ptr<const api::Pod> chosen;
  std::string wanted = args.pod;
  if (!wanted.empty() && wanted.find('/') == std::string::npos) {
    wanted = "default/" + wanted;
  }
  for (const scenario::ManifestObject& o : snapshot->objects) {
    std::visit(
        [&](const auto& obj) {
          using T = std::decay_t<decltype(obj)>;
          if constexpr (std::is_same_v<T, api::Node>) {
            input.nodes.push_back(std::make_shared<const api::Node>(obj));
          } else if constexpr (std::is_same_v<T, api::Pod>) {
            auto pod = std::make_shared<const api::Pod>(obj);
            if (!wanted.empty() && key_of(obj.metadata) == wanted) {
              chosen = pod;
            } else if (obj.spec.node_name.empty()) {
              pending.push_back(pod);
            } else {
              input.bound_pods.push_back(pod);
            }
          } else if constexpr (std::is_same_v<T, api::Service>) {
            input.objects.services[key_of(obj.metadata)] = std::make_shared<const api::Service>(obj);
          } else if constexpr (std::is_same_v<T, api::ReplicaSet>) {
            input.objects.replica_sets[key_of(obj.metadata)] = std::make_shared<const api::ReplicaSet>(obj);
          } else if constexpr (std::is_same_v<T, api::PodDisruptionBudget>) {
            input.objects.pdbs[key_of(obj.metadata)] = std::make_shared<const api::PodDisruptionBudget>(obj);
          } else if constexpr (std::is_same_v<T, api::PriorityClass>) {
            input.priority_classes.push_back(std::make_shared<const api::PriorityClass>(obj));
          }
        },
        o.object);
  }
  if (!wanted.empty()) {
    if (chosen == nullptr) {
      fmt::print(stderr, "error: no pod '{}' in '{}'\n", wanted, args.file);
      return kExitBadInput;
    }
    if (!chosen->spec.node_name.empty()) {
      fmt::print(stderr, "error: pod '{}' is already bound to node '{}' (spec.nodeName); choose a pending pod\n",
                 wanted, chosen->spec.node_name);
      return kExitBadInput;
    }
  } else if (pending.empty()) {
    fmt::print(stderr, "error: '{}' has no pod without spec.nodeName to schedule\n", args.file);
    return kExitBadInput;
  } else if (pending.size() > 1) {
    std::string names;
    for (const auto& p : pending) {
      names += (names.empty() ? "" : ", ") + key_of(p->metadata);
    }
    fmt::print(stderr, "error: '{}' has {} pods without spec.nodeName ({}); choose one with --pod NAMESPACE/NAME\n",
               args.file, pending.size(), names);
    return kExitBadInput;
  } else {
    chosen = pending.front();
  }

  // The profile the pod asks for by spec.schedulerName.
  const std::string& name = chosen->spec.scheduler_name;
  std::optional<scheduler::ProfileConfig> profile;
  if (snapshot->configuration) {
    std::vector<std::string> names;
    for (const scheduler::ProfileConfig& p : snapshot->configuration->profiles) {
      names.push_back(p.scheduler_name);
      if (p.scheduler_name == name) {
        profile = scheduler::merge_with_defaults(p);
      }
    }
    if (!profile) {
      fmt::print(stderr,
                 "error: pod '{}' asks for schedulerName '{}', but the configuration has no such profile "
                 "(profiles: {})\n",
                 key_of(chosen->metadata), name, fmt::join(names, ", "));
      return kExitBadInput;
    }
  } else if (name == "default-scheduler") {
    profile = scheduler::default_profile();
  } else {
    fmt::print(stderr,
               "error: pod '{}' asks for schedulerName '{}'; without a KubeSchedulerConfiguration document only "
               "default-scheduler exists\n",
               key_of(chosen->metadata), name);
    return kExitBadInput;
  }

  auto result = scheduler::explain_schedule(*chosen, input, *profile);
  if (!result) {
    fmt::print(stderr, "error: {}\n", result.error());
    return kExitBadInput;
  }
  std::string text = args.output == "json" ? format_json(result.value()) : format_text(result.value());
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace kubesim::app
