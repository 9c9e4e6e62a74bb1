#pragma once
// Chronological train / validation / test split of a Table: rows sorted by time, cut by
// fractions or timestamp boundaries, never at random. Standard library only.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/table.hpp"

namespace dlrm::prep {

// One part: row indices into the Table in time order (ties by row index), its time range
// (first and last row; 0 when empty) and its class counts (both 0 without labels).
struct Part {
  std::vector<std::size_t> rows;
  double begin = 0, end = 0;
  std::size_t positives = 0, negatives = 0;
};

enum class SplitKind {
  by_time,               // one timeline cut by the fractions
  per_class,             // each class's own timeline cut by the same fractions, then merged
  normal_then_anomalous  // normal timeline: train, validation, rest -> test with every anomaly
};

// Fractions: of the rows (in time order) of the timeline being cut. Part k gets the rows
// [floor(m * a_k), floor(m * a_{k+1})) of m rows, a = 0, train, train + validation, 1.
// Boundaries (train_until, validation_until both set): train = time < train_until,
// validation = time < validation_until, test = the rest; for by_time and
// normal_then_anomalous (where they cut the normal rows).
// gap_seconds: a row of a later part closer than gap_seconds after the last row of the
// part before it (on the same timeline) is dropped, so windows do not reach across.
// supervised: the training part must contain anomalies.
struct SplitOptions {
  SplitKind kind = SplitKind::per_class;
  double train = 0.7, validation = 0.15;
  double gap_seconds = 0;
  bool supervised = true;
  double train_until = std::numeric_limits<double>::quiet_NaN();
  double validation_until = std::numeric_limits<double>::quiet_NaN();
};

namespace detail {

inline const char* split_kind_name(SplitKind k) {
  switch (k) {
    case SplitKind::by_time: return "by_time";
    case SplitKind::per_class: return "per_class";
    case SplitKind::normal_then_anomalous: return "normal_then_anomalous";
  }
  return "?";
}

// Shortest decimal that reads back the same double.
inline std::string format_number(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC (days to civil date: H. Hinnant's algorithm).
inline std::string format_utc(double epoch_seconds) {
  const double whole = std::floor(epoch_seconds);
  const auto secs = static_cast<long long>(whole);
  long long days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const long long z = days + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y, m, d, rem / 3600,
                rem / 60 % 60, rem % 60);
  std::string out = buf;
  const auto micros = static_cast<long long>(std::llround((epoch_seconds - whole) * 1e6));
  if (micros > 0 && micros < 1000000) {
    std::snprintf(buf, sizeof buf, ".%06lld", micros);
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  return out;
}

inline void finish_part(const Table& t, Part& p) {
  std::sort(p.rows.begin(), p.rows.end(), [&](std::size_t a, std::size_t b) {
    return t.time[a] != t.time[b] ? t.time[a] < t.time[b] : a < b;
  });
  p.positives = p.negatives = 0;
  if (!t.label.empty())
    for (std::size_t r : p.rows) (t.label[r] ? p.positives : p.negatives) += 1;
  p.begin = p.rows.empty() ? 0 : t.time[p.rows.front()];
  p.end = p.rows.empty() ? 0 : t.time[p.rows.back()];
}

// What cutting one timeline did, for the error messages.
struct Cut {
  std::size_t before_gap[3] = {0, 0, 0};  // rows each part had before the gap dropped some
};

// Cuts `timeline` (row indices in time order) into the three parts (appending).
inline Cut cut_timeline(const Table& t, const std::vector<std::size_t>& timeline,
                        const SplitOptions& o, bool boundaries, Part* parts[3]) {
  Cut cut;
  const std::size_t m = timeline.size();
  std::vector<std::size_t> piece[3];
  if (boundaries) {
    for (std::size_t r : timeline)
      piece[t.time[r] < o.train_until ? 0 : t.time[r] < o.validation_until ? 1 : 2].push_back(r);
  } else {
    const auto a = static_cast<std::size_t>(std::floor(static_cast<double>(m) * o.train));
    auto b = static_cast<std::size_t>(std::floor(static_cast<double>(m) * (o.train + o.validation)));
    b = std::min(std::max(a, b), m);
    for (std::size_t i = 0; i < m; ++i) piece[i < a ? 0 : i < b ? 1 : 2].push_back(timeline[i]);
  }
  for (int k = 0; k < 3; ++k) cut.before_gap[k] = piece[k].size();
  if (o.gap_seconds > 0) {
    for (int k = 1; k < 3; ++k) {
      if (piece[k - 1].empty()) continue;
      const double limit = t.time[piece[k - 1].back()] + o.gap_seconds;
      std::vector<std::size_t> kept;
      for (std::size_t r : piece[k])
        if (t.time[r] >= limit) kept.push_back(r);
      piece[k] = std::move(kept);
    }
  }
  for (int k = 0; k < 3; ++k)
    parts[k]->rows.insert(parts[k]->rows.end(), piece[k].begin(), piece[k].end());
  return cut;
}

}  // namespace detail

struct Split {
  Part train, validation, test;

  // A small table: rows, class counts and time range of each part.
  std::string describe() const {
    std::string out = "part        rows    normal  anomalous  from                          to\n";
    const char* names[3] = {"train", "validation", "test"};
    const Part* parts[3] = {&train, &validation, &test};
    for (int k = 0; k < 3; ++k) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "%-10s %5zu %9zu %10zu  %-28s  %s\n", names[k],
                    parts[k]->rows.size(), parts[k]->negatives, parts[k]->positives,
                    detail::format_utc(parts[k]->begin).c_str(),
                    detail::format_utc(parts[k]->end).c_str());
      out += buf;
    }
    return out;
  }
};

// Splits the rows of `table` (see SplitOptions). Throws dlrm::Error when a part would be
// empty, or a supervised training part has no anomalies, saying which and what fits.
inline Split split(const Table& table, const SplitOptions& o) {
  using detail::format_number;
  const std::string src = table.source.empty() ? std::string("the table") : table.source;
  const std::string kind = detail::split_kind_name(o.kind);
  const std::size_t n = table.rows();
  if (n == 0) throw Error("split: " + src + " has no rows");
  const bool boundaries = !std::isnan(o.train_until) || !std::isnan(o.validation_until);
  if (boundaries) {
    if (o.kind == SplitKind::per_class)
      throw Error("split: timestamp boundaries cut one timeline; per_class cuts each class's own, "
                  "so give it fractions, or use by_time or normal_then_anomalous with boundaries");
    if (!(o.train_until < o.validation_until))
      throw Error("split: boundaries need train_until < validation_until (got " +
                  format_number(o.train_until) + " and " + format_number(o.validation_until) + ")");
  } else if (!(o.train > 0 && o.validation > 0 && o.train + o.validation < 1)) {
    throw Error("split: fractions need train > 0, validation > 0 and train + validation < 1 (got train " +
                format_number(o.train) + ", validation " + format_number(o.validation) + ")");
  }
  if (table.label.empty() && o.kind != SplitKind::by_time)
    throw Error("split: " + kind + " needs a label column, but " + src + " has none; use by_time");
  if (table.label.empty() && o.supervised)
    throw Error("split: a supervised split needs a label column, but " + src +
                " has none; set supervised = false");

  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return table.time[a] != table.time[b] ? table.time[a] < table.time[b] : a < b;
  });

  Split s;
  Part* parts[3] = {&s.train, &s.validation, &s.test};
  std::vector<std::size_t> normal, anomalous;
  if (!table.label.empty())
    for (std::size_t r : order) (table.label[r] ? anomalous : normal).push_back(r);

  detail::Cut cut;  // of the timeline whose emptiness the messages explain
  if (o.kind == SplitKind::by_time) {
    cut = detail::cut_timeline(table, order, o, boundaries, parts);
  } else if (o.kind == SplitKind::per_class) {
    cut = detail::cut_timeline(table, normal, o, false, parts);
    const detail::Cut c2 = detail::cut_timeline(table, anomalous, o, false, parts);
    for (int k = 0; k < 3; ++k) cut.before_gap[k] += c2.before_gap[k];
  } else {
    cut = detail::cut_timeline(table, normal, o, boundaries, parts);
    s.test.rows.insert(s.test.rows.end(), anomalous.begin(), anomalous.end());
    cut.before_gap[2] += anomalous.size();
  }
  for (Part* p : parts) detail::finish_part(table, *p);

  const char* names[3] = {"training", "validation", "test"};
  for (int k = 0; k < 3; ++k) {
    if (!parts[k]->rows.empty()) continue;
    std::string how = kind;
    if (boundaries)
      how += ", train_until " + format_number(o.train_until) + ", validation_until " +
             format_number(o.validation_until);
    else
      how += ", train " + format_number(o.train) + ", validation " + format_number(o.validation);
    how += ", gap " + format_number(o.gap_seconds) + " s";
    std::string fix;
    if (cut.before_gap[k] > 0)
      fix = "the gap removes all " + std::to_string(cut.before_gap[k]) +
            " of its rows: lower gap_seconds";
    else if (o.kind == SplitKind::normal_then_anomalous && normal.empty())
      fix = src + " has no normal rows: use by_time";
    else if (boundaries)
      fix = "no row falls between its boundaries: move train_until / validation_until";
    else
      fix = "give it a larger fraction, or use a file with more rows";
    const bool normal_only = o.kind == SplitKind::normal_then_anomalous;
    const std::size_t base = normal_only ? normal.size() : n;
    throw Error("split: the " + std::string(names[k]) + " part of " + src + " is empty (" + how +
                ", " + std::to_string(base) + (normal_only ? " normal" : "") +
                " rows); " + fix);
  }

  if (o.supervised && s.train.positives == 0) {
    std::string why;
    if (anomalous.empty())
      why = src + " has no anomalous rows at all; set supervised = false for a one-class model";
    else if (o.kind == SplitKind::normal_then_anomalous)
      why = "normal_then_anomalous trains on normal rows only; set supervised = false for a "
            "one-class model, or use per_class for a supervised one";
    else if (o.kind == SplitKind::by_time)
      why = "its " + std::to_string(s.train.rows.size()) + " rows end at " +
            detail::format_utc(s.train.end) + " and the first anomaly is at " +
            detail::format_utc(table.time[anomalous.front()]) +
            "; use per_class, which cuts each class's own timeline, or set supervised = false";
    else
      why = "per_class gives it 0 of the " + std::to_string(anomalous.size()) +
            " anomalous rows; raise the train fraction, or set supervised = false";
    throw Error("split: the training part of " + src + " has no anomalous rows: " + why);
  }
  return s;
}

}  // namespace dlrm::prep
