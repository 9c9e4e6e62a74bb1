#pragma once
// A loaded timeline: every row of a CSV read once, typed by the schema, sorted by time
// (stable: rows with equal times keep their file order).
// Split, impute, window and pipeline work on row indices into a Table.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/csv.hpp"
#include "dlrm/preprocessing/schema.hpp"
#include "dlrm/preprocessing/time.hpp"

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
  std::size_t skipped = 0;            // rows skipped as malformed (LoadOptions::skip_malformed)
  std::vector<std::size_t> skipped_lines;  // the first of their lines, ascending

  std::size_t rows() const { return time.size(); }
};


struct LoadOptions {
  bool skip_malformed = false;        // skip and count bad rows instead of throwing
  char delimiter = ',';
  std::size_t chunk_bytes = 1 << 20;  // CSV read buffer
  std::size_t report_lines = 10;      // how many skipped line numbers to keep
};

namespace detail {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

// Schema::positive, matched after trimming, ignoring case, and as numbers when both parse.
class PositiveMatcher {
 public:
  explicit PositiveMatcher(const std::vector<std::string>& positive) {
    for (const auto& p : positive) {
      text_.push_back(ascii_lower(trim(p)));
      const auto n = parse_number(p);
      if (n && !std::isnan(*n)) numbers_.push_back(*n);
    }
  }
  bool operator()(std::string_view value) const {
    const std::string v = ascii_lower(trim(value));
    for (const auto& t : text_)
      if (t == v) return true;
    if (!numbers_.empty()) {
      const auto n = parse_number(v);
      if (n)
        for (double x : numbers_)
          if (x == *n) return true;
    }
    return false;
  }

 private:
  std::vector<std::string> text_;
  std::vector<double> numbers_;
};

}  // namespace detail

// Reads a whole CSV typed by the schema: numeric -> double (NaN = missing), categorical and
// hashed -> interned text (booleans as "0" / "1"), label -> 1 / 0 by Schema::positive,
// time -> epoch seconds. Rows come out stably sorted by time; Table::line keeps each row's
// source line. The header must hold every schema column (check_header); columns it has
// beyond the schema are ignored. A value that does not read for its role is a ParseError
// naming file, line, column and field, or with skip_malformed a skipped, counted row.
inline Table load_table(std::istream& in, const std::string& name, const Schema& schema,
                        const LoadOptions& options = {}) {
  CsvOptions csv;
  csv.delimiter = options.delimiter;
  csv.skip_malformed = options.skip_malformed;
  csv.chunk_bytes = options.chunk_bytes;
  csv.report_lines = options.report_lines;
  CsvReader reader(in, name, csv);
  const std::vector<std::string>& header = reader.header();
  check_header(schema, header, name);
  auto index_of = [&](const std::string& column) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), column) -
                                    header.begin());
  };

  const std::vector<std::string> time_names = schema.names_with(Role::time);
  if (time_names.empty())
    throw Error(name + ": the schema has no time column (declare one: column <name> time)");
  if (time_names.size() > 2)
    throw Error(name + ": the schema has " + std::to_string(time_names.size()) +
                " time columns (a time is one column, or a date and a time of day)");
  if (!schema.time_format.empty()) check_time_format(schema.time_format);
  std::vector<std::size_t> time_at;
  for (const auto& t : time_names) time_at.push_back(index_of(t));

  Table table;
  table.source = name;
  const std::vector<std::string> label_names = schema.names_with(Role::label);
  const bool has_label = !label_names.empty();
  const std::size_t label_at = has_label ? index_of(label_names.front()) : 0;
  const detail::PositiveMatcher positive(schema.positive);

  struct NumericPlan { std::size_t at; };
  struct TextPlan { std::size_t at; bool boolean; };
  std::vector<NumericPlan> numeric_plan;
  std::vector<TextPlan> text_plan;
  for (const auto& c : schema.columns) {
    if (c.role == Role::numeric) {
      numeric_plan.push_back({index_of(c.name)});
      table.numeric.push_back(NumericColumn{c.name, {}});
    } else if (c.role == Role::categorical || c.role == Role::hashed) {
      text_plan.push_back({index_of(c.name), c.boolean});
      TextColumn t;
      t.name = c.name;
      table.text.push_back(std::move(t));
    }
  }
  // Lookups by string_view without allocating: the keys view strings held in a deque,
  // whose elements never move.
  std::vector<std::unordered_map<std::string_view, std::uint32_t>> interned(text_plan.size());
  std::vector<std::deque<std::string>> arena(text_plan.size());

  std::vector<std::string_view> fields;
  std::vector<double> row_numbers(numeric_plan.size());
  std::string joined;
  std::size_t value_skips = 0;
  std::vector<std::size_t> value_skip_lines;
  const double nan = std::numeric_limits<double>::quiet_NaN();

  while (reader.next(fields)) {
    const std::size_t line = reader.line();
    try {
      // Time.
      std::string_view when = trim(fields[time_at[0]]);
      bool missing = when.empty();
      if (time_at.size() == 2) {
        const std::string_view second = trim(fields[time_at[1]]);
        missing = missing || second.empty();
        joined.assign(when);
        joined += ' ';
        joined += second;
        when = joined;
      }
      const auto t = missing ? std::nullopt : try_parse_time(when, schema.time_format);
      if (!t) {
        const std::string what = missing ? std::string("the time is missing")
                                         : time_error_text(when, schema.time_format);
        if (time_at.size() == 1) throw field_error(name, line, time_at[0] + 1, time_names[0], what);
        throw row_error(name, line,
                        describe_column(time_at[0] + 1, time_names[0]) + " and " +
                            describe_column(time_at[1] + 1, time_names[1]) + ": " + what,
                        time_at[0] + 1, time_names[0] + "+" + time_names[1]);
      }
      // Label.
      std::int8_t label = 0;
      if (has_label) {
        const std::string_view v = trim(fields[label_at]);
        if (v.empty())
          throw field_error(name, line, label_at + 1, label_names.front(),
                            "the label is missing (every row needs one)");
        label = positive(v) ? 1 : 0;
      }
      // Numbers.
      for (std::size_t k = 0; k < numeric_plan.size(); ++k) {
        const std::string_view v = fields[numeric_plan[k].at];
        if (v.empty()) {
          row_numbers[k] = nan;
          continue;
        }
        const auto n = parse_number(v);
        if (!n)
          throw field_error(name, line, numeric_plan[k].at + 1, table.numeric[k].name,
                            quote_value(v) + " is not a number");
        row_numbers[k] = *n;
      }
      // Booleans must be boolean spellings.
      for (std::size_t k = 0; k < text_plan.size(); ++k) {
        if (!text_plan[k].boolean) continue;
        const std::string_view v = fields[text_plan[k].at];
        if (!v.empty() && !parse_boolean(v))
          throw field_error(name, line, text_plan[k].at + 1, table.text[k].name,
                            quote_value(v) +
                                " is not a boolean (expected 0/1, true/false, on/off or yes/no)");
      }
      // The row is good: commit it.
      table.time.push_back(*t);
      table.line.push_back(line);
      if (has_label) table.label.push_back(label);
      for (std::size_t k = 0; k < numeric_plan.size(); ++k)
        table.numeric[k].values.push_back(row_numbers[k]);
      for (std::size_t k = 0; k < text_plan.size(); ++k) {
        std::string_view v = trim(fields[text_plan[k].at]);  // as Pipeline::Stream reads it
        if (text_plan[k].boolean && !v.empty()) v = *parse_boolean(v) ? "1" : "0";
        TextColumn& col = table.text[k];
        std::uint32_t code = 0;
        if (!v.empty()) {
          const auto it = interned[k].find(v);
          if (it != interned[k].end()) {
            code = it->second;
          } else {
            code = static_cast<std::uint32_t>(col.values.size());
            col.values.emplace_back(v);
            interned[k].emplace(std::string_view(arena[k].emplace_back(v)), code);
          }
        }
        col.codes.push_back(code);
      }
    } catch (const ParseError&) {
      if (!options.skip_malformed) throw;
      ++value_skips;
      if (value_skip_lines.size() < options.report_lines) value_skip_lines.push_back(line);
    }
  }

  // Structural skips (the reader) and value skips (here), first lines in line order.
  table.skipped = reader.skipped() + value_skips;
  table.skipped_lines = reader.skipped_lines();
  table.skipped_lines.insert(table.skipped_lines.end(), value_skip_lines.begin(),
                             value_skip_lines.end());
  std::sort(table.skipped_lines.begin(), table.skipped_lines.end());
  if (table.skipped_lines.size() > options.report_lines)
    table.skipped_lines.resize(options.report_lines);

  // Stable sort by time; most captures are in order already.
  if (!std::is_sorted(table.time.begin(), table.time.end())) {
    std::vector<std::size_t> order(table.rows());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return table.time[a] < table.time[b]; });
    auto permute = [&](auto& v) {
      std::remove_reference_t<decltype(v)> out(v.size());
      for (std::size_t i = 0; i < order.size(); ++i) out[i] = v[order[i]];
      v.swap(out);
    };
    permute(table.time);
    permute(table.line);
    if (has_label) permute(table.label);
    for (auto& c : table.numeric) permute(c.values);
    for (auto& c : table.text) permute(c.codes);
  }
  return table;
}

inline Table load_table(const std::string& csv_path, const Schema& schema,
                        const LoadOptions& options = {}) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in)
    throw Error("cannot open " + csv_path + ": " + std::strerror(errno) +
                " (check the path and the permissions)");
  return load_table(in, csv_path, schema, options);
}

}  // namespace dlrm::prep
