#pragma once
// The dlrm-anomaly artifact: one file, the io-bench container (versioned, checksummed
// over the whole file) holding these named sections:
//   "meta.json"    format name and version, mode, embedding dim, Shape, threshold and how
//                  it was tuned, the split (kind, fractions, each part's time range and
//                  class counts), the training history per epoch, the metrics of every
//                  part at the threshold, the training options, the source file name
//   "schema.txt"   the schema in the text format (parse_schema reads it back)
//   "pipeline"     the fitted preprocessing state (Pipeline::save)
//   "weights.npz"  every parameter tensor in the reference layout (emb_l.*, bot_l.*, top_l.*)
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dlrm/metrics.hpp"
#include "dlrm/preprocessing/pipeline.hpp"
#include "dlrm/preprocessing/schema.hpp"
#include "dlrm/preprocessing/split.hpp"
#include "model.hpp"

namespace app {

inline constexpr const char* artifact_kind = "dlrm-anomaly";
inline constexpr int artifact_layout_version = 1;   // of meta.json's layout

struct Artifact {
  nlohmann::json meta;
  std::string schema_text;
  std::string pipeline_state;
  std::string weights_npz;
};

void save_artifact(const std::string& path, const Artifact& artifact);
// FormatError from the container on a truncated file, a checksum mismatch or a newer
// format version; FormatError here on a missing section or a meta.json that does not fit.
Artifact load_artifact(const std::string& path);

// Weights of a model as npz bytes and back (names and shapes checked).
std::string weights_to_npz(Model& model);
void weights_from_npz(Model& model, const std::string& bytes, const std::string& source);

// An artifact opened for use: schema, fitted pipeline, model with its weights, threshold.
struct Detector {
  Artifact artifact;
  dlrm::prep::Schema schema;
  std::optional<dlrm::prep::Pipeline> pipeline;
  std::unique_ptr<Model> model;
  double threshold = 0.5;
  dlrm::prep::SplitOptions split;
};
Detector open_detector(const std::string& path);

nlohmann::json shape_to_json(const dlrm::Shape& shape);
dlrm::Shape shape_from_json(const nlohmann::json& j);

// The keys of `evaluate --json`, exactly: rows, positives, accuracy, precision, recall,
// f1, roc_auc, pr_auc, threshold, tp, fp, tn, fn (AUCs null with one class).
nlohmann::json metrics_to_json(const dlrm::BinaryMetrics& m);

}  // namespace app
