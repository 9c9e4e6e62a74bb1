#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "dlrm/metrics.hpp"

using dlrm::span;
using V = std::vector<float>;

namespace {

// Plain O(P*N) twin of roc_auc: the probability that a positive outranks a negative,
// ties counting one half.
double pairwise_auc(const V& s, const V& l) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      if (l[i] == 1 && l[j] == 0) {
        pairs += 1;
        wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
      }
  return wins / pairs;
}

// Plain twin of average_precision: for each positive, the precision at its score's
// threshold (everything >= its score flagged), averaged.
double brute_ap(const V& s, const V& l) {
  double sum = 0;
  int positives = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (l[i] != 1) continue;
    ++positives;
    int tp = 0, flagged = 0;
    for (std::size_t j = 0; j < s.size(); ++j)
      if (s[j] >= s[i]) {
        ++flagged;
        tp += l[j] == 1;
      }
    sum += double(tp) / flagged;
  }
  return sum / positives;
}

std::uint64_t next(std::uint64_t& x) {  // splitmix64
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

TEST_CASE("confusion matrix at a threshold counts score >= threshold as flagged") {
  V s{0.1f, 0.4f, 0.35f, 0.8f, 0.5f};
  V l{0, 0, 1, 1, 0};
  auto m = dlrm::confusion_at(s, l, 0.4);
  CHECK(m.tp == 1);  // 0.8
  CHECK(m.fp == 2);  // 0.4 (equal to the threshold), 0.5
  CHECK(m.tn == 1);
  CHECK(m.fn == 1);
  CHECK(m.total() == 5);
  CHECK(m.accuracy() == doctest::Approx(2.0 / 5));
  CHECK(m.precision() == doctest::Approx(1.0 / 3));
  CHECK(m.recall() == doctest::Approx(0.5));
  CHECK(m.false_positive_rate() == doctest::Approx(2.0 / 3));
  CHECK(m.f1() == doctest::Approx(2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5)));
}

TEST_CASE("0/0 ratios are defined as 0") {
  dlrm::ConfusionMatrix none;  // empty
  CHECK(none.accuracy() == 0);
  CHECK(none.precision() == 0);
  CHECK(none.recall() == 0);
  CHECK(none.f1() == 0);
  CHECK(none.false_positive_rate() == 0);
  dlrm::ConfusionMatrix nothing_flagged;
  nothing_flagged.tn = 5;
  nothing_flagged.fn = 2;
  CHECK(nothing_flagged.precision() == 0);
  CHECK(nothing_flagged.recall() == 0);
  CHECK(nothing_flagged.f1() == 0);
  CHECK(nothing_flagged.accuracy() == doctest::Approx(5.0 / 7));
  dlrm::ConfusionMatrix perfect;
  perfect.tp = 3;
  perfect.tn = 4;
  CHECK(perfect.f1() == 1.0);
}

// Expected values pinned from scikit-learn 1.2.1 (/usr/bin/python3, float32 scores):
// roc_auc_score, average_precision_score, roc_curve(drop_intermediate=False),
// precision_recall_curve on the same arrays.
TEST_CASE("ROC-AUC and average precision equal scikit-learn's, ties included") {
  SUBCASE("no ties") {
    V s{0.1f, 0.4f, 0.35f, 0.8f};
    V l{0, 0, 1, 1};
    CHECK(dlrm::roc_auc(s, l) == doctest::Approx(0.75).epsilon(1e-15));
    CHECK(dlrm::average_precision(s, l) == doctest::Approx(0.8333333333333333).epsilon(1e-15));
  }
  SUBCASE("ties across classes") {
    V s{0.5f, 0.5f, 0.2f, 0.9f, 0.5f, 0.1f, 0.9f};
    V l{1, 0, 0, 1, 1, 0, 0};
    CHECK(dlrm::roc_auc(s, l) == doctest::Approx(0.7083333333333333).epsilon(1e-15));
    CHECK(dlrm::average_precision(s, l) == doctest::Approx(0.5666666666666667).epsilon(1e-15));
  }
  SUBCASE("all scores equal") {
    V s(5, 0.3f);
    V l{0, 1, 0, 1, 1};
    CHECK(dlrm::roc_auc(s, l) == 0.5);
    CHECK(dlrm::average_precision(s, l) == doctest::Approx(0.6));
  }
  SUBCASE("twelve events with a three-way tie") {
    V s{0.05f, 0.9f, 0.2f, 0.7f, 0.7f, 0.4f, 0.6f, 0.1f, 0.7f, 0.3f, 0.8f, 0.2f};
    V l{0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0};
    CHECK(dlrm::roc_auc(s, l) == doctest::Approx(0.7714285714285715).epsilon(1e-15));
    CHECK(dlrm::average_precision(s, l) == doctest::Approx(0.6983333333333333).epsilon(1e-15));
  }
  SUBCASE("perfect and inverted rankings") {
    V s{0.1f, 0.2f, 0.8f, 0.9f};
    CHECK(dlrm::roc_auc(s, V{0, 0, 1, 1}) == 1.0);
    CHECK(dlrm::average_precision(s, V{0, 0, 1, 1}) == 1.0);
    CHECK(dlrm::roc_auc(s, V{1, 1, 0, 0}) == 0.0);
    // inverted: positives found at ranks 3 and 4: (1/3 + 2/4) / 2
    CHECK(dlrm::average_precision(s, V{1, 1, 0, 0}) == doctest::Approx((1.0 / 3 + 0.5) / 2));
  }
}

TEST_CASE("ROC-AUC and average precision match their brute-force twins on random data") {
  std::uint64_t state = 7;
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 50 + next(state) % 150;
    V s(n), l(n);
    for (std::size_t i = 0; i < n; ++i) {
      l[i] = float(next(state) % 3 == 0);
      // coarse scores so that ties are common; positives slightly higher
      s[i] = float(next(state) % 20) / 20.0f + 0.1f * l[i];
    }
    l[0] = 0;
    l[1] = 1;
    CHECK(dlrm::roc_auc(s, l) == doctest::Approx(pairwise_auc(s, l)).epsilon(1e-12));
    CHECK(dlrm::average_precision(s, l) == doctest::Approx(brute_ap(s, l)).epsilon(1e-12));
  }
}

TEST_CASE("ROC and PR curve points equal scikit-learn's") {
  V s{0.05f, 0.9f, 0.2f, 0.7f, 0.7f, 0.4f, 0.6f, 0.1f, 0.7f, 0.3f, 0.8f, 0.2f};
  V l{0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0};
  const std::vector<double> fpr{0., 0., 0.14285714285714285, 0.2857142857142857,
                                0.2857142857142857, 0.42857142857142855, 0.42857142857142855,
                                0.7142857142857143, 0.8571428571428571, 1.};
  const std::vector<double> tpr{0., 0.2, 0.2, 0.6, 0.8, 0.8, 1., 1., 1., 1.};
  const std::vector<float> thr{0.9f, 0.8f, 0.7f, 0.6f, 0.4f, 0.3f, 0.2f, 0.1f, 0.05f};
  auto roc = dlrm::roc_curve(s, l);
  REQUIRE(roc.size() == 10);
  CHECK(std::isinf(roc[0].threshold));
  for (std::size_t i = 0; i < roc.size(); ++i) {
    CHECK(roc[i].x == doctest::Approx(fpr[i]));
    CHECK(roc[i].y == doctest::Approx(tpr[i]));
    if (i > 0) CHECK(roc[i].threshold == double(thr[i - 1]));
  }
  // sklearn's precision_recall_curve, read from its last point backwards.
  const std::vector<double> precision{1., 1., 0.5, 0.6, 0.6666666666666666, 0.5714285714285714,
                                      0.625, 0.5, 0.45454545454545453, 0.4166666666666667};
  const std::vector<double> recall{0., 0.2, 0.2, 0.6, 0.8, 0.8, 1., 1., 1., 1.};
  auto pr = dlrm::pr_curve(s, l);
  REQUIRE(pr.size() == 10);
  for (std::size_t i = 0; i < pr.size(); ++i) {
    CHECK(pr[i].x == doctest::Approx(recall[i]));
    CHECK(pr[i].y == doctest::Approx(precision[i]));
  }
  // average precision is the step integral of the PR points
  double ap = 0;
  for (std::size_t i = 1; i < pr.size(); ++i) ap += (pr[i].x - pr[i - 1].x) * pr[i].y;
  CHECK(ap == doctest::Approx(dlrm::average_precision(s, l)));
}

TEST_CASE("threshold tuning: max F1 and target false positive rate") {
  // Distinct scores high to low with cumulative (tp, fp), P = 5, N = 7:
  // 0.9 (1,0) 0.8 (1,1) 0.7 (3,2) 0.6 (4,2) 0.4 (4,3) 0.3 (5,3) 0.2 (5,5) 0.1 (5,6) 0.05 (5,7)
  // F1 = 2tp / (2tp + fp + fn) peaks at 0.3: 10 / 13.
  V s{0.05f, 0.9f, 0.2f, 0.7f, 0.7f, 0.4f, 0.6f, 0.1f, 0.7f, 0.3f, 0.8f, 0.2f};
  V l{0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0};
  auto best = dlrm::best_f1_threshold(s, l);
  CHECK(best.threshold == doctest::Approx(0.5 * (double(0.3f) + double(0.2f))));
  CHECK(best.confusion.tp == 5);
  CHECK(best.confusion.fp == 3);
  CHECK(best.confusion.tn == 4);
  CHECK(best.confusion.fn == 0);
  CHECK(best.confusion.f1() == doctest::Approx(10.0 / 13));
  // The tuned threshold reproduces its confusion matrix on the same data.
  auto again = dlrm::confusion_at(s, l, best.threshold);
  CHECK(again.tp == 5);
  CHECK(again.fp == 3);

  auto at30 = dlrm::threshold_for_fpr(s, l, 0.3);  // fp <= 2.1: lowest such score is 0.6
  CHECK(at30.threshold == doctest::Approx(0.5 * (double(0.6f) + double(0.4f))));
  CHECK(at30.confusion.tp == 4);
  CHECK(at30.confusion.fp == 2);
  auto at0 = dlrm::threshold_for_fpr(s, l, 0.0);
  CHECK(at0.threshold == doctest::Approx(0.5 * (double(0.9f) + double(0.8f))));
  CHECK(at0.confusion.tp == 1);
  CHECK(at0.confusion.fp == 0);
  auto at1 = dlrm::threshold_for_fpr(s, l, 1.0);
  CHECK(at1.threshold == double(0.05f));
  CHECK(at1.confusion.tp == 5);
  CHECK(at1.confusion.fp == 7);

  // The highest score is a negative: no threshold reaches FPR 0 except flagging nothing.
  V s2{0.9f, 0.1f};
  V l2{0, 1};
  auto none = dlrm::threshold_for_fpr(s2, l2, 0.0);
  CHECK(none.threshold > double(0.9f));
  CHECK(none.confusion.tp == 0);
  CHECK(none.confusion.fp == 0);
  CHECK(none.confusion.fn == 1);
  CHECK(dlrm::confusion_at(s2, l2, none.threshold).fp == 0);
}

TEST_CASE("evaluate_binary gathers everything and leaves AUCs empty with one class") {
  V s{0.1f, 0.4f, 0.35f, 0.8f};
  V l{0, 0, 1, 1};
  auto m = dlrm::evaluate_binary(s, l, 0.5);
  CHECK(m.rows == 4);
  CHECK(m.positives == 2);
  CHECK(m.threshold == 0.5);
  CHECK(m.confusion.tp == 1);
  CHECK(m.confusion.fn == 1);
  CHECK(m.confusion.tn == 2);
  CHECK(m.accuracy == doctest::Approx(0.75));
  CHECK(m.precision == 1.0);
  CHECK(m.recall == 0.5);
  CHECK(m.f1 == doctest::Approx(2.0 / 3));
  REQUIRE(m.roc_auc.has_value());
  CHECK(*m.roc_auc == 0.75);
  CHECK(*m.pr_auc == doctest::Approx(0.8333333333333333));
  auto one = dlrm::evaluate_binary(s, V{0, 0, 0, 0}, 0.5);
  CHECK_FALSE(one.roc_auc.has_value());
  CHECK_FALSE(one.pr_auc.has_value());
  CHECK(one.confusion.fp == 1);
  CHECK(one.f1 == 0);
}

TEST_CASE("bad input gives exact errors") {
  V s{0.1f, 0.4f};
  CHECK_THROWS_WITH_AS(dlrm::roc_auc(s, V{0, 0}),
                       "ROC-AUC needs both classes, but the 2 labels are all 0 (normal); evaluate "
                       "on a part that contains normal and anomalous events",
                       dlrm::Error);
  CHECK_THROWS_WITH_AS(dlrm::average_precision(s, V{1, 1}),
                       "PR-AUC (average precision) needs both classes, but the 2 labels are all 1 "
                       "(anomalous); evaluate on a part that contains normal and anomalous events",
                       dlrm::Error);
  CHECK_THROWS_WITH_AS(dlrm::best_f1_threshold(s, V{1, 1}),
                       "threshold tuning for F1 needs both classes, but the 2 labels are all 1 "
                       "(anomalous); evaluate on a part that contains normal and anomalous events",
                       dlrm::Error);
  CHECK_THROWS_WITH_AS(dlrm::roc_auc(s, V{0, 1, 1}),
                       "metrics: scores has 2 values but labels has 3; pass one label per score",
                       dlrm::InputError);
  CHECK_THROWS_WITH_AS(dlrm::confusion_at(s, V{0, 2}, 0.5),
                       "metrics: labels[1] = 2.000000; labels must be 0 (normal) or 1 (anomalous)",
                       dlrm::InputError);
  V bad{0.1f, std::numeric_limits<float>::quiet_NaN()};
  CHECK_THROWS_WITH_AS(dlrm::roc_auc(bad, V{0, 1}),
                       "metrics: scores[1] is not a finite number; check the model output",
                       dlrm::InputError);
  CHECK_THROWS_WITH_AS(dlrm::threshold_for_fpr(s, V{0, 1}, 1.5),
                       "threshold_for_fpr: target_fpr = 1.500000; give a false positive rate "
                       "between 0 and 1",
                       dlrm::InputError);
  CHECK_THROWS_WITH_AS(dlrm::roc_auc(V{}, V{}),
                       "ROC-AUC needs both classes, but there are no events; evaluate on a "
                       "non-empty part",
                       dlrm::Error);
}
