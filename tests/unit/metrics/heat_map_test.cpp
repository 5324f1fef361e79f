#include "support/catch.hpp"

#include "kubesim/metrics/heat_map.hpp"

using namespace kubesim;
using metrics::NodeUsageRow;

TEST_CASE("the heat map keeps node order and marks samples where a node did not run", "[metrics][report]") {
  std::vector<NodeUsageRow> rows = {
      {10, "b", 500, 1000}, {10, "a", 0, 1000}, {20, "b", 1000, 1000}, {20, "a", 250, 1000}, {30, "a", 0, 0},
  };
  metrics::HeatMap map = metrics::aggregate_heat_map(rows, 100, 100);
  CHECK(map.nodes == 2);
  CHECK(map.samples == 3);
  CHECK_FALSE(map.is_aggregated());
  CHECK(map.row_labels == std::vector<std::string>{"b", "a"});
  CHECK(map.column_start_seconds == std::vector<double>{10, 20, 30});
  REQUIRE(map.cells.size() == 2);
  CHECK(map.cells[0] == std::vector<double>{0.5, 1.0, -1.0});  // b was gone at 30 s
  CHECK(map.cells[1] == std::vector<double>{0.0, 0.25, 0.0});  // zero allocatable counts as 0
}

TEST_CASE("the heat map aggregates nodes and samples into equal groups to fit the caps", "[metrics][report]") {
  std::vector<NodeUsageRow> rows;
  for (int t = 1; t <= 10; ++t) {
    for (int n = 0; n < 5; ++n) {
      rows.push_back({t * 10.0, "node-" + std::to_string(n), n < 2 ? 1000.0 : 0.0, 1000});
    }
  }
  metrics::HeatMap map = metrics::aggregate_heat_map(rows, 2, 4);
  CHECK(map.is_aggregated());
  CHECK(map.nodes_per_row == 3);       // ceil(5 / 2)
  CHECK(map.samples_per_column == 3);  // ceil(10 / 4)
  REQUIRE(map.cells.size() == 2);
  REQUIRE(map.cells[0].size() == 4);
  CHECK(map.row_labels == std::vector<std::string>{"node-0 … node-2", "node-3 … node-4"});
  CHECK(map.cells[0][0] == Approx(2.0 / 3.0));  // nodes 0 and 1 full, node 2 empty
  CHECK(map.cells[1][0] == 0.0);
  CHECK(map.column_start_seconds == std::vector<double>{10, 40, 70, 100});
  CHECK(map.column_end_seconds == std::vector<double>{30, 60, 90, 100});
}

TEST_CASE("an empty node_usage.csv gives an empty heat map", "[metrics][report]") {
  metrics::HeatMap map = metrics::aggregate_heat_map({}, 10, 10);
  CHECK(map.nodes == 0);
  CHECK(map.cells.empty());
}
