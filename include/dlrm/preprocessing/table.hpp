#pragma once
// A loaded timeline: every row of a CSV read once, typed by the schema, in file order.
// Split, impute, window and pipeline work on row indices into a Table.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dlrm::prep {

struct NumericColumn {
  std::string name;
  std::vector<double> values;  // NaN = missing
};

// Interned strings: values[code[r]] is row r's (trimmed, normalised) text; code 0 is
// always the missing value "" so that "missing" needs no extra flag.
struct TextColumn {
  std::string name;
  std::vector<std::string> values{std::string()};
  std::vector<std::uint32_t> codes;
};

struct Table {
  std::string source;                 // file name, for messages
  std::vector<double> time;           // epoch seconds (UTC), per row
  std::vector<std::size_t> line;      // 1-based source line of each row (header = line 1)
  std::vector<std::int8_t> label;     // 1 anomalous, 0 normal; empty without a label column
  std::vector<NumericColumn> numeric; // Role::numeric columns, schema order
  std::vector<TextColumn> text;       // Role::categorical and Role::hashed, schema order

  std::size_t rows() const { return time.size(); }
};

}  // namespace dlrm::prep
