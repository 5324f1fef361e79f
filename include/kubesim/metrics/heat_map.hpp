#pragma once

/// HeatMap: per-node CPU allocation over time (node_usage.csv) as a grid of nodes × samples, for the
/// report's heat map. A cluster of 10,000 nodes over an hour has 3.6 million cells, far more than a
/// page can show, so nodes and samples are grouped into buckets of equal size until the grid fits
/// the caps; each cell is then the mean of its members' ratios.

#include <cstddef>
#include <string>
#include <vector>

namespace kubesim::metrics {

/// One node_usage.csv row, the part the heat map needs.
struct NodeUsageRow {
  double time_seconds = 0;
  std::string node;
  /// milli-CPU
  double cpu_requested = 0;
  double cpu_allocatable = 0;
};

struct HeatMap {
  /// Distinct nodes and sample times in the input, before grouping.
  std::size_t nodes = 0;
  std::size_t samples = 0;
  /// How many consecutive nodes (in first-appearance order) one row holds, and samples one column.
  std::size_t nodes_per_row = 1;
  std::size_t samples_per_column = 1;
  /// A label per row: the node's name, or "first … last" for a group.
  std::vector<std::string> row_labels;
  /// The first and last sample time of each column, seconds.
  std::vector<double> column_start_seconds;
  std::vector<double> column_end_seconds;
  /// cells[row][column]: mean of cpu_requested / cpu_allocatable over the group's rows in the input
  /// (a node without a row at a sample was not running then and does not count); -1 when the group
  /// has no such row at all.
  std::vector<std::vector<double>> cells;

  [[nodiscard]] bool is_aggregated() const { return nodes_per_row > 1 || samples_per_column > 1; }
};

/// Builds the grid: rows are nodes in the order they first appear in `rows`, columns are the distinct
/// sample times ascending; at most `max_rows` × `max_columns` (both >= 1). Rows with zero
/// allocatable CPU count as 0. O(rows + nodes · samples).
HeatMap aggregate_heat_map(const std::vector<NodeUsageRow>& rows, std::size_t max_rows, std::size_t max_columns);

}  // namespace kubesim::metrics
