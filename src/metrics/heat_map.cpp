#include "kubesim/metrics/heat_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace kubesim::metrics {

HeatMap aggregate_heat_map(const std::vector<NodeUsageRow>& rows, std::size_t max_rows, std::size_t max_columns) {
  HeatMap map;
  max_rows = std::max<std::size_t>(max_rows, 1);
  max_columns = std::max<std::size_t>(max_columns, 1);
  // Nodes keep their file order (node order: pools as the scenario lists them); the map is only an
  // index and never decides an order.
  std::vector<std::string> names;
  std::map<std::string, std::size_t, std::less<>> node_index;
  std::vector<double> times;
  for (const NodeUsageRow& r : rows) {
    if (node_index.emplace(r.node, names.size()).second) {
      names.push_back(r.node);
    }
    times.push_back(r.time_seconds);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  map.nodes = names.size();
  map.samples = times.size();
  if (rows.empty()) {
    return map;
  }
  map.nodes_per_row = (map.nodes + max_rows - 1) / max_rows;
  map.samples_per_column = (map.samples + max_columns - 1) / max_columns;
  const std::size_t nrows = (map.nodes + map.nodes_per_row - 1) / map.nodes_per_row;
  const std::size_t ncols = (map.samples + map.samples_per_column - 1) / map.samples_per_column;

  std::vector<std::vector<double>> sum(nrows, std::vector<double>(ncols, 0.0));
  std::vector<std::vector<std::size_t>> count(nrows, std::vector<std::size_t>(ncols, 0));
  for (const NodeUsageRow& r : rows) {
    std::size_t row = node_index.find(r.node)->second / map.nodes_per_row;
    auto t = static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), r.time_seconds) - times.begin());
    std::size_t col = t / map.samples_per_column;
    sum[row][col] += r.cpu_allocatable > 0 ? r.cpu_requested / r.cpu_allocatable : 0.0;
    ++count[row][col];
  }
  map.cells.assign(nrows, std::vector<double>(ncols, -1.0));
  for (std::size_t i = 0; i < nrows; ++i) {
    for (std::size_t j = 0; j < ncols; ++j) {
      if (count[i][j] > 0) {
        map.cells[i][j] = sum[i][j] / static_cast<double>(count[i][j]);
      }
    }
    std::size_t first = i * map.nodes_per_row;
    std::size_t last = std::min(first + map.nodes_per_row, map.nodes) - 1;
    map.row_labels.push_back(first == last ? names[first] : fmt::format("{} … {}", names[first], names[last]));
  }
  for (std::size_t j = 0; j < ncols; ++j) {
    std::size_t first = j * map.samples_per_column;
    std::size_t last = std::min(first + map.samples_per_column, map.samples) - 1;
    map.column_start_seconds.push_back(times[first]);
    map.column_end_seconds.push_back(times[last]);
  }
  return map;
}

}  // namespace kubesim::metrics
