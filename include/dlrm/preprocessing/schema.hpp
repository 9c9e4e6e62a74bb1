#pragma once
// The schema: one role per column, declared by the user or inferred from a sample.
// Standard library only.
#include <cstddef>
#include <string>
#include <vector>

#include "dlrm/error.hpp"

namespace dlrm::prep {

enum class Role {
  time,         // the timestamp (one column, or a date column plus a time column)
  label,        // which values mean anomalous is Schema::positive
  numeric,      // scaled dense feature
  categorical,  // vocabulary per column, index 0 = unknown / missing
  hashed,       // stable hash into ColumnSpec::buckets buckets (IP addresses, ...)
  drop          // ignored (ids, constants)
};

enum class Impute {
  none,      // missing stays missing: median (numeric) or the unknown category
  ffill,     // carry the last reading forward in time order
  constant   // ColumnSpec::fill_value
};

struct ColumnSpec {
  std::string name;
  Role role = Role::drop;
  Impute impute = Impute::none;
  std::string fill_value;           // Impute::constant
  bool missing_indicator = false;   // add a 0/1 dense feature "was missing"
  std::size_t buckets = 0;          // Role::hashed
  std::size_t min_frequency = 1;    // Role::categorical: rarer values map to unknown
  bool boolean = false;             // values are boolean spellings, normalised to 0/1
};

enum class WindowKind {
  count,         // events per key in the last `seconds`
  sum,           // sum of `value` per key in the last `seconds`
  distinct,      // distinct `value`s per key in the last `seconds`
  since_change   // seconds since `value` last changed (key may be empty: global)
};

// A causal aggregate over the past only: identical in batch and on a live stream.
struct WindowSpec {
  std::string name;      // the output feature's name
  WindowKind kind = WindowKind::count;
  std::string key;       // group-by column (e.g. the source address); empty = global
  std::string value;     // the aggregated column (sum, distinct, since_change)
  double seconds = 60;   // window length (unused by since_change)
};

enum class ScalerKind { minmax, zscore };

struct Schema {
  std::vector<ColumnSpec> columns;       // every header column, in file order
  std::string time_format;               // empty = detect (epoch, ISO 8601, dd-Mon-yy, ...)
  std::vector<std::string> positive;     // label values that mean anomalous
  std::vector<WindowSpec> windows;
  bool time_features = true;             // hour of day, day of week (+ sin/cos)
  ScalerKind scaler = ScalerKind::zscore;
  bool clip = false;                     // clip scaled values to the training range

  const ColumnSpec* find(const std::string& name) const {
    for (const auto& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }
  std::vector<std::string> names_with(Role role) const {
    std::vector<std::string> out;
    for (const auto& c : columns)
      if (c.role == role) out.push_back(c.name);
    return out;
  }
};

}  // namespace dlrm::prep
