#include "kubesim/scenario/sweep_manifest.hpp"

#include "yaml_reader_internal.hpp"

#include <fmt/format.h>

#include <charconv>
#include <iterator>

namespace kubesim::scenario {
namespace {

using internal::Reader;

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The reader's checks: each names the field, so that a hand-edited or truncated file says what is
// wrong with it.
class ManifestReader {
 public:
  ManifestReader(Reader& r, const YAML::Node& doc) : r_(r), doc_(doc) {}

  std::string string(const YAML::Node& node, std::string_view field) {
    if (!node || !node.IsScalar()) {
      fail(node, fmt::format("'{}' must be a string", field));
      return {};
    }
    return node.Scalar();
  }
  std::uint64_t number(const YAML::Node& node, std::string_view field) {
    std::uint64_t v = 0;
    if (node && node.IsScalar()) {
      const std::string& s = node.Scalar();
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) {
        return v;
      }
    }
    fail(node, fmt::format("'{}' must be a non-negative integer", field));
    return 0;
  }
  void fail(const YAML::Node& node, std::string message) {
    r_.error(node ? r_.loc(node) : r_.loc(doc_), std::move(message),
             "sweep.json is written by `kubesim compare --out DIR`; rerun that shard instead of editing it");
  }

 private:
  Reader& r_;
  const YAML::Node& doc_;
};

}  // namespace

std::string cell_folder(const std::string& profile, std::uint64_t seed) {
  std::string name;
  for (char c : profile) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    name += ok ? c : '_';
  }
  if (name.empty() || name == "." || name == "..") {
    name = "_" + name;
  }
  return fmt::format("runs/{}/seed-{}", name, seed);
}

std::string format_sweep_manifest(const SweepManifest& m) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(
      it,
      "{{\n  \"kind\": \"kubesim-sweep\",\n  \"scenario\": {},\n  \"scenario_file\": {},\n  \"inputs\": {},\n"
      "  \"horizon_seconds\": {},\n",
      quote(m.scenario), quote(m.scenario_file), quote(m.inputs), m.horizon_seconds);
  out += "  \"profiles\": [";
  for (std::size_t i = 0; i < m.profiles.size(); ++i) {
    out += (i == 0 ? "" : ", ") + quote(m.profiles[i]);
  }
  out += "],\n  \"seeds\": [";
  for (std::size_t i = 0; i < m.seeds.size(); ++i) {
    fmt::format_to(it, "{}{}", i == 0 ? "" : ", ", m.seeds[i]);
  }
  fmt::format_to(it, "],\n  \"shard\": {{\"index\": {}, \"count\": {}}},\n  \"cells\": [", m.shard_index,
                 m.shard_count);
  for (std::size_t i = 0; i < m.cells.size(); ++i) {
    const SweepManifest::Cell& c = m.cells[i];
    fmt::format_to(it, "{}\n    {{\"profile\": {}, \"seed\": {}, \"summary\": {}}}", i == 0 ? "" : ",",
                   quote(c.profile), c.seed, quote(c.summary));
  }
  out += m.cells.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

base::Expected<SweepManifest, base::Diagnostics> load_sweep_manifest(const std::string& path) {
  base::Diagnostics diags;
  std::string text;
  std::string error;
  if (!internal::read_text_file(path, text, error)) {
    diags.error(base::SourceLocation{path, 0, 0}, fmt::format("cannot read '{}': {}", path, error),
                "give the folders that `kubesim compare --out DIR` wrote (each holds a sweep.json)");
    return base::unexpected(std::move(diags));
  }
  Reader r(path, diags);
  SweepManifest m;
  internal::for_each_document(text, r, diags, [&](const std::vector<YAML::Node>& docs) {
    if (docs.empty() || !docs.front().IsMap() || !docs.front()["kind"] ||
        docs.front()["kind"].Scalar() != "kubesim-sweep") {
      r.error(base::SourceLocation{path, 1, 1}, "not a kubesim sweep manifest",
              "give the folders that `kubesim compare --out DIR` wrote (each holds a sweep.json)");
      return;
    }
    const YAML::Node& doc = docs.front();
    ManifestReader mr(r, doc);
    m.scenario = mr.string(doc["scenario"], "scenario");
    m.scenario_file = mr.string(doc["scenario_file"], "scenario_file");
    m.inputs = mr.string(doc["inputs"], "inputs");
    m.horizon_seconds = mr.string(doc["horizon_seconds"], "horizon_seconds");
    const YAML::Node profiles = doc["profiles"];
    const YAML::Node seeds = doc["seeds"];
    const YAML::Node shard = doc["shard"];
    const YAML::Node cells = doc["cells"];
    if (!profiles || !profiles.IsSequence() || !seeds || !seeds.IsSequence() || !shard || !shard.IsMap() || !cells ||
        !cells.IsSequence()) {
      mr.fail(doc, "'profiles', 'seeds' and 'cells' must be lists and 'shard' an object");
      return;
    }
    for (const YAML::Node& p : profiles) {
      m.profiles.push_back(mr.string(p, "profiles[]"));
    }
    for (const YAML::Node& s : seeds) {
      m.seeds.push_back(mr.number(s, "seeds[]"));
    }
    m.shard_index = mr.number(shard["index"], "shard.index");
    m.shard_count = mr.number(shard["count"], "shard.count");
    if (m.shard_count == 0 || m.shard_index >= m.shard_count) {
      mr.fail(shard, "'shard.index' must be below 'shard.count'");
    }
    for (const YAML::Node& c : cells) {
      if (!c.IsMap()) {
        mr.fail(c, "each of 'cells' must be an object");
        continue;
      }
      m.cells.push_back(SweepManifest::Cell{mr.string(c["profile"], "cells[].profile"),
                                            mr.number(c["seed"], "cells[].seed"),
                                            mr.string(c["summary"], "cells[].summary")});
    }
  });
  if (diags.has_errors()) {
    return base::unexpected(std::move(diags));
  }
  return m;
}

}  // namespace kubesim::scenario
