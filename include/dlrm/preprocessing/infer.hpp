#pragma once
// infer_schema: a first schema from a sample of a CSV, for the user to read and edit.
// Standard library only.
//
// The sample: rows spread evenly over the whole file, in file order, read once: pairs of
// adjacent rows (2m, 2m + 1) for every m divisible by k, k doubling whenever more than
// sample_rows are held. "Adjacent" below means such a pair.
//
// The time column(s), unless InferOptions::time names them: columns "date" and "time"
// together (joined "date time"); else the first column named ts, timestamp, time,
// datetime or date (any case); else the first column whose every sampled value reads as
// ISO 8601, dd-Mon-yy or dd/mm/yyyy. Every sampled time must parse (else a ParseError
// with its line). No time column is an Error.
// The label, unless InferOptions::label names it: a column named label or actor (any
// case); none otherwise. Positive values, unless InferOptions::positive gives them: for
// numeric labels every value above the smallest (0/1 -> 1, actor 1/2 -> 2; a single
// non-zero value is positive); for text labels every value that is not a normal spelling
// (benign, normal, none, clean, legitimate, negative, false, no, ok, 0; any case).
//
// Every other column, in this order (values trimmed, "" = missing):
//   drop         named in InferOptions::drop; empty in every row; constant (one value,
//                missing counting as a value); a label leak (a text column whose name
//                contains label, type, attack, category or class, whose every value occurs
//                with one class only, both classes present); non-numeric and unique on
//                every row, with more than max_categories rows (ids such as uid); integral,
//                unique and strictly increasing likewise (row counters: a frame number).
//                Constancy and uniqueness are judged on the sample: a value seen only
//                outside it does not count (the notes say "constant"; edit if wrong)
//   categorical boolean   every non-empty value is a boolean spelling (0/1, true/false,
//                on/off, yes/no, t/f, y/n; any case; padded)
//   numeric      at least 99% of the non-empty values are numbers. With missing values:
//                impute=ffill when the column looks like a reading carried forward: it is
//                missing only before its first reading (values inflated to the event
//                rate), or the values of adjacent rows (both present) are equal at least half
//                the time and at least twice as often as two values drawn at random from
//                the column (its collision rate: a value that persists in time, as a
//                sensor's does, not one that is merely common); otherwise a
//                missing_indicator (a missing value that means something, like a network
//                flow without a reply: IoT-23's byte counts repeat at 0.6-1.9x chance).
//                The up to 1% of values that are not numbers stay errors for load_table
//                (or skipped rows with skip_malformed): clean them or change the role
//   hashed       at least 99% of the non-empty values look like IPv4 / IPv6 / MAC
//                addresses, or more than max_categories distinct values
//   categorical  the rest (at most max_categories distinct values)
// Categorical columns (boolean or not) with missing values get impute=ffill by the same
// rule (a device state carried forward); hashed ones never do.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <istream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/csv.hpp"
#include "dlrm/preprocessing/schema.hpp"
#include "dlrm/preprocessing/table.hpp"
#include "dlrm/preprocessing/time.hpp"

namespace dlrm::prep {

struct InferOptions {
  std::vector<std::string> time;      // time column(s); empty = guess
  std::string label;                  // label column; empty = guess
  std::vector<std::string> positive;  // label values meaning anomalous; empty = guess
  std::size_t sample_rows = 20000;
  std::size_t max_categories = 64;
  std::size_t hash_buckets = 4096;
  std::vector<std::string> drop;      // columns to drop whatever they hold
  std::string time_format;            // Schema::time_format (empty = detect)
  char delimiter = ',';
  bool skip_malformed = false;
  bool drop_label_leaks = true;
};

// Why infer_schema gave a column its role, for the annotated text.
struct InferNote {
  std::string column;
  std::string reason;
};

namespace detail {

inline bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

inline bool ascii_icontains(std::string_view hay, std::string_view needle) noexcept {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (ascii_iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

inline bool is_ipv4(std::string_view s) noexcept {
  int groups = 0;
  std::size_t i = 0;
  while (groups < 4) {
    int digits = 0, value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4) {
      value = value * 10 + (s[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++groups;
    if (groups < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// IPv6 or MAC: hex digits and ':' (and '.' for an embedded IPv4), at least two ':'.
inline bool is_colon_address(std::string_view s) noexcept {
  if (s.size() < 2) return false;
  int colons = 0;
  for (char c : s) {
    if (c == ':') ++colons;
    else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.'))
      return false;
  }
  return colons >= 2;
}

inline bool address_like(std::string_view s) noexcept { return is_ipv4(s) || is_colon_address(s); }

// One sampled row: its fields back to back in `data`, `ends[j]` one past field j.
struct SampledRow {
  std::size_t line = 0;
  std::size_t index = 0;  // data row number (0-based), to know which rows are adjacent
  std::string data;
  std::vector<std::uint32_t> ends;
  std::string_view field(std::size_t j) const noexcept {
    const std::size_t b = j == 0 ? 0 : ends[j - 1];
    return std::string_view(data).substr(b, ends[j] - b);
  }
};

// One column of the sample, its values back to back.
struct ColumnValues {
  std::string bytes;
  std::vector<std::uint32_t> ends;
  void push(std::string_view v) {
    bytes.append(v);
    ends.push_back(static_cast<std::uint32_t>(bytes.size()));
  }
  std::string_view operator[](std::size_t i) const noexcept {
    const std::size_t b = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(b, ends[i] - b);
  }
};

inline bool normal_label_spelling(std::string_view v) noexcept {
  for (const char* n : {"benign", "normal", "none", "clean", "legitimate", "negative", "false",
                        "no", "ok", "0"})
    if (ascii_iequals(v, n)) return true;
  return false;
}

inline std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace detail

inline Schema infer_schema(std::istream& in, const std::string& name, const InferOptions& o,
                           std::vector<InferNote>* notes = nullptr) {
  CsvOptions csv;
  csv.delimiter = o.delimiter;
  csv.skip_malformed = o.skip_malformed;
  CsvReader reader(in, name, csv);
  const std::vector<std::string> header = reader.header();
  const std::size_t width = header.size();
  auto find = [&](std::string_view column) -> std::size_t {
    for (std::size_t j = 0; j < width; ++j)
      if (header[j] == column) return j;
    return width;
  };
  for (const auto& d : o.drop)
    if (find(d) == width)
      throw Error(name + ": InferOptions::drop names " + quote_value(d) +
                  ", which is not a column of the header");
  if (!o.time_format.empty()) check_time_format(o.time_format);

  // The evenly spread sample.
  const std::size_t capacity = std::max<std::size_t>(o.sample_rows, 2);
  std::vector<detail::SampledRow> sample;
  std::size_t stride = 1, row = 0;
  std::vector<std::string_view> fields;
  while (reader.next(fields)) {
    // Rows come in adjacent pairs (2k, 2k + 1), so that how a value persists from one row
    // to the next is measured at the file's own resolution however thin the sample is.
    const std::size_t index = row++;
    if ((index >> 1) % stride != 0) continue;
    detail::SampledRow r;
    r.line = reader.line();
    r.index = index;
    r.ends.reserve(width);
    for (auto f : fields) {
      r.data += trim(f);
      r.ends.push_back(static_cast<std::uint32_t>(r.data.size()));
    }
    sample.push_back(std::move(r));
    if (sample.size() > capacity) {
      stride *= 2;
      std::size_t keep = 0;
      for (std::size_t i = 0; i < sample.size(); ++i) {
        if ((sample[i].index >> 1) % stride != 0) continue;
        if (i != keep) sample[keep] = std::move(sample[i]);
        ++keep;
      }
      sample.resize(keep);
    }
  }
  const std::size_t n = sample.size();
  if (n == 0) throw Error(name + ": no data rows after the header: nothing to infer a schema from");
  std::vector<std::string> reason(width);

  // Time.
  std::vector<std::size_t> time_at;
  if (!o.time.empty()) {
    if (o.time.size() > 2)
      throw Error("InferOptions::time names " + std::to_string(o.time.size()) +
                  " columns (a time is one column, or a date and a time of day)");
    for (const auto& t : o.time) {
      const std::size_t j = find(t);
      if (j == width)
        throw Error(name + ": the time column " + quote_value(t) + " is not in the header");
      time_at.push_back(j);
    }
    for (std::size_t j : time_at) reason[j] = "time: as asked";
  } else {
    std::size_t date = width, clock = width;
    for (std::size_t j = 0; j < width; ++j) {
      if (detail::ascii_iequals(header[j], "date") && date == width) date = j;
      if (detail::ascii_iequals(header[j], "time") && clock == width) clock = j;
    }
    if (date < width && clock < width) {
      time_at = {std::min(date, clock), std::max(date, clock)};
      reason[date] = reason[clock] = "time: a date and a time-of-day column";
    } else {
      for (const char* guess : {"ts", "timestamp", "time", "datetime", "date"}) {
        for (std::size_t j = 0; j < width && time_at.empty(); ++j)
          if (detail::ascii_iequals(header[j], guess)) time_at = {j};
        if (!time_at.empty()) break;
      }
      if (!time_at.empty()) reason[time_at[0]] = "time: by its name";
      for (std::size_t j = 0; j < width && time_at.empty(); ++j) {
        bool all = true, any = false;
        for (const auto& r : sample) {
          const std::string_view v = r.field(j);
          if (v.empty()) continue;
          any = true;
          if (parse_number(v) || !try_parse_time(v, o.time_format)) {
            all = false;
            break;
          }
        }
        if (all && any) {
          time_at = {j};
          reason[j] = "time: every value reads as a date";
        }
      }
    }
    if (time_at.empty())
      throw Error(name +
                  ": found no time column (looked for date + time, ts, timestamp, time, datetime, "
                  "date, and for date-like values); name it with InferOptions::time");
  }
  {
    std::string joined;
    for (const auto& r : sample) {
      std::string_view when = r.field(time_at[0]);
      if (time_at.size() == 2) {
        joined.assign(when);
        joined += ' ';
        joined += r.field(time_at[1]);
        when = joined;
      }
      if (!try_parse_time(when, o.time_format)) {
        const std::string what =
            trim(when).empty() ? std::string("the time is missing") : time_error_text(when, o.time_format);
        if (time_at.size() == 1)
          throw field_error(name, r.line, time_at[0] + 1, header[time_at[0]], what);
        throw row_error(name, r.line,
                        describe_column(time_at[0] + 1, header[time_at[0]]) + " and " +
                            describe_column(time_at[1] + 1, header[time_at[1]]) + ": " + what,
                        time_at[0] + 1, header[time_at[0]] + "+" + header[time_at[1]]);
      }
    }
  }

  // Label and its positive values.
  std::size_t label_at = width;
  if (!o.label.empty()) {
    label_at = find(o.label);
    if (label_at == width)
      throw Error(name + ": the label column " + quote_value(o.label) + " is not in the header");
    reason[label_at] = "label: as asked";
  } else {
    for (const char* guess : {"label", "actor"}) {
      for (std::size_t j = 0; j < width && label_at == width; ++j)
        if (detail::ascii_iequals(header[j], guess) &&
            std::find(time_at.begin(), time_at.end(), j) == time_at.end())
          label_at = j;
      if (label_at < width) break;
    }
    if (label_at < width) reason[label_at] = "label: by its name";
  }
  std::vector<std::string> positive = o.positive;
  std::vector<std::int8_t> sample_label;  // per sampled row, when there is a label
  if (label_at < width) {
    if (positive.empty()) {
      std::vector<std::string> values;
      for (const auto& r : sample) {
        const std::string v(r.field(label_at));
        if (!v.empty() && std::find(values.begin(), values.end(), v) == values.end())
          values.push_back(v);
      }
      bool numeric = !values.empty();
      for (const auto& v : values) numeric = numeric && parse_number(v) && !std::isnan(*parse_number(v));
      if (numeric) {
        double low = *parse_number(values[0]);
        for (const auto& v : values) low = std::min(low, *parse_number(v));
        std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
          return *parse_number(a) < *parse_number(b);
        });
        for (const auto& v : values)
          if (*parse_number(v) > low || (values.size() == 1 && low != 0)) positive.push_back(v);
      } else {
        std::sort(values.begin(), values.end());
        for (const auto& v : values)
          if (!detail::normal_label_spelling(v)) positive.push_back(v);
      }
    }
    const detail::PositiveMatcher match(positive);
    sample_label.reserve(n);
    for (const auto& r : sample) sample_label.push_back(match(r.field(label_at)) ? 1 : 0);
  }
  const bool both_classes =
      !sample_label.empty() &&
      std::find(sample_label.begin(), sample_label.end(), 1) != sample_label.end() &&
      std::find(sample_label.begin(), sample_label.end(), 0) != sample_label.end();

  Schema s;
  s.time_format = o.time_format;
  s.positive = positive;
  // The sample is row-major; the statistics go column by column. Copy a block of columns
  // at a time into column-major storage, so that a wide file does not take a cache miss
  // per value.
  std::vector<std::size_t> sample_index(n);
  for (std::size_t i = 0; i < n; ++i) sample_index[i] = sample[i].index;
  constexpr std::size_t block_width = 16;
  std::vector<detail::ColumnValues> block;
  std::size_t block_begin = 0;
  for (std::size_t j = 0; j < width; ++j) {
    if (j % block_width == 0) {
      block_begin = j;
      block.resize(std::min(block_width, width - j));
      for (auto& b : block) {
        b.bytes.clear();
        b.ends.clear();
        b.ends.reserve(n);
      }
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < block.size(); ++k) block[k].push(sample[i].field(j + k));
    }
    const detail::ColumnValues& column = block[j - block_begin];
    ColumnSpec c;
    c.name = header[j];
    if (std::find(time_at.begin(), time_at.end(), j) != time_at.end()) {
      c.role = Role::time;
      s.columns.push_back(c);
      continue;
    }
    if (j == label_at) {
      c.role = Role::label;
      s.columns.push_back(c);
      continue;
    }
    auto decide = [&](Role role, std::string why) {
      c.role = role;
      reason[j] = std::string(to_string(role)) + ": " + why;
    };
    // Statistics over the sample.
    std::size_t empty = 0, numbers = 0, booleans = 0, addresses = 0, repeats = 0, pairs = 0;
    bool integral_increasing = true, have_prev = false;
    bool seen_present = false, missing_after_present = false;
    double prev = 0;
    std::string_view prev_text;
    std::size_t prev_index = 0;
    std::vector<double> values;  // the numbers, for the collision rate
    const std::size_t cap = o.max_categories + 1;
    std::unordered_map<std::string_view, std::uint8_t> classes;  // value -> classes seen (bits)
    bool many = false;            // more than max_categories distinct non-empty values
    bool unique = true;           // no non-empty value repeats
    std::unordered_set<std::string_view> seen;  // all values while unique or few
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view v = column[i];
      const auto num = v.empty() ? std::nullopt : parse_number(v);
      const bool missing = v.empty() || (num && std::isnan(*num));
      if (missing) {
        ++empty;
        missing_after_present = missing_after_present || seen_present;
      } else {
        if (seen_present && sample_index[i] == prev_index + 1) {
          ++pairs;
          repeats += v == prev_text;
        }
        seen_present = true;
        prev_text = v;
        prev_index = sample_index[i];
        if (num) {
          ++numbers;
          values.push_back(*num);
          if (have_prev) integral_increasing = integral_increasing && *num > prev;
          integral_increasing = integral_increasing && std::floor(*num) == *num;
          prev = *num;
          have_prev = true;
        }
        booleans += parse_boolean(v).has_value();
        addresses += detail::address_like(v);
        if (unique || !many) {
          const bool fresh = seen.insert(v).second;
          if (!fresh) unique = false;
          if (seen.size() >= cap) many = true;
          if (many && !unique) seen.clear();
        }
      }
      if (!many && both_classes) classes[v] |= static_cast<std::uint8_t>(1u << sample_label[i]);
    }
    const std::size_t present = n - empty;
    const std::size_t distinct_present = seen.size();  // valid while !many
    // Carried forward? Missing only before the first reading; or consecutive sampled
    // values repeat at least half the time and at least twice as often as two values drawn
    // at random from the column would (its collision rate): the value persists in time.
    const bool is_numeric = present > 0 && numbers * 100 >= present * 99;
    std::string carried;
    if (empty > 0 && present > 0) {
      if (!missing_after_present) {
        carried = "; ffill: missing only before the first reading (carried forward)";
      } else if (pairs > 0 && repeats * 2 >= pairs) {
        // The collision rate sum_k p_k^2 over the value frequencies p_k: from sorted runs
        // for numbers, from a count per text value otherwise (only computed when needed).
        double collision = 0;
        auto add_run = [&](std::size_t run, std::size_t total) {
          const double q = static_cast<double>(run) / static_cast<double>(total);
          collision += q * q;
        };
        if (is_numeric) {
          std::sort(values.begin(), values.end());
          std::size_t run = 1;
          for (std::size_t k = 1; k <= values.size(); ++k) {
            if (k < values.size() && values[k] == values[k - 1]) {
              ++run;
            } else {
              add_run(run, values.size());
              run = 1;
            }
          }
        } else {
          std::unordered_map<std::string_view, std::size_t> counts;
          for (std::size_t i = 0; i < n; ++i) {
            const std::string_view v = column[i];
            const auto num = v.empty() ? std::nullopt : parse_number(v);
            if (!v.empty() && !(num && std::isnan(*num))) ++counts[v];
          }
          for (const auto& kv : counts) add_run(kv.second, present);
        }
        const double repeat = static_cast<double>(repeats) / static_cast<double>(pairs);
        if (repeat >= 2 * collision)
          carried = "; ffill: a reading carried forward (repeats on " +
                    detail::shortest(std::round(repeat * 1000) / 10) + "% of rows, " +
                    detail::shortest(std::round(repeat / collision * 10) / 10) +
                    "x the chance rate)";
      }
    }
    if (std::find(o.drop.begin(), o.drop.end(), c.name) != o.drop.end()) {
      decide(Role::drop, "as asked");
    } else if (present == 0) {
      decide(Role::drop, "empty in every sampled row");
    } else if (!many && ((distinct_present == 1 && empty == 0) || (distinct_present == 0))) {
      decide(Role::drop, "constant");
    } else if (o.drop_label_leaks && both_classes && !many && !is_numeric &&
               (detail::ascii_icontains(c.name, "label") || detail::ascii_icontains(c.name, "type") ||
                detail::ascii_icontains(c.name, "attack") ||
                detail::ascii_icontains(c.name, "category") ||
                detail::ascii_icontains(c.name, "class")) &&
               std::all_of(classes.begin(), classes.end(),
                           [](const auto& kv) { return kv.second != 3; })) {
      decide(Role::drop, "a label leak (each value occurs with one class only)");
    } else if (!is_numeric && many && unique && empty == 0) {
      decide(Role::drop, "unique on every sampled row (an id)");
    } else if (is_numeric && many && unique && empty == 0 && integral_increasing &&
               numbers == present) {
      decide(Role::drop, "a row counter (whole, unique, increasing)");
    } else if (booleans == present) {
      decide(Role::categorical, "boolean spellings");
      c.boolean = true;
      if (!carried.empty()) {
        c.impute = Impute::ffill;
        reason[j] += carried;
      }
    } else if (is_numeric) {
      decide(Role::numeric, std::to_string(numbers) + " of " + std::to_string(present) +
                                " values are numbers");
      if (empty > 0) {
        if (!carried.empty()) {
          c.impute = Impute::ffill;
          reason[j] += carried;
        } else {
          c.missing_indicator = true;
          reason[j] += "; missing in " + std::to_string(empty) + " of " + std::to_string(n) +
                       " rows: missing_indicator";
        }
      }
    } else if (addresses * 100 >= present * 99) {
      decide(Role::hashed, "network addresses");
      c.buckets = o.hash_buckets;
    } else if (many) {
      decide(Role::hashed, "more than " + std::to_string(o.max_categories) + " distinct values");
      c.buckets = o.hash_buckets;
    } else {
      decide(Role::categorical, std::to_string(distinct_present) + " distinct values");
      if (!carried.empty()) {
        c.impute = Impute::ffill;
        reason[j] += carried;
      }
    }
    s.columns.push_back(c);
  }
  if (notes) {
    notes->clear();
    for (std::size_t j = 0; j < width; ++j) notes->push_back({header[j], reason[j]});
  }
  return s;
}

inline Schema infer_schema(const std::string& csv_path, const InferOptions& options,
                           std::vector<InferNote>* notes = nullptr) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in)
    throw Error("cannot open " + csv_path + ": " + std::strerror(errno) +
                " (check the path and the permissions)");
  return infer_schema(in, csv_path, options, notes);
}

// to_text with each column line followed by a comment saying why it got its role.
// Reads back (parse_schema) to the same schema: the notes are comments.
inline std::string annotated_text(const Schema& s, const std::vector<InferNote>& notes) {
  const std::string text = to_text(s);
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line(text.data() + pos, nl - pos);
    out.append(line);
    if (line.substr(0, 7) == "column ") {
      std::vector<detail::SchemaWord> words;
      detail::split_schema_line(line, words);
      for (const auto& note : notes)
        if (words.size() > 1 && note.column == words[1].text && !note.reason.empty()) {
          out += "  # ";
          out += note.reason;
          break;
        }
    }
    out += '\n';
    pos = nl + 1;
  }
  return out;
}

}  // namespace dlrm::prep
