#include "dlrm/preprocessing/split.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace dlrm::prep;

static const double base = 1556150400;  // 2019-04-25 00:00:00 UTC

// 20 rows at base + 0..19 s, stored in reverse time order (split must sort), anomalies
// at +3, +15, +18.
static Table toy() {
  Table t;
  t.source = "toy.csv";
  for (int r = 0; r < 20; ++r) {
    const int s = 19 - r;
    t.time.push_back(base + s);
    t.line.push_back(std::size_t(r + 2));
    t.label.push_back(s == 3 || s == 15 || s == 18 ? 1 : 0);
  }
  return t;
}

static std::vector<int> seconds(const Table& t, const Part& p) {
  std::vector<int> out;
  for (std::size_t r : p.rows) out.push_back(int(t.time[r] - base));
  return out;
}

static SplitOptions options(SplitKind kind, double train, double validation, double gap = 0,
                            bool supervised = true) {
  SplitOptions o;
  o.kind = kind;
  o.train = train;
  o.validation = validation;
  o.gap_seconds = gap;
  o.supervised = supervised;
  return o;
}

using V = std::vector<int>;

TEST_CASE("by_time cuts the sorted timeline by row fractions") {
  const Table t = toy();
  const Split s = split(t, options(SplitKind::by_time, 0.5, 0.25));
  CHECK(seconds(t, s.train) == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(seconds(t, s.validation) == V{10, 11, 12, 13, 14});
  CHECK(seconds(t, s.test) == V{15, 16, 17, 18, 19});
  CHECK(s.train.positives == 1);
  CHECK(s.train.negatives == 9);
  CHECK(s.validation.positives == 0);
  CHECK(s.test.positives == 2);
  CHECK(s.train.begin == base);
  CHECK(s.train.end == base + 9);
  CHECK(s.test.end == base + 19);
}

TEST_CASE("by_time with a gap drops rows too close after the previous part") {
  const Table t = toy();
  const Split s = split(t, options(SplitKind::by_time, 0.5, 0.25, 2));
  CHECK(seconds(t, s.train) == V{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(seconds(t, s.validation) == V{11, 12, 13, 14});
  CHECK(seconds(t, s.test) == V{16, 17, 18, 19});
}

TEST_CASE("per_class cuts each class's own timeline and merges in time order") {
  const Table t = toy();
  const Split s = split(t, options(SplitKind::per_class, 0.5, 0.25));
  CHECK(seconds(t, s.train) == V{0, 1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(seconds(t, s.validation) == V{9, 10, 11, 12, 15});
  CHECK(seconds(t, s.test) == V{13, 14, 16, 17, 18, 19});
  CHECK(s.train.positives == 1);
  CHECK(s.validation.positives == 1);
  CHECK(s.test.positives == 1);
  // gap 2 s on each class's timeline: normal validation loses 9 (< 8 + 2), normal test
  // loses 13 (< 12 + 2); the anomalous 15 and 18 are far enough after 3 and 15.
  const Split g = split(t, options(SplitKind::per_class, 0.5, 0.25, 2));
  CHECK(seconds(t, g.validation) == V{10, 11, 12, 15});
  CHECK(seconds(t, g.test) == V{14, 16, 17, 18, 19});
}

TEST_CASE("normal_then_anomalous: normal period train/validation, test = rest + every anomaly") {
  const Table t = toy();
  const Split s = split(t, options(SplitKind::normal_then_anomalous, 0.5, 0.25, 0, false));
  CHECK(seconds(t, s.train) == V{0, 1, 2, 4, 5, 6, 7, 8});
  CHECK(seconds(t, s.validation) == V{9, 10, 11, 12});
  CHECK(seconds(t, s.test) == V{3, 13, 14, 15, 16, 17, 18, 19});
  CHECK(s.train.positives == 0);
  CHECK(s.test.positives == 3);
  CHECK(s.test.negatives == 5);
  const Split g = split(t, options(SplitKind::normal_then_anomalous, 0.5, 0.25, 2, false));
  CHECK(seconds(t, g.validation) == V{10, 11, 12});
  CHECK(seconds(t, g.test) == V{3, 14, 15, 16, 17, 18, 19});
}

TEST_CASE("timestamp boundaries") {
  const Table t = toy();
  SplitOptions o = options(SplitKind::by_time, 0, 0);
  o.train_until = base + 5;
  o.validation_until = base + 12;
  const Split s = split(t, o);
  CHECK(seconds(t, s.train) == V{0, 1, 2, 3, 4});
  CHECK(seconds(t, s.validation) == V{5, 6, 7, 8, 9, 10, 11});
  CHECK(seconds(t, s.test) == V{12, 13, 14, 15, 16, 17, 18, 19});
  o.kind = SplitKind::normal_then_anomalous;
  o.supervised = false;
  const Split n = split(t, o);
  CHECK(seconds(t, n.train) == V{0, 1, 2, 4});
  CHECK(seconds(t, n.test) == V{3, 12, 13, 14, 15, 16, 17, 18, 19});
}

TEST_CASE("describe prints rows, class counts and time range per part") {
  const Table t = toy();
  const Split s = split(t, options(SplitKind::per_class, 0.5, 0.25));
  CHECK(s.describe() ==
        "part        rows    normal  anomalous  from                          to\n"
        "train          9         8          1  2019-04-25 00:00:00           2019-04-25 00:00:08\n"
        "validation     5         4          1  2019-04-25 00:00:09           2019-04-25 00:00:15\n"
        "test           6         5          1  2019-04-25 00:00:13           2019-04-25 00:00:19\n");
  CHECK(detail::format_utc(base + 0.25) == "2019-04-25 00:00:00.25");
  CHECK(detail::format_utc(0) == "1970-01-01 00:00:00");
  CHECK(detail::format_utc(951782400) == "2000-02-29 00:00:00");
}

TEST_CASE("split errors say which part and what fits") {
  const Table t = toy();
  Table empty;
  empty.source = "empty.csv";
  CHECK_THROWS_WITH_AS(split(empty, SplitOptions{}), "split: empty.csv has no rows", dlrm::Error);
  CHECK_THROWS_WITH_AS(
      split(t, options(SplitKind::by_time, 0.7, 0.4)),
      "split: fractions need train > 0, validation > 0 and train + validation < 1 (got train 0.7, validation 0.4)",
      dlrm::Error);
  Table unlabeled = toy();
  unlabeled.label.clear();
  CHECK_THROWS_WITH_AS(split(unlabeled, options(SplitKind::per_class, 0.5, 0.25)),
                       "split: per_class needs a label column, but toy.csv has none; use by_time",
                       dlrm::Error);
  CHECK_THROWS_WITH_AS(split(unlabeled, options(SplitKind::by_time, 0.5, 0.25)),
                       "split: a supervised split needs a label column, but toy.csv has none; set supervised = false",
                       dlrm::Error);
  CHECK(split(unlabeled, options(SplitKind::by_time, 0.5, 0.25, 0, false)).train.rows.size() == 10);

  // anomalies only late: by_time training part has none
  Table late = toy();
  for (std::size_t r = 0; r < late.rows(); ++r) late.label[r] = late.time[r] >= base + 15 ? 1 : 0;
  CHECK_THROWS_WITH_AS(
      split(late, options(SplitKind::by_time, 0.5, 0.25)),
      "split: the training part of toy.csv has no anomalous rows: its 10 rows end at 2019-04-25 00:00:09 "
      "and the first anomaly is at 2019-04-25 00:00:15; use per_class, which cuts each class's own "
      "timeline, or set supervised = false",
      dlrm::Error);
  CHECK(split(late, options(SplitKind::per_class, 0.5, 0.25)).train.positives == 2);
  CHECK_THROWS_WITH_AS(
      split(t, options(SplitKind::normal_then_anomalous, 0.5, 0.25)),
      "split: the training part of toy.csv has no anomalous rows: normal_then_anomalous trains on normal "
      "rows only; set supervised = false for a one-class model, or use per_class for a supervised one",
      dlrm::Error);
  Table benign = toy();
  for (auto& l : benign.label) l = 0;
  CHECK_THROWS_WITH_AS(
      split(benign, options(SplitKind::per_class, 0.5, 0.25)),
      "split: the training part of toy.csv has no anomalous rows: toy.csv has no anomalous rows at all; "
      "set supervised = false for a one-class model",
      dlrm::Error);
  Table single = toy();
  for (std::size_t r = 0; r < single.rows(); ++r) single.label[r] = single.time[r] == base + 18 ? 1 : 0;
  CHECK_THROWS_WITH_AS(
      split(single, options(SplitKind::per_class, 0.5, 0.25)),
      "split: the training part of toy.csv has no anomalous rows: per_class gives it 0 of the 1 anomalous "
      "rows; raise the train fraction, or set supervised = false",
      dlrm::Error);

  // empty parts
  CHECK_THROWS_WITH_AS(
      split(t, options(SplitKind::by_time, 0.5, 0.25, 100)),
      "split: the validation part of toy.csv is empty (by_time, train 0.5, validation 0.25, gap 100 s, 20 rows); "
      "the gap removes all 5 of its rows: lower gap_seconds",
      dlrm::Error);
  CHECK_THROWS_WITH_AS(
      split(t, options(SplitKind::by_time, 0.5, 0.02)),
      "split: the validation part of toy.csv is empty (by_time, train 0.5, validation 0.02, gap 0 s, 20 rows); "
      "give it a larger fraction, or use a file with more rows",
      dlrm::Error);
  CHECK_THROWS_WITH_AS(
      split(t, options(SplitKind::by_time, 0.01, 0.5)),
      "split: the training part of toy.csv is empty (by_time, train 0.01, validation 0.5, gap 0 s, 20 rows); "
      "give it a larger fraction, or use a file with more rows",
      dlrm::Error);
  Table attacks = toy();
  for (auto& l : attacks.label) l = 1;
  CHECK_THROWS_WITH_AS(
      split(attacks, options(SplitKind::normal_then_anomalous, 0.5, 0.25, 0, false)),
      "split: the training part of toy.csv is empty (normal_then_anomalous, train 0.5, validation 0.25, gap 0 s, "
      "0 normal rows); toy.csv has no normal rows: use by_time",
      dlrm::Error);
  SplitOptions b = options(SplitKind::by_time, 0, 0);
  b.train_until = base + 5.25;
  b.validation_until = base + 5.75;
  CHECK_THROWS_WITH_AS(
      split(t, b),
      "split: the validation part of toy.csv is empty (by_time, train_until 1556150405.25, validation_until "
      "1556150405.75, gap 0 s, 20 rows); no row falls between its boundaries: move train_until / validation_until",
      dlrm::Error);
  b.validation_until = base;
  CHECK_THROWS_WITH_AS(split(t, b),
                       "split: boundaries need train_until < validation_until (got 1556150405.25 and 1556150400)",
                       dlrm::Error);
  b.kind = SplitKind::per_class;
  CHECK_THROWS_WITH_AS(split(t, b),
                       "split: timestamp boundaries cut one timeline; per_class cuts each class's own, so give it "
                       "fractions, or use by_time or normal_then_anomalous with boundaries",
                       dlrm::Error);
}

TEST_CASE("the split never depends on the file order of rows") {
  Table a = toy();
  Table b;
  b.source = a.source;
  for (std::size_t r = a.rows(); r-- > 0;) {
    b.time.push_back(a.time[r]);
    b.line.push_back(a.line[r]);
    b.label.push_back(a.label[r]);
  }
  const Split sa = split(a, options(SplitKind::per_class, 0.5, 0.25));
  const Split sb = split(b, options(SplitKind::per_class, 0.5, 0.25));
  CHECK(seconds(a, sa.train) == seconds(b, sb.train));
  CHECK(seconds(a, sa.validation) == seconds(b, sb.validation));
  CHECK(seconds(a, sa.test) == seconds(b, sb.test));
}
