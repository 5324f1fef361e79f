#pragma once

/// The grid of a policy sweep (`kubesim compare`): every profile on every seed. A sweep too large for
/// one machine is split into N shards (`--shard I/N`, I from 0, as Kubernetes' JOB_COMPLETION_INDEX
/// and most Slurm arrays count). The run of profile p (its index in the --profile list) on seed s (its
/// index in the seed list) belongs to shard (p + s) mod N: the diagonals of the grid, so that every
/// shard gets runs of every profile once there are N seeds or more (a plain round robin over the runs
/// would give each shard one profile whenever the profile count is a multiple of N), and the shards'
/// sizes differ by at most the smaller side of the grid. `kubesim merge` puts the shards back together.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::metrics {

struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
};

struct GridCell {
  std::size_t profile = 0;  // index into the profile list
  std::size_t seed = 0;     // index into the seed list
};

/// The shard index of `cell` among `count` shards.
std::size_t shard_of(GridCell cell, std::size_t count);
/// The cells shard `shard` runs, in grid order (seed-major: every profile of the first seed, then of
/// the second, ...).
std::vector<GridCell> cells_of_shard(std::size_t profiles, std::size_t seeds, Shard shard);

/// "2/8" → {2, 8}; nullopt (with `error` set) unless 0 <= I < N.
std::optional<Shard> parse_shard(std::string_view text, std::string& error);

/// "1-5,8" → {1, 2, 3, 4, 5, 8}; nullopt (with `error` set) on bad syntax, an empty or reversed range,
/// a repeated seed, or more than 100,000 seeds.
std::optional<std::vector<std::uint64_t>> parse_seed_list(std::string_view text, std::string& error);
/// {1, 2, 3, 5} → "1-3,5".
std::string format_seed_list(const std::vector<std::uint64_t>& seeds);

}  // namespace kubesim::metrics
