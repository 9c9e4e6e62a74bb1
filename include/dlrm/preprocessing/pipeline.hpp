#pragma once
// The fitted preprocessing: a Schema in, model inputs out. fit() reads training rows only;
// transform() turns any rows of a Table, and Stream any live event, into dense floats and
// one-hot CSR indices per table (an Encoded, viewed by a dlrm::Batch). Both go through
// the same per-row state object (imputation and window state), so they agree exactly.
// Standard library only.
//
// Dense features, in this order (dense_names()):
//   1. every numeric column, imputed and scaled (Schema::scaler, fitted on training rows;
//      Schema::clip clamps to the training range first);
//   2. "<column>_missing", 0/1, for every column with missing_indicator (schema order);
//   3. with Schema::time_features: day_sin, day_cos, week_sin, week_cos (time.hpp's
//      time_cycles: positions in the UTC day and the Monday-based week);
//   4. every window (Schema::windows), scaled like a numeric column.
// Tables, in this order (table_names(), table_sizes()):
//   1. every categorical column: its vocabulary (index 0 = unknown/missing);
//   2. every hashed column: `buckets` rows (0 = missing, hash_bucket());
//   3. with Schema::time_features: hour (24 rows, 0..23 UTC), weekday (7 rows, 0 = Monday).
//   (1 and 2 interleave in schema order.)
// Imputation (impute.hpp): numeric and text columns are filled in the order the rows are
// given (they must be in time order) by their Impute method, from a state that starts
// empty at every transform() / stream(); a numeric value still missing takes the training
// median, a text value the unknown index 0. Windows see the filled values (before the
// median): a value still missing is skipped (see window.hpp), a missing key is its own key.
// Fitting: medians from the training rows' present values; then one pass over the training
// rows (in time order) gives the filled values, on which the vocabularies (values seen at
// least min_frequency times) and the scalers (numeric columns and windows) are fitted.
// Given a timeline (fit(table, train, timeline)), that pass runs over the whole timeline,
// as a live stream would, and takes the values at the training rows only; transform the
// same timeline and select() each part to give every part the live stream's features.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "dlrm/batch.hpp"
#include "dlrm/error.hpp"
#include "dlrm/preprocessing/csv.hpp"
#include "dlrm/preprocessing/encoders.hpp"
#include "dlrm/preprocessing/hashing.hpp"
#include "dlrm/preprocessing/impute.hpp"
#include "dlrm/preprocessing/scalers.hpp"
#include "dlrm/preprocessing/schema.hpp"
#include "dlrm/preprocessing/split.hpp"
#include "dlrm/preprocessing/table.hpp"
#include "dlrm/preprocessing/time.hpp"
#include "dlrm/preprocessing/window.hpp"

namespace dlrm::prep {

// Model inputs for `rows` samples; owns what a dlrm::Batch views.
struct Encoded {
  std::size_t rows = 0, dense_width = 0;
  std::vector<float> dense;                                   // rows x dense_width
  std::vector<std::vector<std::int32_t>> indices, offsets;    // per table, one index a row
  std::vector<float> labels;                                  // rows (empty without labels)
  std::vector<double> time;                                   // rows
  std::vector<std::size_t> line;                              // source line per row
  std::vector<std::size_t> unseen;  // per table: present values not in the vocabulary (-> 0)

  // Samples [begin, begin + count) as views (offsets are relative, so no copy is needed).
  dlrm::Batch batch(std::size_t begin, std::size_t count) const {
    if (begin > rows || count > rows - begin)
      throw InputError("Encoded::batch: samples [" + std::to_string(begin) + ", " +
                       std::to_string(begin + count) + ") are outside the " + std::to_string(rows) +
                       " rows");
    dlrm::Batch b;
    b.size = count;
    b.dense = span<const float>(dense.data() + begin * dense_width, count * dense_width);
    for (std::size_t t = 0; t < indices.size(); ++t)
      b.sparse.push_back({span<const std::int32_t>(indices[t].data() + begin, count),
                          span<const std::int32_t>(offsets[t].data() + begin, count),
                          span<const float>()});
    if (!labels.empty()) b.labels = span<const float>(labels.data() + begin, count);
    return b;
  }

  // The samples at `positions` (indices into this, ascending) as an Encoded of their own.
  // unseen is left empty: which index 0 was an unseen value (not a missing one) is not
  // kept per sample.
  Encoded select(const std::vector<std::size_t>& positions) const {
    Encoded e;
    e.rows = positions.size();
    e.dense_width = dense_width;
    e.dense.reserve(e.rows * dense_width);
    e.indices.assign(indices.size(), {});
    e.offsets.assign(indices.size(), {});
    for (std::size_t k = 0; k < positions.size(); ++k) {
      const std::size_t r = positions[k];
      if (r >= rows || (k > 0 && r <= positions[k - 1]))
        throw InputError("Encoded::select: position " + std::to_string(r) + " is " +
                         (r >= rows ? "outside the " + std::to_string(rows) + " rows"
                                    : std::string("not after the one before it")));
      e.dense.insert(e.dense.end(), dense.begin() + static_cast<std::ptrdiff_t>(r * dense_width),
                     dense.begin() + static_cast<std::ptrdiff_t>((r + 1) * dense_width));
      for (std::size_t t = 0; t < indices.size(); ++t) {
        e.indices[t].push_back(indices[t][r]);
        e.offsets[t].push_back(static_cast<std::int32_t>(k));
      }
      if (!labels.empty()) e.labels.push_back(labels[r]);
      e.time.push_back(time[r]);
      e.line.push_back(line[r]);
    }
    return e;
  }
};

namespace detail {

// Where a window reads its key or value: nothing, numeric feature i, or text feature i.
struct Source {
  int kind = 0;  // 0 none, 1 numeric, 2 text
  std::size_t index = 0;
};

struct NumericPlan {
  std::string name;
  Impute impute = Impute::none;
  double constant = 0;
  bool indicator = false;
  double median = 0;  // fitted
  Scaler scaler;      // fitted
};

struct TextPlan {
  std::string name;
  bool hashed = false;
  Impute impute = Impute::none;
  std::string constant;
  bool indicator = false;
  bool boolean = false;
  std::size_t buckets = 0;
  std::size_t min_frequency = 1;
  Vocabulary vocabulary;  // fitted (categorical)
};

struct WindowPlan {
  WindowSpec spec;
  Source key, value;
  Scaler scaler;  // fitted
};

struct Indicator {
  bool text = false;
  std::size_t index = 0;
};

struct PipelineState {
  Schema schema;
  std::vector<NumericPlan> numeric;
  std::vector<TextPlan> text;
  std::vector<WindowPlan> windows;
  std::vector<Indicator> indicators;
  std::vector<std::string> time_columns;
  bool fitted = false;

  std::size_t dense_width() const {
    return numeric.size() + indicators.size() + (schema.time_features ? 4 : 0) + windows.size();
  }
  std::size_t tables() const { return text.size() + (schema.time_features ? 2 : 0); }
};

inline std::string role_name(Role r) {
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

// The plan of a schema (unfitted), with every inconsistency as an Error.
inline PipelineState plan(Schema schema) {
  PipelineState st;
  for (const ColumnSpec& c : schema.columns) {
    if (c.role == Role::time) st.time_columns.push_back(c.name);
    if (c.role == Role::numeric) {
      NumericPlan p;
      p.name = c.name;
      p.impute = c.impute;
      p.indicator = c.missing_indicator;
      if (c.impute == Impute::constant) {
        const auto v = parse_number(c.fill_value);
        if (!v || std::isnan(*v))
          throw Error("pipeline: column '" + c.name + "' has the constant fill " +
                      quote_value(c.fill_value) + ", which is not a number; give a number");
        p.constant = *v;
      }
      if (p.indicator) st.indicators.push_back({false, st.numeric.size()});
      st.numeric.push_back(std::move(p));
    } else if (c.role == Role::categorical || c.role == Role::hashed) {
      TextPlan p;
      p.name = c.name;
      p.hashed = c.role == Role::hashed;
      p.impute = c.impute;
      p.constant = c.fill_value;
      p.indicator = c.missing_indicator;
      p.boolean = c.boolean;
      p.buckets = c.buckets;
      p.min_frequency = c.min_frequency;
      if (p.hashed && p.buckets < 2)
        throw Error("pipeline: column '" + c.name + "' is hashed with " + std::to_string(c.buckets) +
                    " buckets; give it at least 2 (bucket 0 is missing)");
      if (c.impute == Impute::constant && c.fill_value.empty())
        throw Error("pipeline: column '" + c.name + "' has impute=constant without a fill value");
      if (c.impute == Impute::constant && c.boolean) {  // filled like a value read: "0" / "1"
        const auto b = parse_boolean(c.fill_value);
        if (!b)
          throw Error("pipeline: column '" + c.name + "' is boolean, but its constant fill " +
                      quote_value(c.fill_value) + " is not a boolean spelling");
        p.constant = *b ? "1" : "0";
      }
      if (p.indicator) st.indicators.push_back({true, st.text.size()});
      st.text.push_back(std::move(p));
    }
  }
  if (st.time_columns.empty() || st.time_columns.size() > 2)
    throw Error("pipeline: the schema needs one time column (or a date and a time column), it has " +
                std::to_string(st.time_columns.size()));
  auto source = [&](const std::string& window, const std::string& column) {
    Source s;
    if (column.empty()) return s;
    for (std::size_t i = 0; i < st.numeric.size(); ++i)
      if (st.numeric[i].name == column) return Source{1, i};
    for (std::size_t i = 0; i < st.text.size(); ++i)
      if (st.text[i].name == column) return Source{2, i};
    const ColumnSpec* c = schema.find(column);
    throw Error("pipeline: window '" + window + "' reads column '" + column + "', which " +
                (c ? "has role " + role_name(c->role) : std::string("is not in the schema")) +
                "; windows read numeric, categorical or hashed columns");
  };
  for (const WindowSpec& w : schema.windows) {
    WindowPlan p;
    p.spec = w;
    p.key = source(w.name, w.key);
    p.value = source(w.name, w.value);
    if (w.kind != WindowKind::count && p.value.kind == 0)
      throw Error("pipeline: window '" + w.name + "' needs a value column");
    if (w.kind == WindowKind::sum && p.value.kind != 1)
      throw Error("pipeline: window '" + w.name + "' sums column '" + w.value +
                  "', which is not numeric");
    WindowState check(w);  // validates seconds
    (void)check;
    st.windows.push_back(std::move(p));
  }
  st.schema = std::move(schema);
  return st;
}

// The per-row state shared by transform() and Stream: imputers and windows. step() fills
// the public buffers for one row; emit() writes the scaled model input.
class Runner {
 public:
  Runner() = default;
  explicit Runner(const PipelineState& st) {
    for (const auto& p : st.numeric) numeric_.emplace_back(p.impute, p.constant, p.median);
    for (const auto& p : st.text) text_.emplace_back(p.impute, p.constant);
    for (const auto& w : st.windows) windows_.emplace_back(w.spec);
    filled.resize(st.numeric.size());
    number.resize(st.numeric.size());
    numeric_missing.resize(st.numeric.size());
    text.resize(st.text.size());
    text_missing.resize(st.text.size());
    window.resize(st.windows.size());
  }

  double last_time() const noexcept { return last_time_; }

  // One row: raw values in schema order (numeric NaN = missing, text "" = missing).
  void step(const PipelineState& st, double time, const double* numeric_raw,
            const std::string_view* text_raw) {
    last_time_ = time;
    for (std::size_t i = 0; i < numeric_.size(); ++i) {
      numeric_missing[i] = std::isnan(numeric_raw[i]);
      filled[i] = numeric_[i].fill(numeric_raw[i]);
      number[i] = std::isnan(filled[i]) ? numeric_[i].fallback() : filled[i];
    }
    for (std::size_t i = 0; i < text_.size(); ++i) {
      text_missing[i] = text_raw[i].empty();
      text[i] = text_[i].fill(text_raw[i]);
    }
    for (std::size_t w = 0; w < windows_.size(); ++w) {
      const WindowPlan& p = st.windows[w];
      char key_buf[32], value_buf[32];
      const std::string_view key = read_text(p.key, key_buf);
      const std::string_view value = read_text(p.value, value_buf);
      const double value_number = p.value.kind == 1 ? filled[p.value.index]
                                                    : std::numeric_limits<double>::quiet_NaN();
      window[w] = windows_[w].update(time, key, value, value_number);
    }
  }

  // The scaled row; counts unseen categorical values into unseen[table]. Returns true when
  // every present categorical value was in its vocabulary.
  bool emit(const PipelineState& st, double time, float* dense, std::int32_t* indices,
            std::size_t* unseen) const {
    std::size_t d = 0;
    for (std::size_t i = 0; i < st.numeric.size(); ++i) dense[d++] = st.numeric[i].scaler.apply(number[i]);
    for (const Indicator& ind : st.indicators)
      dense[d++] = (ind.text ? text_missing[ind.index] : numeric_missing[ind.index]) ? 1.0f : 0.0f;
    if (st.schema.time_features) {
      const TimeCycles c = time_cycles(time);
      dense[d++] = static_cast<float>(c.day_sin);
      dense[d++] = static_cast<float>(c.day_cos);
      dense[d++] = static_cast<float>(c.week_sin);
      dense[d++] = static_cast<float>(c.week_cos);
    }
    for (std::size_t w = 0; w < st.windows.size(); ++w) dense[d++] = st.windows[w].scaler.apply(window[w]);
    bool known = true;
    for (std::size_t i = 0; i < st.text.size(); ++i) {
      const TextPlan& p = st.text[i];
      if (p.hashed) {
        indices[i] = hash_bucket(text[i], p.buckets);
      } else {
        const std::size_t before = unseen[i];
        indices[i] = p.vocabulary.encode(text[i], unseen[i]);
        if (unseen[i] != before) known = false;
      }
    }
    if (st.schema.time_features) {
      const TimeOfDay td = time_of_day(time);
      indices[st.text.size()] = td.hour;
      indices[st.text.size() + 1] = td.weekday;
    }
    return known;
  }

  // Step outputs for the current row.
  std::vector<double> filled;            // numeric after the Impute method (NaN if still missing)
  std::vector<double> number;            // numeric after the median fallback
  std::vector<char> numeric_missing;     // raw value was missing
  std::vector<std::string_view> text;    // text after the Impute method ("" = missing)
  std::vector<char> text_missing;
  std::vector<double> window;            // unscaled window features

 private:
  std::string_view read_text(const Source& s, char (&buf)[32]) const noexcept {
    if (s.kind == 1) return number_text(filled[s.index], buf);
    if (s.kind == 2) return text[s.index];
    return {};
  }

  std::vector<NumericImputer> numeric_;
  std::vector<TextImputer> text_;
  std::vector<WindowState> windows_;
  double last_time_ = -HUGE_VAL;
};

// Where each schema feature lives in a Table.
struct TableColumns {
  std::vector<const NumericColumn*> numeric;
  std::vector<const TextColumn*> text;
};

inline TableColumns resolve(const PipelineState& st, const Table& t) {
  TableColumns out;
  const std::string src = t.source.empty() ? std::string("the table") : t.source;
  for (const auto& p : st.numeric) {
    const NumericColumn* found = nullptr;
    for (const auto& c : t.numeric)
      if (c.name == p.name) found = &c;
    if (!found || found->values.size() != t.rows())
      throw Error("pipeline: " + src + " has no numeric column '" + p.name +
                  "' of " + std::to_string(t.rows()) + " rows; load the table with the pipeline's schema");
    out.numeric.push_back(found);
  }
  for (const auto& p : st.text) {
    const TextColumn* found = nullptr;
    for (const auto& c : t.text)
      if (c.name == p.name) found = &c;
    if (!found || found->codes.size() != t.rows())
      throw Error("pipeline: " + src + " has no text column '" + p.name + "' of " +
                  std::to_string(t.rows()) + " rows; load the table with the pipeline's schema");
    out.text.push_back(found);
  }
  return out;
}

// Rows must be valid indices in non-decreasing time.
inline void check_rows(const Table& t, const std::vector<std::size_t>& rows, const char* what) {
  const std::string src = t.source.empty() ? std::string("the table") : t.source;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] >= t.rows())
      throw Error(std::string("pipeline: ") + what + ": row " + std::to_string(rows[i]) + " is outside " +
                  src + " (" + std::to_string(t.rows()) + " rows)");
    if (i > 0 && t.time[rows[i]] < t.time[rows[i - 1]])
      throw Error(std::string("pipeline: ") + what + ": rows must be in time order, but row " +
                  std::to_string(rows[i]) + " (line " +
                  std::to_string(t.line.size() > rows[i] ? t.line[rows[i]] : 0) + ") at " +
                  format_utc(t.time[rows[i]]) + " comes after " + format_utc(t.time[rows[i - 1]]) +
                  "; pass the rows of a Part from split()");
  }
}

// Feeds one Table row to a Runner.
class TableFeeder {
 public:
  TableFeeder(const Table& t, TableColumns cols)
      : table_(t), cols_(std::move(cols)), numeric_(cols_.numeric.size()), text_(cols_.text.size()) {}
  void step(const PipelineState& st, Runner& r, std::size_t row) {
    for (std::size_t i = 0; i < numeric_.size(); ++i) numeric_[i] = cols_.numeric[i]->values[row];
    for (std::size_t i = 0; i < text_.size(); ++i) {
      const TextColumn& c = *cols_.text[i];
      text_[i] = c.values[c.codes[row]];
    }
    r.step(st, table_.time[row], numeric_.data(), text_.data());
  }

 private:
  const Table& table_;
  TableColumns cols_;
  std::vector<double> numeric_;
  std::vector<std::string_view> text_;
};

// ---- the saved form: words separated by spaces, strings as <length>:<bytes>, doubles as
// hexadecimal floats (exact) ------------------------------------------------------------

inline void put_string(std::ostream& out, std::string_view s) {
  out << s.size() << ':';
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
  out << ' ';
}

inline void put_double(std::ostream& out, double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::hex);
  out.write(buf, r.ptr - buf);
  out << ' ';
}

class StateReader {
 public:
  explicit StateReader(std::istream& in) : in_(in) {}

  // `where` is the byte offset of the word being read, when the stream can tell.
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError("pipeline state: " + what +
                      (where_ >= 0 ? " at byte " + std::to_string(where_) : std::string()) +
                      "; the stream is truncated or not a saved Pipeline");
  }

  std::string word() {
    mark();
    std::string w;
    if (!(in_ >> w)) fail("unexpected end");
    return w;
  }
  void expect(const std::string& literal) {
    const std::string w = word();
    if (w != literal) fail("expected '" + literal + "', found " + quote_value(w));
  }
  std::size_t count() {
    const std::string w = word();
    std::size_t n = 0;
    const auto r = std::from_chars(w.data(), w.data() + w.size(), n);
    if (r.ec != std::errc() || r.ptr != w.data() + w.size()) fail("expected a count, found " + quote_value(w));
    return n;
  }
  double number() {
    const std::string w = word();
    double x = 0;
    const auto r = std::from_chars(w.data(), w.data() + w.size(), x, std::chars_format::hex);
    if (r.ec != std::errc() || r.ptr != w.data() + w.size()) fail("expected a number, found " + quote_value(w));
    return x;
  }
  bool flag() {
    const std::size_t n = count();
    if (n > 1) fail("expected 0 or 1");
    return n == 1;
  }
  std::string string() {
    std::size_t n = 0;
    mark();
    char c = 0;
    bool digits = false;
    while (in_.get(c) && c >= '0' && c <= '9') {
      n = n * 10 + static_cast<std::size_t>(c - '0');
      digits = true;
      if (n > (std::size_t(1) << 40)) fail("string too long");
    }
    if (!in_ || !digits || c != ':') fail("expected a string (<length>:<bytes>)");
    std::string s(n, '\0');
    if (n > 0 && !in_.read(&s[0], static_cast<std::streamsize>(n))) fail("unexpected end inside a string");
    return s;
  }
  template <class E>
  E enumeration(std::size_t last) {
    const std::size_t n = count();
    if (n > last) fail("value " + std::to_string(n) + " out of range");
    return static_cast<E>(n);
  }

 private:
  void mark() {
    in_ >> std::ws;
    if (in_.good()) {
      const auto p = in_.tellg();
      where_ = p < 0 ? std::streamoff(-1) : std::streamoff(p);
    }
  }
  std::istream& in_;
  std::streamoff where_ = -1;
};

inline void put_scaler(std::ostream& out, const Scaler& s) {
  out << static_cast<int>(s.kind) << ' ';
  put_double(out, s.center);
  put_double(out, s.spread);
  put_double(out, s.min);
  put_double(out, s.max);
  out << (s.clip ? 1 : 0) << ' ';
}

inline Scaler get_scaler(StateReader& r) {
  Scaler s;
  s.kind = r.enumeration<ScalerKind>(1);
  s.center = r.number();
  s.spread = r.number();
  s.min = r.number();
  s.max = r.number();
  s.clip = r.flag();
  return s;
}

}  // namespace detail

class Pipeline {
 public:
  // Checks the schema (roles, windows, fills); nothing is fitted yet.
  explicit Pipeline(Schema schema)
      : state_(std::make_shared<detail::PipelineState>(detail::plan(std::move(schema)))) {}

  const Schema& schema() const noexcept { return state_->schema; }
  bool fitted() const noexcept { return state_->fitted; }

  // Fits medians, vocabularies and scalers on `train_rows` (in time order) and nothing else.
  void fit(const Table& table, const std::vector<std::size_t>& train_rows) {
    fit(table, train_rows, train_rows);
  }

  // The same, with the forward fills and windows run over `timeline` (time order, holding
  // every train row) as transform(table, timeline) runs them: a train row's features then
  // are the ones a live stream of the whole timeline gives it (a window counts the events
  // of every part), while the statistics still come from the train rows alone.
  void fit(const Table& table, const std::vector<std::size_t>& train_rows,
           const std::vector<std::size_t>& timeline) {
    if (train_rows.empty()) throw Error("pipeline: fit needs at least one training row");
    detail::check_rows(table, train_rows, "fit");
    detail::check_rows(table, timeline, "fit");
    std::vector<bool> is_train(table.rows(), false);
    for (std::size_t r : train_rows) is_train[r] = true;
    std::size_t covered = 0;
    for (std::size_t r : timeline) covered += is_train[r] ? 1 : 0;
    if (covered != train_rows.size())
      throw Error("pipeline: fit: " + std::to_string(train_rows.size() - covered) +
                  " train rows are not in the timeline; pass a timeline that holds them all");
    auto st = std::make_shared<detail::PipelineState>(detail::plan(state_->schema));
    detail::TableColumns cols = detail::resolve(*st, table);
    for (std::size_t i = 0; i < st->numeric.size(); ++i) {
      detail::NumericPlan& p = st->numeric[i];
      if (p.impute == Impute::constant) {
        p.median = p.constant;  // never used: a constant fills every gap
        continue;
      }
      std::vector<double> values;
      values.reserve(train_rows.size());
      for (std::size_t r : train_rows) values.push_back(cols.numeric[i]->values[r]);
      p.median = median(std::move(values), p.name);
    }
    // One pass over the training rows: the values the model will see, unscaled.
    detail::Runner runner(*st);
    detail::TableFeeder feeder(table, cols);
    std::vector<std::vector<double>> numbers(st->numeric.size()), windows(st->windows.size());
    std::vector<VocabularyBuilder> vocab(st->text.size());
    for (std::size_t r : timeline) {
      feeder.step(*st, runner, r);
      if (!is_train[r]) continue;
      for (std::size_t i = 0; i < numbers.size(); ++i) numbers[i].push_back(runner.number[i]);
      for (std::size_t w = 0; w < windows.size(); ++w) windows[w].push_back(runner.window[w]);
      for (std::size_t i = 0; i < vocab.size(); ++i)
        if (!st->text[i].hashed) vocab[i].add(runner.text[i]);
    }
    for (std::size_t i = 0; i < numbers.size(); ++i)
      st->numeric[i].scaler = Scaler::fit(st->schema.scaler, numbers[i], st->schema.clip, st->numeric[i].name);
    for (std::size_t w = 0; w < windows.size(); ++w)
      st->windows[w].scaler = Scaler::fit(st->schema.scaler, windows[w], st->schema.clip, st->windows[w].spec.name);
    for (std::size_t i = 0; i < vocab.size(); ++i)
      if (!st->text[i].hashed) st->text[i].vocabulary = vocab[i].build(st->text[i].min_frequency);
    st->fitted = true;
    state_ = std::move(st);
  }

  // `rows` (in time order) as model inputs; the imputation and window state starts empty.
  Encoded transform(const Table& table, const std::vector<std::size_t>& rows) const {
    require_fitted("transform");
    const detail::PipelineState& st = *state_;
    detail::check_rows(table, rows, "transform");
    detail::Runner runner(st);
    detail::TableFeeder feeder(table, detail::resolve(st, table));
    Encoded e;
    e.rows = rows.size();
    e.dense_width = st.dense_width();
    e.dense.resize(e.rows * e.dense_width);
    const std::size_t tables = st.tables();
    e.indices.assign(tables, std::vector<std::int32_t>(e.rows));
    e.offsets.assign(tables, std::vector<std::int32_t>(e.rows));
    e.unseen.assign(tables, 0);
    std::vector<std::int32_t> row_indices(tables);
    if (!table.label.empty()) e.labels.resize(e.rows);
    e.time.resize(e.rows);
    e.line.resize(e.rows);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::size_t r = rows[k];
      feeder.step(st, runner, r);
      runner.emit(st, table.time[r], e.dense.data() + k * e.dense_width, row_indices.data(), e.unseen.data());
      for (std::size_t t = 0; t < tables; ++t) {
        e.indices[t][k] = row_indices[t];
        e.offsets[t][k] = static_cast<std::int32_t>(k);
      }
      if (!table.label.empty()) e.labels[k] = table.label[r] ? 1.0f : 0.0f;
      e.time[k] = table.time[r];
      e.line[k] = r < table.line.size() ? table.line[r] : 0;
    }
    return e;
  }

  std::size_t dense_width() const { return state_->dense_width(); }

  std::vector<std::string> dense_names() const {
    const detail::PipelineState& st = *state_;
    std::vector<std::string> out;
    for (const auto& p : st.numeric) out.push_back(p.name);
    for (const auto& ind : st.indicators)
      out.push_back((ind.text ? st.text[ind.index].name : st.numeric[ind.index].name) + "_missing");
    if (st.schema.time_features)
      for (const char* n : {"day_sin", "day_cos", "week_sin", "week_cos"}) out.emplace_back(n);
    for (const auto& w : st.windows) out.push_back(w.spec.name);
    return out;
  }

  // Rows per table: vocabulary size with the unknown row, bucket count, 24, 7. Categorical
  // sizes are known after fit().
  std::vector<std::size_t> table_sizes() const {
    require_fitted("table_sizes");
    const detail::PipelineState& st = *state_;
    std::vector<std::size_t> out;
    for (const auto& p : st.text) out.push_back(p.hashed ? p.buckets : p.vocabulary.size());
    if (st.schema.time_features) {
      out.push_back(24);
      out.push_back(7);
    }
    return out;
  }

  std::vector<std::string> table_names() const {
    const detail::PipelineState& st = *state_;
    std::vector<std::string> out;
    for (const auto& p : st.text) out.push_back(p.name);
    if (st.schema.time_features) {
      out.emplace_back("hour");
      out.emplace_back("weekday");
    }
    return out;
  }

  // The fitted vocabulary of a categorical column (nullptr for other names).
  const Vocabulary* vocabulary(const std::string& column) const {
    for (const auto& p : state_->text)
      if (p.name == column && !p.hashed) return &p.vocabulary;
    return nullptr;
  }

  // The fitted state (schema included), exactly: text with hexadecimal floats.
  void save(std::ostream& out) const {
    require_fitted("save");
    using detail::put_double;
    using detail::put_string;
    const detail::PipelineState& st = *state_;
    const Schema& s = st.schema;
    out << "dlrm-pipeline 1\nschema ";
    put_string(out, s.time_format);
    out << (s.time_features ? 1 : 0) << ' ' << static_cast<int>(s.scaler) << ' ' << (s.clip ? 1 : 0)
        << "\npositive " << s.positive.size() << ' ';
    for (const auto& p : s.positive) put_string(out, p);
    out << "\ncolumns " << s.columns.size() << '\n';
    for (const ColumnSpec& c : s.columns) {
      out << "column ";
      put_string(out, c.name);
      out << static_cast<int>(c.role) << ' ' << static_cast<int>(c.impute) << ' ';
      put_string(out, c.fill_value);
      out << (c.missing_indicator ? 1 : 0) << ' ' << c.buckets << ' ' << c.min_frequency << ' '
          << (c.boolean ? 1 : 0) << '\n';
    }
    out << "windows " << s.windows.size() << '\n';
    for (const WindowSpec& w : s.windows) {
      out << "window ";
      put_string(out, w.name);
      out << static_cast<int>(w.kind) << ' ';
      put_string(out, w.key);
      put_string(out, w.value);
      put_double(out, w.seconds);
      out << '\n';
    }
    out << "numeric " << st.numeric.size() << '\n';
    for (const auto& p : st.numeric) {
      out << "fit ";
      put_double(out, p.median);
      detail::put_scaler(out, p.scaler);
      out << '\n';
    }
    out << "text " << st.text.size() << '\n';
    for (const auto& p : st.text) {
      const std::size_t n = p.hashed ? 0 : p.vocabulary.size() - 1;
      out << "vocabulary " << n << ' ';
      for (std::size_t i = 1; i <= n; ++i) put_string(out, p.vocabulary.value(static_cast<std::int32_t>(i)));
      out << '\n';
    }
    out << "window_scalers " << st.windows.size() << '\n';
    for (const auto& w : st.windows) {
      out << "fit ";
      detail::put_scaler(out, w.scaler);
      out << '\n';
    }
    out << "end\n";
  }

  static Pipeline load(std::istream& in) {
    detail::StateReader r(in);
    r.expect("dlrm-pipeline");
    const std::size_t version = r.count();
    if (version != 1)
      throw FormatError("pipeline state: version " + std::to_string(version) +
                        " is newer than this library reads (1); update the library");
    Schema s;
    r.expect("schema");
    s.time_format = r.string();
    s.time_features = r.flag();
    s.scaler = r.enumeration<ScalerKind>(1);
    s.clip = r.flag();
    r.expect("positive");
    for (std::size_t i = 0, n = r.count(); i < n; ++i) s.positive.push_back(r.string());
    r.expect("columns");
    for (std::size_t i = 0, n = r.count(); i < n; ++i) {
      r.expect("column");
      ColumnSpec c;
      c.name = r.string();
      c.role = r.enumeration<Role>(5);
      c.impute = r.enumeration<Impute>(2);
      c.fill_value = r.string();
      c.missing_indicator = r.flag();
      c.buckets = r.count();
      c.min_frequency = r.count();
      c.boolean = r.flag();
      s.columns.push_back(std::move(c));
    }
    r.expect("windows");
    for (std::size_t i = 0, n = r.count(); i < n; ++i) {
      r.expect("window");
      WindowSpec w;
      w.name = r.string();
      w.kind = r.enumeration<WindowKind>(3);
      w.key = r.string();
      w.value = r.string();
      w.seconds = r.number();
      s.windows.push_back(std::move(w));
    }
    Pipeline p(std::move(s));
    auto st = std::make_shared<detail::PipelineState>(*p.state_);
    r.expect("numeric");
    if (r.count() != st->numeric.size()) r.fail("numeric feature count does not match the schema");
    for (auto& f : st->numeric) {
      r.expect("fit");
      f.median = r.number();
      f.scaler = detail::get_scaler(r);
    }
    r.expect("text");
    if (r.count() != st->text.size()) r.fail("text feature count does not match the schema");
    for (auto& f : st->text) {
      r.expect("vocabulary");
      std::vector<std::string> values(r.count());
      for (auto& v : values) v = r.string();
      if (f.hashed && !values.empty()) r.fail("hashed column '" + f.name + "' with a vocabulary");
      f.vocabulary = Vocabulary(values);
      if (f.vocabulary.size() != values.size() + 1) r.fail("repeated value in the vocabulary of '" + f.name + "'");
    }
    r.expect("window_scalers");
    if (r.count() != st->windows.size()) r.fail("window count does not match the schema");
    for (auto& w : st->windows) {
      r.expect("fit");
      w.scaler = detail::get_scaler(r);
    }
    r.expect("end");
    st->fitted = true;
    p.state_ = std::move(st);
    return p;
  }

  // Live events: raw CSV fields in header order -> one model input, with the imputation
  // and window state inside (starting empty, like transform()). Events must come in time
  // order. After warm-up (the keys, values and window lengths seen), transform() does not
  // allocate. The Stream shares the fitted state: it stays valid after the Pipeline goes.
  class Stream {
   public:
    // Writes dense_width() floats to dense_out, one index per table to indices_out, the
    // event time to time_out. Returns false when a present categorical value was not in
    // its vocabulary (it is encoded as 0 and counted in unseen()), true otherwise.
    // A field that does not parse is a ParseError naming the line, column and field.
    bool transform(const std::vector<std::string_view>& fields, std::size_t line, float* dense_out,
                   std::int32_t* indices_out, double* time_out) {
      const detail::PipelineState& st = *state_;
      if (fields.size() != width_)
        throw row_error(source_, line,
                        "expected " + std::to_string(width_) + " fields (as the header), found " +
                            std::to_string(fields.size()));
      // Parsed exactly as load_table() parses a file row (table.hpp), so that a live event
      // and the same row of a file give the same model input.
      std::string_view when = trim(fields[time_pos_[0]]);
      bool missing = when.empty();
      if (time_pos_.size() == 2) {
        const std::string_view second = trim(fields[time_pos_[1]]);
        missing = missing || second.empty();
        time_text_.assign(when.data(), when.size());
        time_text_ += ' ';
        time_text_.append(second.data(), second.size());
        when = time_text_;
      }
      const std::optional<double> parsed =
          missing ? std::nullopt : try_parse_time(when, st.schema.time_format);
      if (!parsed) {
        const std::string what = missing ? std::string("the time is missing")
                                         : time_error_text(when, st.schema.time_format);
        const std::size_t a = time_pos_[0];
        if (time_pos_.size() == 1) throw field_error(source_, line, a + 1, header_[a], what);
        const std::size_t b = time_pos_[1];
        throw row_error(source_, line,
                        describe_column(a + 1, header_[a]) + " and " + describe_column(b + 1, header_[b]) +
                            ": " + what,
                        a + 1, header_[a] + "+" + header_[b]);
      }
      const double t = *parsed;
      if (t < runner_.last_time())
        throw InputError(source_ + ":" + std::to_string(line) + ": event at " + detail::format_utc(t) +
                         " comes before the previous one at " + detail::format_utc(runner_.last_time()) +
                         "; events must come in time order");
      for (std::size_t i = 0; i < numeric_pos_.size(); ++i) {
        const std::size_t col = numeric_pos_[i];
        const std::string_view f = trim(fields[col]);
        if (f.empty()) {
          numeric_[i] = std::numeric_limits<double>::quiet_NaN();
          continue;
        }
        const auto v = parse_number(f);
        if (!v) throw field_error(source_, line, col + 1, header_[col], quote_value(f) + " is not a number");
        numeric_[i] = *v;
      }
      for (std::size_t i = 0; i < text_pos_.size(); ++i) {
        const std::size_t col = text_pos_[i];
        const std::string_view f = trim(fields[col]);
        text_[i] = f;
        if (st.text[i].boolean && !f.empty()) {
          const auto b = parse_boolean(f);
          if (!b)
            throw field_error(source_, line, col + 1, header_[col],
                              quote_value(f) + " is not a boolean (expected 0/1, true/false, on/off or yes/no)");
          text_[i] = *b ? std::string_view("1") : std::string_view("0");
        }
      }
      runner_.step(st, t, numeric_.data(), text_.data());
      *time_out = t;
      return runner_.emit(st, t, dense_out, indices_out, unseen_.data());
    }

    // Per table: present categorical values not in the vocabulary, since the start.
    const std::vector<std::size_t>& unseen() const noexcept { return unseen_; }
    std::size_t dense_width() const noexcept { return state_->dense_width(); }
    std::size_t tables() const noexcept { return state_->tables(); }

    // The name messages give the events ("stream" unless set), as a file name would be.
    void set_source(std::string name) { source_ = std::move(name); }

    // Forget the imputation and window state (a new timeline starts).
    void reset() {
      runner_ = detail::Runner(*state_);
      for (auto& u : unseen_) u = 0;
    }

   private:
    friend class Pipeline;
    Stream(std::shared_ptr<const detail::PipelineState> st, const std::vector<std::string>& header)
        : state_(std::move(st)), runner_(*state_), header_(header), width_(header.size()),
          numeric_(state_->numeric.size()), text_(state_->text.size()), unseen_(state_->tables(), 0) {
      auto position = [&](const std::string& name) {
        for (std::size_t i = 0; i < header_.size(); ++i)
          if (header_[i] == name) return i;
        throw Error("pipeline: the stream's header has no column '" + name +
                    "' of the schema; send the fields of the file the pipeline was fitted on");
      };
      for (const auto& c : state_->time_columns) time_pos_.push_back(position(c));
      for (const auto& p : state_->numeric) numeric_pos_.push_back(position(p.name));
      for (const auto& p : state_->text) text_pos_.push_back(position(p.name));
      time_text_.reserve(64);
    }

    std::shared_ptr<const detail::PipelineState> state_;
    detail::Runner runner_;
    std::vector<std::string> header_;
    std::size_t width_ = 0;
    std::string source_ = "stream";
    std::vector<std::size_t> time_pos_, numeric_pos_, text_pos_;
    std::vector<double> numeric_;
    std::vector<std::string_view> text_;
    std::vector<std::size_t> unseen_;
    std::string time_text_;
  };

  Stream stream(const std::vector<std::string>& header) const {
    require_fitted("stream");
    return Stream(state_, header);
  }

 private:
  void require_fitted(const char* what) const {
    if (!state_->fitted)
      throw Error(std::string("pipeline: ") + what + " before fit; call fit(table, train_rows) first");
  }

  std::shared_ptr<const detail::PipelineState> state_;
};

}  // namespace dlrm::prep
