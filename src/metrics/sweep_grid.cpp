#include "kubesim/metrics/sweep_grid.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace kubesim::metrics {
namespace {

constexpr std::size_t kMaxSeeds = 100'000;

std::optional<std::uint64_t> parse_uint(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

std::size_t shard_of(GridCell cell, std::size_t count) { return (cell.profile + cell.seed) % count; }

std::vector<GridCell> cells_of_shard(std::size_t profiles, std::size_t seeds, Shard shard) {
  std::vector<GridCell> out;
  for (std::size_t s = 0; s < seeds; ++s) {
    for (std::size_t p = 0; p < profiles; ++p) {
      if (shard_of(GridCell{p, s}, shard.count) == shard.index) {
        out.push_back(GridCell{p, s});
      }
    }
  }
  return out;
}

std::optional<Shard> parse_shard(std::string_view text, std::string& error) {
  std::size_t slash = text.find('/');
  std::optional<std::uint64_t> index =
      slash == std::string_view::npos ? std::nullopt : parse_uint(text.substr(0, slash));
  std::optional<std::uint64_t> count =
      slash == std::string_view::npos ? std::nullopt : parse_uint(text.substr(slash + 1));
  if (!index || !count) {
    error = fmt::format("invalid shard '{}' (use I/N, e.g. 0/4 for the first of four shards)", text);
    return std::nullopt;
  }
  if (*count == 0) {
    error = fmt::format("invalid shard '{}': the shard count must be at least 1", text);
    return std::nullopt;
  }
  if (*index >= *count) {
    error = fmt::format("invalid shard '{}': the index counts from 0 and must be below the shard count ({}/{} is the "
                        "last of {})",
                        text, *count - 1, *count, *count);
    return std::nullopt;
  }
  return Shard{static_cast<std::size_t>(*index), static_cast<std::size_t>(*count)};
}

std::optional<std::vector<std::uint64_t>> parse_seed_list(std::string_view text, std::string& error) {
  std::vector<std::uint64_t> seeds;
  std::set<std::uint64_t> seen;
  auto fail = [&](std::string_view why) {
    error = fmt::format("invalid seed list '{}': {} (use ranges and numbers, e.g. 1-20 or 1-5,10)", text, why);
    return std::nullopt;
  };
  if (text.empty()) {
    return fail("empty");
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    std::string_view term = text.substr(start, comma - start);
    std::size_t dash = term.find('-');
    std::optional<std::uint64_t> lo = parse_uint(dash == std::string_view::npos ? term : term.substr(0, dash));
    std::optional<std::uint64_t> hi = dash == std::string_view::npos ? lo : parse_uint(term.substr(dash + 1));
    if (!lo || !hi) {
      return fail(fmt::format("'{}' is not a seed or a range of seeds", term));
    }
    if (*hi < *lo) {
      return fail(fmt::format("the range '{}' is reversed", term));
    }
    if (*hi - *lo >= kMaxSeeds || seeds.size() + (*hi - *lo + 1) > kMaxSeeds) {
      return fail(fmt::format("more than {} seeds", kMaxSeeds));
    }
    for (std::uint64_t s = *lo;; ++s) {
      if (!seen.insert(s).second) {
        return fail(fmt::format("seed {} is listed twice", s));
      }
      seeds.push_back(s);
      if (s == *hi) {
        break;
      }
    }
    start = comma + 1;
  }
  return seeds;
}

std::string format_seed_list(const std::vector<std::uint64_t>& seeds) {
  std::string out;
  for (std::size_t i = 0; i < seeds.size();) {
    std::size_t j = i;
    while (j + 1 < seeds.size() && seeds[j + 1] == seeds[j] + 1) {
      ++j;
    }
    out += out.empty() ? "" : ",";
    out += j == i ? fmt::format("{}", seeds[i]) : fmt::format("{}-{}", seeds[i], seeds[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace kubesim::metrics
