#include "support/catch.hpp"

#include "kubesim/metrics/sweep_grid.hpp"

#include <set>

using namespace kubesim;

TEST_CASE("shards partition the grid", "[metrics][sweep]") {
  constexpr std::size_t kProfiles = 3;
  constexpr std::size_t kSeeds = 7;
  for (std::size_t n : {1UL, 2UL, 4UL, 5UL, 21UL, 30UL}) {
    std::set<std::pair<std::size_t, std::size_t>> all;
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (const metrics::GridCell& c : metrics::cells_of_shard(kProfiles, kSeeds, {i, n})) {
        CHECK(c.profile < kProfiles);
        CHECK(c.seed < kSeeds);
        all.emplace(c.profile, c.seed);
        ++total;
      }
    }
    CHECK(total == kProfiles * kSeeds);
    CHECK(all.size() == kProfiles * kSeeds);
  }
  // The diagonals: shard (p + s) mod N. With 3 profiles and 3 shards every shard has every profile.
  auto cells = metrics::cells_of_shard(kProfiles, kSeeds, {0, 3});
  REQUIRE(cells.size() == 7);
  CHECK(cells[0].profile == 0);
  CHECK(cells[0].seed == 0);
  CHECK(cells[1].profile == 2);
  CHECK(cells[1].seed == 1);
  CHECK(cells[2].profile == 1);
  CHECK(cells[2].seed == 2);
  std::set<std::size_t> profiles;
  for (const metrics::GridCell& c : cells) {
    profiles.insert(c.profile);
  }
  CHECK(profiles.size() == kProfiles);
  CHECK(metrics::shard_of({2, 1}, 3) == 0);
}

TEST_CASE("--shard I/N", "[metrics][sweep]") {
  std::string error;
  auto s = metrics::parse_shard("2/8", error);
  REQUIRE(s);
  CHECK(s->index == 2);
  CHECK(s->count == 8);
  CHECK(metrics::parse_shard("0/1", error));
  CHECK_FALSE(metrics::parse_shard("8/8", error));
  CHECK(error ==
        "invalid shard '8/8': the index counts from 0 and must be below the shard count (7/8 is the last of 8)");
  CHECK_FALSE(metrics::parse_shard("1/0", error));
  CHECK_FALSE(metrics::parse_shard("0/0", error));
  CHECK(error == "invalid shard '0/0': the shard count must be at least 1");
  CHECK_FALSE(metrics::parse_shard("3", error));
  CHECK(error == "invalid shard '3' (use I/N, e.g. 0/4 for the first of four shards)");
  CHECK_FALSE(metrics::parse_shard("a/b", error));
  CHECK_FALSE(metrics::parse_shard("-1/4", error));
}

TEST_CASE("seed lists", "[metrics][sweep]") {
  std::string error;
  auto seeds = metrics::parse_seed_list("1-5,8,10-11", error);
  REQUIRE(seeds);
  CHECK(*seeds == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 8, 10, 11});
  CHECK(metrics::format_seed_list(*seeds) == "1-5,8,10-11");
  CHECK(metrics::format_seed_list({7}) == "7");
  CHECK(metrics::format_seed_list({3, 1, 2}) == "3,1-2");

  CHECK_FALSE(metrics::parse_seed_list("", error));
  CHECK(error == "invalid seed list '': empty (use ranges and numbers, e.g. 1-20 or 1-5,10)");
  CHECK_FALSE(metrics::parse_seed_list("5-1", error));
  CHECK(error == "invalid seed list '5-1': the range '5-1' is reversed (use ranges and numbers, e.g. 1-20 or 1-5,10)");
  CHECK_FALSE(metrics::parse_seed_list("1-3,2", error));
  CHECK(error == "invalid seed list '1-3,2': seed 2 is listed twice (use ranges and numbers, e.g. 1-20 or 1-5,10)");
  CHECK_FALSE(metrics::parse_seed_list("1,", error));
  CHECK_FALSE(metrics::parse_seed_list("x", error));
  CHECK(error ==
        "invalid seed list 'x': 'x' is not a seed or a range of seeds (use ranges and numbers, e.g. 1-20 or 1-5,10)");
  CHECK_FALSE(metrics::parse_seed_list("1-1000000", error));
  CHECK(error == "invalid seed list '1-1000000': more than 100000 seeds (use ranges and numbers, e.g. 1-20 or 1-5,10)");
}
