#include "support/catch.hpp"

#include "kubesim/scenario/csv_reader.hpp"

using namespace kubesim;

TEST_CASE("CSV files are read with RFC 4180 quoting", "[scenario][report]") {
  auto t = scenario::parse_csv("name,message,n\r\nweb,\"0/3 nodes, \"\"Insufficient cpu\"\"\",1\nx,\"two\nlines\",\n",
                               "p.csv");
  REQUIRE(t.has_value());
  CHECK(t->header == std::vector<std::string>{"name", "message", "n"});
  REQUIRE(t->rows.size() == 2);
  CHECK(t->rows[0][1] == "0/3 nodes, \"Insufficient cpu\"");
  CHECK(t->rows[1][1] == "two\nlines");
  CHECK(t->row_lines == std::vector<std::uint32_t>{2, 3});
  CHECK(t->column("n") == std::optional<std::size_t>(2));
  CHECK_FALSE(t->column("nope").has_value());

  auto n = scenario::numeric_column(*t, "n");
  REQUIRE(n.has_value());
  CHECK(*n == std::vector<std::optional<double>>{1.0, std::nullopt});
}

TEST_CASE("a header without rows is an empty table", "[scenario][report]") {
  auto t = scenario::parse_csv("a,b\n", "t.csv");
  REQUIRE(t.has_value());
  CHECK(t->rows.empty());
}

TEST_CASE("malformed CSV is reported at file:line:col", "[scenario][report]") {
  auto first_error = [](const auto& r) { return r.error().items().front().str(); };

  auto empty = scenario::parse_csv("", "e.csv");
  REQUIRE_FALSE(empty.has_value());
  CHECK(first_error(empty) == "e.csv:1:1: error: empty CSV file (no header line) (use the files that `kubesim run "
                              "--out DIR` writes)");

  auto fields = scenario::parse_csv("a,b\n1,2\n1,2,3\n", "f.csv");
  REQUIRE_FALSE(fields.has_value());
  CHECK(first_error(fields) ==
        "f.csv:3:3: error: row has 3 fields, the header has 2 (field 3 has no column; quote a field that holds a "
        "comma (\"a,b\"))");
  auto short_row = scenario::parse_csv("a,b,c\n1,2,3\n1\n", "s.csv");
  REQUIRE_FALSE(short_row.has_value());
  CHECK(first_error(short_row) ==
        "s.csv:3:2: error: row has 1 field, the header has 3 (no field for column 'b'; an empty cell is still a "
        "field (a,,c))");

  auto quote = scenario::parse_csv("a,b\n1,\"open\n", "q.csv");
  REQUIRE_FALSE(quote.has_value());
  CHECK(first_error(quote) == "q.csv:2:2: error: unterminated quoted CSV field");

  auto after = scenario::parse_csv("a\n\"x\"y\n", "x.csv");
  REQUIRE_FALSE(after.has_value());
  CHECK(first_error(after).find("x.csv:2:1: error: text after a closing quote") == 0);

  auto t = scenario::parse_csv("time_seconds,cpu\n10,1\n20,lots\n30,inf\n", "n.csv");
  REQUIRE(t.has_value());
  auto cpu = scenario::numeric_column(*t, "cpu");
  REQUIRE_FALSE(cpu.has_value());
  REQUIRE(cpu.error().size() == 2);
  CHECK(cpu.error().items()[0].str() == "n.csv:3:2: error: 'lots' in column 'cpu' is not a number");
  CHECK(cpu.error().items()[1].str() == "n.csv:4:2: error: 'inf' in column 'cpu' is not a number");
  auto missing = scenario::numeric_column(*t, "memory");
  REQUIRE_FALSE(missing.has_value());
  CHECK(first_error(missing).find("n.csv:1: error: missing column 'memory'") == 0);

  auto unreadable = scenario::load_csv("/nonexistent/t.csv");
  REQUIRE_FALSE(unreadable.has_value());
  CHECK(first_error(unreadable).find("cannot read CSV file '/nonexistent/t.csv'") != std::string::npos);
}
