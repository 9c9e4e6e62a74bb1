// dlrm-anomaly evaluate: the artifact's metrics on a part of the recorded split.
#include <cstdio>
#include <iostream>

#include "app.hpp"
#include "artifact.hpp"
#include "data.hpp"
#include "dlrm/error.hpp"
#include "dlrm/preprocessing.hpp"
#include "output.hpp"
#include "training.hpp"

namespace app {

// The rows of the requested part: the split recorded in the artifact, applied again to
// this file (deterministic, so the same file gives the same parts).
std::vector<std::size_t> part_rows(const Detector& d, const dlrm::prep::Table& table,
                                   const std::string& part, const std::string& csv) {
  if (part == "all") return all_rows(table);
  const dlrm::prep::Split parts = dlrm::prep::split(table, d.split);
  const dlrm::prep::Part& p =
      part == "train" ? parts.train : part == "validation" ? parts.validation : parts.test;
  const auto& recorded = d.artifact.meta.at("split").at("parts").at(part);
  if (recorded.at("rows").get<std::size_t>() != p.rows.size())
    std::cerr << "note: " << csv << " is not the training file: its " << part << " part has "
              << p.rows.size() << " rows (" << recorded.at("rows").get<std::size_t>()
              << " at training), split again by the recorded rule\n";
  return p.rows;
}

int run_evaluate(const EvaluateArgs& a) {
  Detector d = open_detector(a.model);
  require_label(d.schema, a.csv);
  const dlrm::prep::Table table = dlrm::prep::load_table(a.csv, d.schema);
  if (table.rows() == 0) throw dlrm::InputError(a.csv + ": no data rows after the header");
  const std::vector<std::size_t> rows = part_rows(d, table, a.part, a.csv);
  // The features of the whole timeline (as training and score compute them), then the part.
  const dlrm::prep::Encoded data = d.pipeline->transform(table, all_rows(table)).select(rows);
  const std::vector<float> scores = predict_all(*d.model, data);
  const dlrm::BinaryMetrics m = dlrm::evaluate_binary(
      dlrm::span<const float>(scores.data(), scores.size()),
      dlrm::span<const float>(data.labels.data(), data.labels.size()), d.threshold);
  if (a.json) {
    std::cout << metrics_to_json(m).dump() << "\n";
  } else {
    print_metrics(stdout, a.part + " part of " + a.csv, m);
  }
  return 0;
}

}  // namespace app
