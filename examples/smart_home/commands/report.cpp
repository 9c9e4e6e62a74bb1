// dlrm-anomaly report: one self-contained HTML file (report.hpp): training and validation
// loss per epoch (from the artifact's history), ROC and PR curves and the confusion matrix
// on the test part of the recorded split, and the score of every row of F over time with
// the anomalous periods shaded and the threshold drawn.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app.hpp"
#include "artifact.hpp"
#include "data.hpp"
#include "dlrm/error.hpp"
#include "dlrm/metrics.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/report.hpp"
#include "training.hpp"

namespace app {

std::vector<std::size_t> part_rows(const Detector& d, const dlrm::prep::Table& table,
                                   const std::string& part, const std::string& csv);

namespace {

std::string fixed(double v, int decimals = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

int run_report(const ReportArgs& a) {
  Detector d = open_detector(a.model);
  require_label(d.schema, a.csv);
  const dlrm::prep::Table table = dlrm::prep::load_table(a.csv, d.schema);
  if (table.rows() == 0) throw dlrm::InputError(a.csv + ": no data rows after the header");
  const dlrm::prep::Encoded every = d.pipeline->transform(table, all_rows(table));
  const std::vector<float> scores = predict_all(*d.model, every);

  const std::vector<std::size_t> test_rows = part_rows(d, table, "test", a.csv);
  std::vector<float> ts, tl;  // test scores and labels (rows are indices into `every`)
  for (std::size_t r : test_rows) {
    ts.push_back(scores[r]);
    tl.push_back(every.labels[r]);
  }
  const dlrm::span<const float> s(ts.data(), ts.size()), l(tl.data(), tl.size());
  const dlrm::BinaryMetrics m = dlrm::evaluate_binary(s, l, d.threshold);

  dlrm::report::ReportData r;
  r.title = "dlrm-anomaly: " + a.csv;
  const auto& meta = d.artifact.meta;
  r.subtitle = "model " + a.model + "; " + meta.at("split").at("kind").get<std::string>() +
               " split, test part " + std::to_string(test_rows.size()) + " rows; threshold " +
               meta.value("threshold_rule", std::string("max_f1")) + " on validation";
  for (const auto& e : meta.at("history")) {
    r.train_loss.push_back(e.at("train_loss").get<double>());
    r.validation_loss.push_back(e.at("validation_loss").get<double>());
  }
  if (m.roc_auc) {
    r.roc = dlrm::roc_curve(s, l);
    r.pr = dlrm::pr_curve(s, l);
  }
  r.roc_auc = m.roc_auc;
  r.pr_auc = m.pr_auc;
  r.time = every.time;
  r.score = scores;
  r.label = every.labels;
  r.threshold = d.threshold;
  r.confusion = m.confusion;
  r.figures = {{"test rows", std::to_string(m.rows)},
               {"test anomalous", std::to_string(m.positives)},
               {"accuracy", fixed(m.accuracy)},
               {"precision", fixed(m.precision)},
               {"recall", fixed(m.recall)},
               {"F1", fixed(m.f1)},
               {"ROC-AUC", m.roc_auc ? fixed(*m.roc_auc) : "n/a"},
               {"PR-AUC", m.pr_auc ? fixed(*m.pr_auc) : "n/a"},
               {"threshold", fixed(d.threshold, 6)},
               {"epochs (best)", std::to_string(meta.at("history").size()) + " (" +
                                     std::to_string(meta.value("best_epoch", 0)) + ")"},
               {"embedding dim", std::to_string(meta.at("embedding_dim").get<int>())}};
  std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
  if (!out) throw dlrm::Error(a.out + ": cannot create the file; check that the directory exists");
  dlrm::report::write_html_report(r, out);
  out.close();
  if (!out) throw dlrm::Error(a.out + ": writing failed (disk full?)");
  std::cout << "wrote " << a.out << "\n";
  return 0;
}

}  // namespace app
