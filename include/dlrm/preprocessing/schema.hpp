#pragma once
// The schema: one role per column, declared by the user or inferred from a sample.
// Standard library only.
//
// ---- The schema text format (to_text writes it, parse_schema reads it) -------------------
//
//   # dlrm schema v1
//   time_format: auto
//   positive: 1
//   scaler: zscore
//   clip: no
//   time_features: yes
//   column date time
//   column time time
//   column fridge_temperature numeric impute=ffill
//   column temp_condition categorical
//   column sphone_signal categorical boolean
//   column id.orig_h hashed buckets=4096
//   column duration numeric missing_indicator
//   column uid drop
//   column label label
//   window pkts_per_src count key=id.orig_h seconds=10
//
// Plain text, one item per line; '#' starts a comment (to the end of the line) and blank
// lines are ignored. Words are separated by spaces; a word that holds a space, a tab, '"',
// '#' or '=', or is empty, is written in double quotes with "" for a quote inside it:
// column "living room temp" numeric, fill="n/a". A first line "# dlrm schema vN" names the
// format version; a version newer than 1 is refused.
//
// Settings, each at most once (default when absent):
//   time_format: auto | <format>      how the time column(s) read; auto = detect (time.hpp)
//   positive: <value> ...             label values that mean anomalous (none); matched
//                                     after trimming, ignoring case, and as numbers when
//                                     both sides are numbers ("1.0" matches 1)
//   scaler: zscore | minmax           (zscore)
//   clip: yes | no                    clip scaled values to the training range (no)
//   time_features: yes | no           hour of day, day of week and their sin/cos (yes)
// Columns, one line each, every header column in file order:
//   column <name> <role> [option ...]
//     role     time | label | numeric | categorical | hashed | drop
//              time: one column, or two (a date and a time of day, joined by a space in
//              file order); label: at most one column
//     options  impute=none|ffill|constant   how a missing value is filled (none)
//              fill=<value>                 the constant for impute=constant
//              missing_indicator            add a 0/1 "was missing" dense feature
//              buckets=<n>                  hash buckets; required (> 0) for hashed
//              min_frequency=<n>            rarer categories map to unknown (1)
//              boolean                      values are boolean spellings, read as 0/1
// Windows, causal aggregates over the past (window.hpp), one line each:
//   window <name> <kind> [key=<column>] [value=<column>] seconds=<s>
//     kind     count | sum | distinct | since_change; value is required except for count
//              (numeric for sum); key empty = one global group; columns named must be
//              numeric, categorical or hashed ones of this schema
// Numbers are written in the shortest form that reads back to the same double.
// --------------------------------------------------------------------------------------------
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/csv.hpp"
#include "dlrm/preprocessing/time.hpp"

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


// ---- Names of the enumerations, as the text format spells them ----------------------------

inline const char* to_string(Role r) noexcept {
  switch (r) {
    case Role::time: return "time";
    case Role::label: return "label";
    case Role::numeric: return "numeric";
    case Role::categorical: return "categorical";
    case Role::hashed: return "hashed";
    case Role::drop: return "drop";
  }
  return "?";
}
inline const char* to_string(Impute i) noexcept {
  switch (i) {
    case Impute::none: return "none";
    case Impute::ffill: return "ffill";
    case Impute::constant: return "constant";
  }
  return "?";
}
inline const char* to_string(WindowKind k) noexcept {
  switch (k) {
    case WindowKind::count: return "count";
    case WindowKind::sum: return "sum";
    case WindowKind::distinct: return "distinct";
    case WindowKind::since_change: return "since_change";
  }
  return "?";
}
inline const char* to_string(ScalerKind k) noexcept {
  return k == ScalerKind::minmax ? "minmax" : "zscore";
}

namespace detail {

inline bool schema_word_needs_quotes(std::string_view w) noexcept {
  if (w.empty()) return true;
  for (char c : w)
    if (c == ' ' || c == '\t' || c == '"' || c == '#' || c == '=' ||
        static_cast<unsigned char>(c) < 0x20)
      return true;
  return false;
}

inline std::string schema_word(std::string_view w, bool force_quotes = false) {
  if (!force_quotes && !schema_word_needs_quotes(w)) return std::string(w);
  std::string out = "\"";
  for (char c : w) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

inline std::string shortest_number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

struct SchemaWord {
  std::string text;               // unescaped
  bool quoted = false;            // any part was in quotes
  std::size_t eq = std::string::npos;  // first '=' outside quotes
};

// Splits one line into words; stops at a '#' outside quotes. false on an unclosed quote.
inline bool split_schema_line(std::string_view line, std::vector<SchemaWord>& words) {
  words.clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  for (;;) {
    while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= n || line[i] == '#') return true;
    SchemaWord w;
    while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
      if (line[i] == '"') {
        w.quoted = true;
        ++i;
        for (;;) {
          if (i >= n) return false;
          if (line[i] == '"') {
            if (i + 1 < n && line[i + 1] == '"') {
              w.text += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          w.text += line[i++];
        }
        continue;
      }
      if (line[i] == '=' && w.eq == std::string::npos) w.eq = w.text.size();
      w.text += line[i++];
    }
    words.push_back(std::move(w));
  }
}

}  // namespace detail

// The schema in the text format above. parse_schema(to_text(s)) == s, field for field.
inline std::string to_text(const Schema& s) {
  using detail::schema_word;
  std::string out = "# dlrm schema v1\n";
  out += "time_format: ";
  out += s.time_format.empty() ? std::string("auto")
                               : schema_word(s.time_format, s.time_format == "auto");
  out += "\npositive:";
  for (const auto& p : s.positive) {
    out += ' ';
    out += schema_word(p);
  }
  out += "\nscaler: ";
  out += to_string(s.scaler);
  out += "\nclip: ";
  out += s.clip ? "yes" : "no";
  out += "\ntime_features: ";
  out += s.time_features ? "yes" : "no";
  out += '\n';
  for (const auto& c : s.columns) {
    out += "column ";
    out += schema_word(c.name);
    out += ' ';
    out += to_string(c.role);
    if (c.impute != Impute::none) out += std::string(" impute=") + to_string(c.impute);
    if (!c.fill_value.empty()) {
      out += " fill=";
      out += schema_word(c.fill_value);
    }
    if (c.missing_indicator) out += " missing_indicator";
    if (c.buckets != 0) {
      out += " buckets=";
      out += std::to_string(c.buckets);
    }
    if (c.min_frequency != 1) {
      out += " min_frequency=";
      out += std::to_string(c.min_frequency);
    }
    if (c.boolean) out += " boolean";
    out += '\n';
  }
  for (const auto& w : s.windows) {
    out += "window ";
    out += schema_word(w.name);
    out += ' ';
    out += to_string(w.kind);
    if (!w.key.empty()) {
      out += " key=";
      out += schema_word(w.key);
    }
    if (!w.value.empty()) {
      out += " value=";
      out += schema_word(w.value);
    }
    out += " seconds=";
    out += detail::shortest_number(w.seconds);
    out += '\n';
  }
  return out;
}

// Reads the text format. A line that does not read, or a schema that contradicts itself
// (a duplicate column, two label columns, a hashed column without buckets, a window over
// an unknown column), is a ParseError naming `source_name` and the line.
inline Schema parse_schema(std::string_view text, const std::string& source_name) {
  Schema s;
  std::vector<detail::SchemaWord> words;
  std::vector<std::size_t> column_lines, window_lines;
  bool seen_setting[5] = {false, false, false, false, false};
  std::size_t line_no = 0;
  std::size_t pos = 0;
  bool first_content = true;
  auto fail = [&](const std::string& what, const std::string& field = {}) {
    return row_error(source_name, line_no, what, 0, field);
  };
  auto parse_size = [&](const std::string& key, std::string_view v) {
    std::size_t out = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size())
      throw fail(key + "=" + quote_value(v) + " is not a whole number");
    return out;
  };
  auto parse_yes_no = [&](const std::string& key, const std::vector<detail::SchemaWord>& w) {
    if (w.size() != 2 || (w[1].text != "yes" && w[1].text != "no"))
      throw fail(key + ": expects yes or no");
    return w[1].text == "yes";
  };
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (first_content) {
      const std::string_view t = trim(line);
      if (!t.empty()) {
        first_content = false;
        constexpr std::string_view tag = "# dlrm schema v";
        if (t.substr(0, tag.size()) == tag && t.substr(tag.size()) != "1")
          throw FormatError(source_name + ":" + std::to_string(line_no) + ": schema format " +
                            quote_value(t.substr(tag.size() - 1)) +
                            " is newer than this library reads (v1); upgrade dlrm");
      }
    }
    if (!detail::split_schema_line(line, words))
      throw fail("unterminated quote (a \" that opens a word is never closed)");
    if (words.empty()) continue;
    const std::string key = words[0].quoted ? std::string() : words[0].text;
    if (key == "column") {
      if (words.size() < 3) throw fail("a column line reads: column <name> <role> [options]");
      ColumnSpec c;
      c.name = words[1].text;
      const std::string& role = words[2].text;
      if (role == "time") c.role = Role::time;
      else if (role == "label") c.role = Role::label;
      else if (role == "numeric") c.role = Role::numeric;
      else if (role == "categorical") c.role = Role::categorical;
      else if (role == "hashed") c.role = Role::hashed;
      else if (role == "drop") c.role = Role::drop;
      else
        throw fail("unknown role " + quote_value(role) + " for column " + quote_value(c.name) +
                       " (expected time, label, numeric, categorical, hashed or drop)",
                   c.name);
      for (std::size_t k = 3; k < words.size(); ++k) {
        const auto& w = words[k];
        const std::string opt = w.eq == std::string::npos ? w.text : w.text.substr(0, w.eq);
        const std::string val = w.eq == std::string::npos ? std::string() : w.text.substr(w.eq + 1);
        const bool has_value = w.eq != std::string::npos;
        if (opt == "missing_indicator" && !has_value) c.missing_indicator = true;
        else if (opt == "boolean" && !has_value) c.boolean = true;
        else if (opt == "impute" && has_value) {
          if (val == "none") c.impute = Impute::none;
          else if (val == "ffill") c.impute = Impute::ffill;
          else if (val == "constant") c.impute = Impute::constant;
          else
            throw fail("impute=" + quote_value(val) + " for column " + quote_value(c.name) +
                           " (expected none, ffill or constant)",
                       c.name);
        } else if (opt == "fill" && has_value) c.fill_value = val;
        else if (opt == "buckets" && has_value) c.buckets = parse_size(opt, val);
        else if (opt == "min_frequency" && has_value) c.min_frequency = parse_size(opt, val);
        else
          throw fail("unknown option " + quote_value(w.text) + " for column " +
                         quote_value(c.name) +
                         " (expected impute=, fill=, missing_indicator, buckets=, "
                         "min_frequency= or boolean)",
                     c.name);
      }
      if (s.find(c.name))
        throw fail("column " + quote_value(c.name) + " is declared twice", c.name);
      if (c.role == Role::hashed && c.buckets == 0)
        throw fail("hashed column " + quote_value(c.name) + " needs buckets=<n> (e.g. buckets=4096)",
                   c.name);
      if (c.impute == Impute::constant && c.role == Role::numeric) {
        const auto v = parse_number(c.fill_value);
        if (!v || std::isnan(*v))
          throw fail("impute=constant for numeric column " + quote_value(c.name) +
                         " needs fill=<number>, not " + quote_value(c.fill_value),
                     c.name);
      }
      if (c.role == Role::label && !s.names_with(Role::label).empty())
        throw fail("a second label column " + quote_value(c.name) + " (the schema has one: " +
                       quote_value(s.names_with(Role::label).front()) + ")",
                   c.name);
      if (c.role == Role::time && s.names_with(Role::time).size() == 2)
        throw fail("a third time column " + quote_value(c.name) +
                       " (a time is one column, or a date and a time of day)",
                   c.name);
      s.columns.push_back(std::move(c));
      column_lines.push_back(line_no);
    } else if (key == "window") {
      if (words.size() < 3)
        throw fail("a window line reads: window <name> <kind> [key=<column>] [value=<column>] seconds=<s>");
      WindowSpec w;
      w.name = words[1].text;
      const std::string& kind = words[2].text;
      if (kind == "count") w.kind = WindowKind::count;
      else if (kind == "sum") w.kind = WindowKind::sum;
      else if (kind == "distinct") w.kind = WindowKind::distinct;
      else if (kind == "since_change") w.kind = WindowKind::since_change;
      else
        throw fail("unknown window kind " + quote_value(kind) + " for window " +
                       quote_value(w.name) + " (expected count, sum, distinct or since_change)",
                   w.name);
      for (std::size_t k = 3; k < words.size(); ++k) {
        const auto& word = words[k];
        const std::string opt =
            word.eq == std::string::npos ? word.text : word.text.substr(0, word.eq);
        const std::string val =
            word.eq == std::string::npos ? std::string() : word.text.substr(word.eq + 1);
        if (word.eq != std::string::npos && opt == "key") w.key = val;
        else if (word.eq != std::string::npos && opt == "value") w.value = val;
        else if (word.eq != std::string::npos && opt == "seconds") {
          double v = 0;
          const auto r = std::from_chars(val.data(), val.data() + val.size(), v);
          if (val.empty() || r.ec != std::errc() || r.ptr != val.data() + val.size() ||
              !(v > 0) || !std::isfinite(v))
            throw fail("seconds=" + quote_value(val) + " for window " + quote_value(w.name) +
                           " is not a positive number of seconds",
                       w.name);
          w.seconds = v;
        } else
          throw fail("unknown option " + quote_value(word.text) + " for window " +
                         quote_value(w.name) + " (expected key=, value= or seconds=)",
                     w.name);
      }
      for (const auto& other : s.windows)
        if (other.name == w.name)
          throw fail("window " + quote_value(w.name) + " is declared twice", w.name);
      if (w.kind != WindowKind::count && w.value.empty())
        throw fail(std::string("window ") + quote_value(w.name) + " of kind " +
                       to_string(w.kind) + " needs value=<column>",
                   w.name);
      s.windows.push_back(std::move(w));
      window_lines.push_back(line_no);
    } else if (!words[0].quoted && words[0].text.size() > 1 && words[0].text.back() == ':') {
      static const char* const names[] = {"time_format:", "positive:", "scaler:", "clip:",
                                          "time_features:"};
      std::size_t which = 5;
      for (std::size_t k = 0; k < 5; ++k)
        if (key == names[k]) which = k;
      if (which == 5)
        throw fail("unknown setting " + quote_value(key) +
                   " (expected time_format:, positive:, scaler:, clip: or time_features:)");
      if (seen_setting[which]) throw fail("setting " + quote_value(key) + " is given twice");
      seen_setting[which] = true;
      switch (which) {
        case 0:
          if (words.size() != 2) throw fail("time_format: expects auto or one (quoted) format");
          s.time_format = (words[1].text == "auto" && !words[1].quoted) ? std::string()
                                                                        : words[1].text;
          try {
            check_time_format(s.time_format);
          } catch (const FormatError& e) {
            throw fail(e.what());
          }
          break;
        case 1:
          for (std::size_t k = 1; k < words.size(); ++k) s.positive.push_back(words[k].text);
          break;
        case 2:
          if (words.size() == 2 && words[1].text == "zscore") s.scaler = ScalerKind::zscore;
          else if (words.size() == 2 && words[1].text == "minmax") s.scaler = ScalerKind::minmax;
          else throw fail("scaler: expects zscore or minmax");
          break;
        case 3: s.clip = parse_yes_no("clip", words); break;
        default: s.time_features = parse_yes_no("time_features", words); break;
      }
    } else {
      throw fail("cannot read " + quote_value(words[0].text) +
                 " (a line is a setting such as \"scaler: zscore\", a column or a window)");
    }
  }
  // Windows name columns of this schema, in roles a window can aggregate.
  for (std::size_t k = 0; k < s.windows.size(); ++k) {
    const WindowSpec& w = s.windows[k];
    line_no = window_lines[k];
    const std::pair<const char*, const std::string*> refs[] = {{"key", &w.key}, {"value", &w.value}};
    for (const auto& ref : refs) {
      if (ref.second->empty()) continue;
      const ColumnSpec* c = s.find(*ref.second);
      if (!c)
        throw fail(std::string("window ") + quote_value(w.name) + ": " + ref.first + "=" +
                       quote_value(*ref.second) + " is not a column of this schema",
                   w.name);
      if (c->role != Role::numeric && c->role != Role::categorical && c->role != Role::hashed)
        throw fail(std::string("window ") + quote_value(w.name) + ": " + ref.first + "=" +
                       quote_value(*ref.second) + " is a " + to_string(c->role) +
                       " column (a window needs a numeric, categorical or hashed one)",
                   w.name);
      if (w.kind == WindowKind::sum && ref.second == &w.value && c->role != Role::numeric)
        throw fail(std::string("window ") + quote_value(w.name) + ": sum needs a numeric value=, " +
                       quote_value(*ref.second) + " is " + to_string(c->role),
                   w.name);
    }
  }
  return s;
}

// Every schema column must be in the header (in any order; header columns the schema
// does not name are ignored). A ParseError on line 1 of `file` names the missing ones.
inline void check_header(const Schema& schema, const std::vector<std::string>& header,
                         const std::string& file) {
  std::vector<std::string> missing;
  for (const auto& c : schema.columns)
    if (std::find(header.begin(), header.end(), c.name) == header.end()) missing.push_back(c.name);
  if (missing.empty()) return;
  std::string list;
  for (std::size_t i = 0; i < missing.size(); ++i) {
    if (i) list += ", ";
    list += quote_value(missing[i]);
  }
  throw row_error(file, 1,
                  std::string("the header lacks the schema's column") +
                      (missing.size() > 1 ? "s " : " ") + list +
                      " (is the schema for another file? edit it or infer a new one)",
                  0, missing.front());
}

// Exact equality, field for field (for round-trip checks).
inline bool operator==(const ColumnSpec& a, const ColumnSpec& b) {
  return a.name == b.name && a.role == b.role && a.impute == b.impute &&
         a.fill_value == b.fill_value && a.missing_indicator == b.missing_indicator &&
         a.buckets == b.buckets && a.min_frequency == b.min_frequency && a.boolean == b.boolean;
}
inline bool operator==(const WindowSpec& a, const WindowSpec& b) {
  return a.name == b.name && a.kind == b.kind && a.key == b.key && a.value == b.value &&
         a.seconds == b.seconds;
}
inline bool operator==(const Schema& a, const Schema& b) {
  return a.columns == b.columns && a.time_format == b.time_format && a.positive == b.positive &&
         a.windows == b.windows && a.time_features == b.time_features && a.scaler == b.scaler &&
         a.clip == b.clip;
}

}  // namespace dlrm::prep
