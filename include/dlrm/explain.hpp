#pragma once
// Why did the model flag this event? Model-agnostic attributions by occlusion: replace one
// feature group of the encoded event with its baseline (the training mean for dense
// features, the unknown category 0 for a table), score again, and credit the group with
// the change. Global importance is the mean |change| over a sample of events.
// Standard library only: the score is any callable over one encoded event, so this header
// knows nothing of the model.
//
// An occlusion delta is score(event) - score(event with the group at its baseline): +0.41
// means the group's actual value raised the anomaly score by 0.41. Deltas of different
// groups need not add up to the score (the model is not linear); each answers "what if
// this feature had been ordinary".
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/span.hpp"

namespace dlrm {

// Features that are occluded together and reported under one name (e.g. hour_sin and
// hour_cos as "hour").
struct FeatureGroup {
  std::string name;
  std::vector<std::size_t> dense;   // indices into the dense vector
  std::vector<std::size_t> tables;  // indices of the categorical tables
};

// What a feature is replaced with when occluded.
struct Baseline {
  std::vector<float> dense;           // one per dense feature: the training mean
  std::vector<std::int32_t> indices;  // one per table: 0, the unknown category
};

struct Attribution {
  std::string name;   // the group's name
  std::string value;  // the event's value as the caller gave it, or the encoded value
  double delta = 0;   // score(event) - score(event with this group at its baseline)
};

// A set of encoded events: dense is rows x dense_width, row-major; tables[t][r] is row r's
// index into table t (one index per table, as the one-hot pipeline produces).
struct EventMatrix {
  std::size_t rows = 0;
  std::size_t dense_width = 0;
  span<const float> dense;
  std::vector<span<const std::int32_t>> tables;
};

// One group per dense feature and per table, named as given, except that dense features
// named <stem><suffix> for a suffix in `merge_suffixes` (default _sin, _cos) share the
// group <stem>: a cyclic time feature is one thing to a reader.
inline std::vector<FeatureGroup> feature_groups(const std::vector<std::string>& dense_names,
                                                const std::vector<std::string>& table_names,
                                                const std::vector<std::string>& merge_suffixes = {"_sin", "_cos"}) {
  std::vector<FeatureGroup> groups;
  for (std::size_t i = 0; i < dense_names.size(); ++i) {
    std::string name = dense_names[i];
    for (const auto& suffix : merge_suffixes)
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        name.resize(name.size() - suffix.size());
        break;
      }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const FeatureGroup& g) { return g.name == name; });
    if (it == groups.end()) groups.push_back({name, {i}, {}});
    else it->dense.push_back(i);
  }
  for (std::size_t t = 0; t < table_names.size(); ++t) groups.push_back({table_names[t], {}, {t}});
  return groups;
}

// The training means of the dense features (and 0 for every table).
inline Baseline training_baseline(const EventMatrix& train) {
  if (train.rows == 0) throw Error("explain: the baseline needs at least one training event");
  if (train.dense.size() != train.rows * train.dense_width)
    throw ShapeError("explain: the dense matrix has " + std::to_string(train.dense.size()) +
                     " values, expected rows x dense_width = " + std::to_string(train.rows * train.dense_width));
  Baseline b;
  std::vector<double> sum(train.dense_width, 0.0);
  for (std::size_t r = 0; r < train.rows; ++r)
    for (std::size_t j = 0; j < train.dense_width; ++j) sum[j] += train.dense[r * train.dense_width + j];
  for (double s : sum) b.dense.push_back(static_cast<float>(s / static_cast<double>(train.rows)));
  b.indices.assign(train.tables.size(), 0);
  return b;
}

// "motion_living_room=1 (+0.41), hour=3 (+0.22)"
inline std::string format_attributions(const std::vector<Attribution>& attributions, int decimals = 2) {
  std::string out;
  for (const auto& a : attributions) {
    if (!out.empty()) out += ", ";
    out += a.name;
    if (!a.value.empty()) out += "=" + a.value;
    char buf[48];
    std::snprintf(buf, sizeof buf, " (%+.*f)", decimals, a.delta);
    out += buf;
  }
  return out;
}

class Explainer {
 public:
  Explainer(std::vector<FeatureGroup> groups, Baseline baseline)
      : groups_(std::move(groups)), baseline_(std::move(baseline)) {
    for (const auto& g : groups_) {
      for (std::size_t j : g.dense)
        if (j >= baseline_.dense.size())
          throw ShapeError("explain: group " + g.name + " names dense feature " + std::to_string(j) +
                           " but the baseline has " + std::to_string(baseline_.dense.size()) + " dense features");
      for (std::size_t t : g.tables)
        if (t >= baseline_.indices.size())
          throw ShapeError("explain: group " + g.name + " names table " + std::to_string(t) +
                           " but the baseline has " + std::to_string(baseline_.indices.size()) + " tables");
    }
    dense_.resize(baseline_.dense.size());
    indices_.resize(baseline_.indices.size());
  }

  const std::vector<FeatureGroup>& groups() const { return groups_; }
  const Baseline& baseline() const { return baseline_; }

  // Occlusion deltas of every group, in group order. `score` is called as
  // score(span<const float> dense, span<const std::int32_t> indices) -> a number.
  template <class Score>
  std::vector<double> deltas(Score&& score, span<const float> dense, span<const std::int32_t> indices) {
    check_event(dense, indices);
    std::copy(dense.begin(), dense.end(), dense_.begin());
    std::copy(indices.begin(), indices.end(), indices_.begin());
    const double full = call(score);
    std::vector<double> out(groups_.size());
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const auto& group = groups_[g];
      for (std::size_t j : group.dense) dense_[j] = baseline_.dense[j];
      for (std::size_t t : group.tables) indices_[t] = baseline_.indices[t];
      out[g] = full - call(score);
      for (std::size_t j : group.dense) dense_[j] = dense[j];
      for (std::size_t t : group.tables) indices_[t] = indices[t];
    }
    return out;
  }

  // The top_k groups by |delta| (ties: group order), largest first. `values`, when not
  // empty, holds one display value per group (e.g. the raw field, "1" or "03:12"); else a
  // single dense feature shows its encoded value and a table its index.
  template <class Score>
  std::vector<Attribution> explain(Score&& score, span<const float> dense, span<const std::int32_t> indices,
                                   std::size_t top_k, const std::vector<std::string>& values = {}) {
    if (!values.empty() && values.size() != groups_.size())
      throw ShapeError("explain: " + std::to_string(values.size()) + " display values for " +
                       std::to_string(groups_.size()) + " feature groups; give one per group or none");
    const auto d = deltas(score, dense, indices);
    std::vector<Attribution> all;
    for (std::size_t g = 0; g < groups_.size(); ++g)
      all.push_back({groups_[g].name, values.empty() ? encoded_value(g, dense, indices) : values[g], d[g]});
    return top(std::move(all), top_k);
  }

  // Mean |delta| per group over the sample rows (all rows when `rows` is empty), sorted
  // largest first; Attribution::value is empty.
  template <class Score>
  std::vector<Attribution> global_importance(Score&& score, const EventMatrix& events,
                                             const std::vector<std::size_t>& rows = {}) {
    if (events.dense.size() != events.rows * events.dense_width || events.dense_width != baseline_.dense.size() ||
        events.tables.size() != baseline_.indices.size())
      throw ShapeError("explain: the events have " + std::to_string(events.dense_width) + " dense features and " +
                       std::to_string(events.tables.size()) + " tables, the baseline " +
                       std::to_string(baseline_.dense.size()) + " and " + std::to_string(baseline_.indices.size()));
    std::vector<double> sum(groups_.size(), 0.0);
    std::size_t n = 0;
    auto one = [&](std::size_t r) {
      if (r >= events.rows)
        throw InputError("explain: sample row " + std::to_string(r) + " is past the " +
                         std::to_string(events.rows) + " events");
      for (std::size_t t = 0; t < events.tables.size(); ++t) {
        if (events.tables[t].size() != events.rows)
          throw ShapeError("explain: table " + std::to_string(t) + " has " + std::to_string(events.tables[t].size()) +
                           " indices for " + std::to_string(events.rows) + " events");
        row_indices_[t] = events.tables[t][r];
      }
      const auto d = deltas(score, events.dense.subspan(r * events.dense_width, events.dense_width),
                            span<const std::int32_t>(row_indices_.data(), row_indices_.size()));
      for (std::size_t g = 0; g < d.size(); ++g) sum[g] += std::fabs(d[g]);
      ++n;
    };
    row_indices_.resize(events.tables.size());
    if (rows.empty())
      for (std::size_t r = 0; r < events.rows; ++r) one(r);
    else
      for (std::size_t r : rows) one(r);
    if (n == 0) throw Error("explain: global importance needs at least one event");
    std::vector<Attribution> all;
    for (std::size_t g = 0; g < groups_.size(); ++g)
      all.push_back({groups_[g].name, std::string(), sum[g] / static_cast<double>(n)});
    return top(std::move(all), groups_.size());
  }

 private:
  template <class Score>
  double call(Score& score) {
    const double s = static_cast<double>(score(span<const float>(dense_.data(), dense_.size()),
                                                span<const std::int32_t>(indices_.data(), indices_.size())));
    if (!std::isfinite(s)) throw InputError("explain: the scoring function returned a non-finite score");
    return s;
  }

  void check_event(span<const float> dense, span<const std::int32_t> indices) const {
    if (dense.size() != baseline_.dense.size() || indices.size() != baseline_.indices.size())
      throw ShapeError("explain: the event has " + std::to_string(dense.size()) + " dense values and " +
                       std::to_string(indices.size()) + " indices, the baseline " +
                       std::to_string(baseline_.dense.size()) + " and " + std::to_string(baseline_.indices.size()));
  }

  std::string encoded_value(std::size_t g, span<const float> dense, span<const std::int32_t> indices) const {
    const auto& group = groups_[g];
    char buf[32];
    if (group.dense.size() == 1 && group.tables.empty()) {
      std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(dense[group.dense[0]]));
      return buf;
    }
    if (group.tables.size() == 1 && group.dense.empty()) {
      std::snprintf(buf, sizeof buf, "#%d", static_cast<int>(indices[group.tables[0]]));
      return buf;
    }
    return std::string();
  }

  static std::vector<Attribution> top(std::vector<Attribution> all, std::size_t k) {
    std::stable_sort(all.begin(), all.end(),
                     [](const Attribution& a, const Attribution& b) { return std::fabs(a.delta) > std::fabs(b.delta); });
    if (all.size() > k) all.resize(k);
    return all;
  }

  std::vector<FeatureGroup> groups_;
  Baseline baseline_;
  std::vector<float> dense_;
  std::vector<std::int32_t> indices_, row_indices_;
};

}  // namespace dlrm
