#pragma once
// Binary-classification metrics for anomaly scores: the confusion matrix at a threshold,
// accuracy / precision / recall / F1, ROC-AUC and PR-AUC (average precision) with the
// same definitions as scikit-learn, curve points for plots, and threshold tuning.
// Standard library only.
//
// Conventions (shared by every function here):
//  - scores are finite numbers, higher = more anomalous; labels are 0 (normal) or 1.
//  - a score is flagged positive when score >= threshold.
//  - a ratio whose denominator is 0 is defined as 0 (precision with no flagged event,
//    recall with no positive, F1 when precision + recall = 0), so that a metric is always
//    a number in [0, 1] and "nothing found" never looks like success.
//  - ROC-AUC and average precision need both classes: with one class they throw
//    dlrm::Error (scikit-learn raises / warns there as well).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/span.hpp"

namespace dlrm {

struct ConfusionMatrix {
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;

  std::size_t total() const { return tp + fp + tn + fn; }
  std::size_t positives() const { return tp + fn; }
  std::size_t negatives() const { return tn + fp; }
  double accuracy() const { return ratio(tp + tn, total()); }
  double precision() const { return ratio(tp, tp + fp); }
  double recall() const { return ratio(tp, tp + fn); }  // true positive rate
  double false_positive_rate() const { return ratio(fp, fp + tn); }
  double f1() const {
    // 2 tp / (2 tp + fp + fn) equals the harmonic mean of precision and recall and is
    // 0 exactly when either is 0 (including 0/0).
    return ratio(2 * tp, 2 * tp + fp + fn);
  }

 private:
  static double ratio(std::size_t num, std::size_t den) {
    return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
  }
};

// One point of a ROC curve (x = false positive rate, y = true positive rate) or of a
// precision-recall curve (x = recall, y = precision), reached by flagging every score
// >= threshold. The first point of a curve has threshold = +infinity (nothing flagged).
struct CurvePoint {
  double x = 0, y = 0;
  double threshold = 0;
};

// A tuned operating point: the threshold and what it does on the data it was tuned on.
struct ThresholdChoice {
  double threshold = 0;
  ConfusionMatrix confusion;
};

// Everything `evaluate` prints. roc_auc / pr_auc are empty when the data has one class.
struct BinaryMetrics {
  std::size_t rows = 0, positives = 0;
  double threshold = 0;
  ConfusionMatrix confusion;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;
  std::optional<double> roc_auc, pr_auc;
};

namespace detail {

inline void check_scores_labels(span<const float> scores, span<const float> labels) {
  if (scores.size() != labels.size())
    throw InputError("metrics: scores has " + std::to_string(scores.size()) +
                     " values but labels has " + std::to_string(labels.size()) +
                     "; pass one label per score");
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i]))
      throw InputError("metrics: scores[" + std::to_string(i) +
                       "] is not a finite number; check the model output");
    if (labels[i] != 0.0f && labels[i] != 1.0f)
      throw InputError("metrics: labels[" + std::to_string(i) + "] = " +
                       std::to_string(labels[i]) + "; labels must be 0 (normal) or 1 (anomalous)");
  }
}

// The cumulative counts at each distinct score, highest score first: flagging every
// score >= distinct[k].score gives tp = distinct[k].tp, fp = distinct[k].fp.
struct ThresholdStep {
  double score;
  std::size_t tp, fp;
};

struct SortedCounts {
  std::vector<ThresholdStep> steps;
  std::size_t positives = 0, negatives = 0;
};

inline SortedCounts sorted_counts(span<const float> scores, span<const float> labels) {
  check_scores_labels(scores, labels);
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  SortedCounts out;
  std::size_t tp = 0, fp = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    if (labels[i] == 1.0f) ++tp; else ++fp;
    const bool last_of_tie = k + 1 == order.size() || scores[order[k + 1]] != scores[i];
    if (last_of_tie) out.steps.push_back({static_cast<double>(scores[i]), tp, fp});
  }
  out.positives = tp;
  out.negatives = fp;
  return out;
}

inline void require_both_classes(const SortedCounts& c, const char* what) {
  if (c.positives == 0 && c.negatives == 0)
    throw Error(std::string(what) + " needs both classes, but there are no events; " +
                "evaluate on a non-empty part");
  if (c.positives == 0 || c.negatives == 0)
    throw Error(std::string(what) + " needs both classes, but the " +
                std::to_string(c.positives + c.negatives) + " labels are all " +
                (c.positives == 0 ? "0 (normal)" : "1 (anomalous)") +
                "; evaluate on a part that contains normal and anomalous events");
}

inline ConfusionMatrix confusion_from(const SortedCounts& c, std::size_t tp, std::size_t fp) {
  ConfusionMatrix m;
  m.tp = tp;
  m.fp = fp;
  m.fn = c.positives - tp;
  m.tn = c.negatives - fp;
  return m;
}

// Where to put the threshold for step k: halfway to the next lower distinct score, so
// that scores a little below the tuned data's lowest flagged score are still flagged and
// the decision on the tuning data is unchanged.
inline double threshold_below(const SortedCounts& c, std::size_t k) {
  if (k + 1 < c.steps.size()) return 0.5 * (c.steps[k].score + c.steps[k + 1].score);
  return c.steps[k].score;
}

}  // namespace detail

// The confusion matrix when every score >= threshold is flagged.
inline ConfusionMatrix confusion_at(span<const float> scores, span<const float> labels,
                                    double threshold) {
  detail::check_scores_labels(scores, labels);
  ConfusionMatrix m;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool flagged = scores[i] >= threshold;
    const bool positive = labels[i] == 1.0f;
    if (flagged && positive) ++m.tp;
    else if (flagged) ++m.fp;
    else if (positive) ++m.fn;
    else ++m.tn;
  }
  return m;
}

// Area under the ROC curve by the rank statistic (Mann-Whitney U), tied scores getting
// their average rank: equal to sklearn.metrics.roc_auc_score.
inline double roc_auc(span<const float> scores, span<const float> labels) {
  const auto c = detail::sorted_counts(scores, labels);
  detail::require_both_classes(c, "ROC-AUC");
  // Walking the distinct scores from the top: a positive beats every negative below its
  // tie group and half of the negatives inside it.
  double wins = 0;
  std::size_t prev_tp = 0, prev_fp = 0;
  for (const auto& s : c.steps) {
    const double dtp = static_cast<double>(s.tp - prev_tp);
    const double dfp = static_cast<double>(s.fp - prev_fp);
    wins += dtp * (static_cast<double>(c.negatives - s.fp) + 0.5 * dfp);
    prev_tp = s.tp;
    prev_fp = s.fp;
  }
  return wins / (static_cast<double>(c.positives) * static_cast<double>(c.negatives));
}

// PR-AUC as average precision: sum over distinct thresholds of
// (recall_k - recall_{k-1}) * precision_k, equal to sklearn.metrics.average_precision_score.
inline double average_precision(span<const float> scores, span<const float> labels) {
  const auto c = detail::sorted_counts(scores, labels);
  detail::require_both_classes(c, "PR-AUC (average precision)");
  double ap = 0;
  std::size_t prev_tp = 0;
  for (const auto& s : c.steps) {
    const double precision = static_cast<double>(s.tp) / static_cast<double>(s.tp + s.fp);
    ap += static_cast<double>(s.tp - prev_tp) / static_cast<double>(c.positives) * precision;
    prev_tp = s.tp;
  }
  return ap;
}

// ROC curve: (0, 0) at threshold +inf, then one point per distinct score, highest first,
// ending at (1, 1). Same points as sklearn.metrics.roc_curve(drop_intermediate=False).
inline std::vector<CurvePoint> roc_curve(span<const float> scores, span<const float> labels) {
  const auto c = detail::sorted_counts(scores, labels);
  detail::require_both_classes(c, "ROC curve");
  std::vector<CurvePoint> out;
  out.reserve(c.steps.size() + 1);
  out.push_back({0.0, 0.0, std::numeric_limits<double>::infinity()});
  for (const auto& s : c.steps)
    out.push_back({static_cast<double>(s.fp) / static_cast<double>(c.negatives),
                   static_cast<double>(s.tp) / static_cast<double>(c.positives), s.score});
  return out;
}

// Precision-recall curve: (recall 0, precision 1) at threshold +inf, then one point per
// distinct score, highest first (recall rising), as sklearn.metrics.precision_recall_curve
// read in reverse; average_precision is the step integral of these points.
inline std::vector<CurvePoint> pr_curve(span<const float> scores, span<const float> labels) {
  const auto c = detail::sorted_counts(scores, labels);
  detail::require_both_classes(c, "PR curve");
  std::vector<CurvePoint> out;
  out.reserve(c.steps.size() + 1);
  out.push_back({0.0, 1.0, std::numeric_limits<double>::infinity()});
  for (const auto& s : c.steps)
    out.push_back({static_cast<double>(s.tp) / static_cast<double>(c.positives),
                   static_cast<double>(s.tp) / static_cast<double>(s.tp + s.fp), s.score});
  return out;
}

// The threshold with the highest F1 on this data (ties: the highest such threshold, i.e.
// the fewest alerts). The threshold is placed halfway between the chosen score and the
// next lower distinct score (see detail::threshold_below).
inline ThresholdChoice best_f1_threshold(span<const float> scores, span<const float> labels) {
  const auto c = detail::sorted_counts(scores, labels);
  detail::require_both_classes(c, "threshold tuning for F1");
  std::size_t best = 0;
  double best_f1 = -1;
  for (std::size_t k = 0; k < c.steps.size(); ++k) {
    const double f1 = detail::confusion_from(c, c.steps[k].tp, c.steps[k].fp).f1();
    if (f1 > best_f1) {
      best_f1 = f1;
      best = k;
    }
  }
  return {detail::threshold_below(c, best),
          detail::confusion_from(c, c.steps[best].tp, c.steps[best].fp)};
}

// The lowest threshold (most recall) whose false positive rate on this data is at most
// target_fpr. If even the highest score is a negative above the target, the threshold is
// just above the highest score: nothing is flagged.
inline ThresholdChoice threshold_for_fpr(span<const float> scores, span<const float> labels,
                                         double target_fpr) {
  if (!(target_fpr >= 0.0 && target_fpr <= 1.0))
    throw InputError("threshold_for_fpr: target_fpr = " + std::to_string(target_fpr) +
                     "; give a false positive rate between 0 and 1");
  const auto c = detail::sorted_counts(scores, labels);
  detail::require_both_classes(c, "threshold tuning for a false positive rate");
  const double limit = target_fpr * static_cast<double>(c.negatives);
  std::optional<std::size_t> chosen;
  for (std::size_t k = 0; k < c.steps.size(); ++k) {
    if (static_cast<double>(c.steps[k].fp) <= limit) chosen = k;
    else break;  // fp only grows as the threshold falls
  }
  if (!chosen) {
    const double top = c.steps.front().score;
    return {std::nextafter(top, std::numeric_limits<double>::infinity()),
            detail::confusion_from(c, 0, 0)};
  }
  return {detail::threshold_below(c, *chosen),
          detail::confusion_from(c, c.steps[*chosen].tp, c.steps[*chosen].fp)};
}

// Every number `evaluate` reports, at the given threshold.
inline BinaryMetrics evaluate_binary(span<const float> scores, span<const float> labels,
                                     double threshold) {
  BinaryMetrics m;
  m.confusion = confusion_at(scores, labels, threshold);
  m.rows = m.confusion.total();
  m.positives = m.confusion.positives();
  m.threshold = threshold;
  m.accuracy = m.confusion.accuracy();
  m.precision = m.confusion.precision();
  m.recall = m.confusion.recall();
  m.f1 = m.confusion.f1();
  if (m.positives > 0 && m.positives < m.rows) {
    m.roc_auc = roc_auc(scores, labels);
    m.pr_auc = average_precision(scores, labels);
  }
  return m;
}

}  // namespace dlrm
