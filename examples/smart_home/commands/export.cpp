// dlrm-anomaly export: the weights in the reference layout (DLRM_Net.state_dict() names,
// as the artifact stores them), and with --csv the transformed inputs of every row of F
// (in time order, as loaded), with each row's part of the recorded split and its score.
#include <iostream>

#include "app.hpp"
#include "artifact.hpp"
#include "data.hpp"
#include "dlrm/error.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/serialize.hpp"
#include "training.hpp"

namespace app {

int run_export(const ExportArgs& a) {
  if (a.csv.empty() != a.inputs.empty())
    throw dlrm::InputError("export: --csv F and --inputs X.npz go together; give both or neither");
  Detector d = open_detector(a.model);
  write_file(a.npz, d.artifact.weights_npz);
  if (a.csv.empty()) return 0;

  const dlrm::prep::Table table = dlrm::prep::load_table(a.csv, d.schema);
  if (table.rows() == 0) throw dlrm::InputError(a.csv + ": no data rows after the header");
  std::vector<std::int32_t> part(table.rows(), -1);
  if (!table.label.empty()) {
    const dlrm::prep::Split parts = dlrm::prep::split(table, d.split);
    const dlrm::prep::Part* p[3] = {&parts.train, &parts.validation, &parts.test};
    for (int k = 0; k < 3; ++k)
      for (std::size_t r : p[k]->rows) part[r] = k;
  }
  const dlrm::prep::Encoded data = d.pipeline->transform(table, all_rows(table));
  const std::vector<float> scores = predict_all(*d.model, data);

  dlrm::Npz npz;
  npz.add<float>("dense", {data.rows, data.dense_width},
                 dlrm::span<const float>(data.dense.data(), data.dense.size()));
  for (std::size_t t = 0; t < data.indices.size(); ++t) {
    npz.add("indices_" + std::to_string(t), data.indices[t]);
    npz.add("offsets_" + std::to_string(t), data.offsets[t]);
  }
  std::vector<float> label(data.rows, -1.0f);
  if (!data.labels.empty()) label = data.labels;
  npz.add("label", label);
  npz.add("part", part);
  npz.add("score", scores);
  // Beyond the listed arrays: where each row came from, to join with the CSV.
  npz.add("time", data.time);
  std::vector<std::int64_t> line(data.line.begin(), data.line.end());
  npz.add("line", line);
  npz.save(a.inputs);
  std::cout << "wrote " << a.npz << " (weights) and " << a.inputs << " (" << data.rows
            << " rows, " << data.dense_width << " dense, " << data.indices.size()
            << " tables)\n";
  return 0;
}

}  // namespace app
