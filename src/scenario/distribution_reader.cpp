#include "distribution_reader_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace kubesim::scenario::internal {
namespace {

using base::DurationDistribution;

struct DistributionInfo {
  std::string_view name;
  DurationDistribution::Kind kind;
  std::array<std::string_view, 2> params;  // unused slots are empty
};

constexpr std::array<DistributionInfo, 5> kDistributions = {{
    {"constant", DurationDistribution::Kind::Constant, {"value", ""}},
    {"uniform", DurationDistribution::Kind::Uniform, {"min", "max"}},
    {"exponential", DurationDistribution::Kind::Exponential, {"mean", ""}},
    {"normal", DurationDistribution::Kind::Normal, {"mean", "stddev"}},
    {"lognormal", DurationDistribution::Kind::LogNormal, {"median", "sigma"}},
}};

std::string param_list(const DistributionInfo& info) {
  return info.params[1].empty() ? std::string(info.params[0]) : fmt::format("{}, {}", info.params[0], info.params[1]);
}

bool is_any_param(std::string_view key) {
  return std::any_of(kDistributions.begin(), kDistributions.end(), [&](const DistributionInfo& d) {
    return d.params[0] == key || (!d.params[1].empty() && d.params[1] == key);
  });
}

}  // namespace

std::optional<DurationDistribution> read_distribution(Reader& r, const Value& v) {
  if (v.node.IsScalar()) {
    std::optional<Duration> d = read_nonnegative_duration(r, v);
    return d ? std::optional(DurationDistribution::constant(*d)) : std::nullopt;
  }
  if (!v.node.IsMap()) {
    r.error(v.loc, fmt::format("'{}' must be a duration or a mapping with a 'distribution' key, got {}",
                               display_path(v.path), node_type_name(v.node)));
    return std::nullopt;
  }
  MapReader m(r, v, display_path(v.path));
  std::optional<Value> kind_value = m.require("distribution");
  if (!kind_value) {
    return std::nullopt;
  }
  std::optional<std::string> kind_name = read_string(r, *kind_value);
  if (!kind_name) {
    return std::nullopt;
  }
  const DistributionInfo* info = nullptr;
  std::vector<std::string_view> names;
  for (const DistributionInfo& d : kDistributions) {
    names.push_back(d.name);
    if (d.name == *kind_name) {
      info = &d;
    }
  }
  if (info == nullptr) {
    report_bad_enum(r, *kind_value, *kind_name, names);
    return std::nullopt;
  }

  bool ok = true;
  std::array<Duration, 2> durations{};
  double sigma = 0;
  for (std::size_t i = 0; i < info->params.size(); ++i) {
    std::string_view param = info->params[i];
    if (param.empty()) {
      continue;
    }
    std::optional<Value> pv = m.require(param);
    if (!pv) {
      ok = false;
      continue;
    }
    if (param == "sigma") {
      std::optional<double> s = read_number(r, *pv);
      if (s && *s < 0) {
        r.error(pv->loc, fmt::format("'{}' must be >= 0, got {}", pv->path, pv->node.Scalar()));
        s.reset();
      }
      ok = ok && s.has_value();
      sigma = s.value_or(0);
      continue;
    }
    std::optional<Duration> d = read_nonnegative_duration(r, *pv);
    ok = ok && d.has_value();
    durations[i] = d.value_or(Duration::zero());
  }
  // Parameters of another distribution get a message of their own: the usual slip is
  // {distribution: uniform, mean: ...}, and "unknown field" would mislead.
  std::vector<std::string_view> candidates = m.known();
  for (const MapReader::Unused& u : m.unused()) {
    ok = false;
    if (is_any_param(u.key)) {
      r.error(u.loc, fmt::format("'{}' is not a parameter of the {} distribution", u.key, info->name),
              fmt::format("its parameters are {}", param_list(*info)));
      continue;
    }
    std::string match = base::closest_match(u.key, candidates);
    r.error(u.loc, fmt::format("unknown field '{}' in {}", u.key, m.owner()),
            match.empty() ? std::string() : fmt::format("did you mean '{}'?", match));
  }
  if (!ok) {
    return std::nullopt;
  }
  switch (info->kind) {
  case DurationDistribution::Kind::Constant:
    return DurationDistribution::constant(durations[0]);
  case DurationDistribution::Kind::Uniform:
    if (durations[0] > durations[1]) {
      r.error(v.loc, fmt::format("uniform distribution '{}' has min {} greater than max {}", v.path,
                                 base::format_duration(durations[0]), base::format_duration(durations[1])));
      return std::nullopt;
    }
    return DurationDistribution::uniform(durations[0], durations[1]);
  case DurationDistribution::Kind::Exponential:
    return DurationDistribution::exponential(durations[0]);
  case DurationDistribution::Kind::Normal:
    return DurationDistribution::normal(durations[0], durations[1]);
  case DurationDistribution::Kind::LogNormal:
    return DurationDistribution::lognormal(durations[0], sigma);
  }
  return std::nullopt;
}

}  // namespace kubesim::scenario::internal
