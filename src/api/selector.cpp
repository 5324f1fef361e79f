#include "kubesim/api/selector.hpp"

#include <algorithm>
#include <charconv>

namespace kubesim::api {
namespace {

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

bool requirement_matches(const SelectorRequirement& r, const std::string* value) {
  switch (r.op) {
  case SelectorOperator::In:
    return value != nullptr && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
  case SelectorOperator::NotIn:
    return value == nullptr || std::find(r.values.begin(), r.values.end(), *value) == r.values.end();
  case SelectorOperator::Exists:
    return value != nullptr;
  case SelectorOperator::DoesNotExist:
    return value == nullptr;
  case SelectorOperator::Gt:
  case SelectorOperator::Lt: {
    if (value == nullptr || r.values.size() != 1) {
      return false;
    }
    auto have = parse_int(*value);
    auto want = parse_int(r.values.front());
    if (!have || !want) {
      return false;
    }
    return r.op == SelectorOperator::Gt ? *have > *want : *have < *want;
  }
  }
  return false;
}

}  // namespace

bool SelectorRequirement::matches(const StringMap& labels) const {
  return requirement_matches(*this, labels.find(key));
}

bool LabelSelector::matches(const StringMap& labels) const {
  if (!labels.contains_all(match_labels)) {
    return false;
  }
  return std::all_of(match_expressions.begin(), match_expressions.end(),
                     [&](const SelectorRequirement& r) { return r.matches(labels); });
}

bool NodeSelectorTerm::matches(const StringMap& node_labels, const std::string& node_name) const {
  if (match_expressions.empty() && match_fields.empty()) {
    return false;
  }
  for (const SelectorRequirement& r : match_expressions) {
    if (!r.matches(node_labels)) {
      return false;
    }
  }
  for (const SelectorRequirement& r : match_fields) {
    // metadata.name is the only supported field selector key upstream.
    const std::string* value = r.key == "metadata.name" ? &node_name : nullptr;
    if (!requirement_matches(r, value)) {
      return false;
    }
  }
  return true;
}

bool NodeSelector::matches(const StringMap& node_labels, const std::string& node_name) const {
  return std::any_of(terms.begin(), terms.end(),
                     [&](const NodeSelectorTerm& t) { return t.matches(node_labels, node_name); });
}

}  // namespace kubesim::api
