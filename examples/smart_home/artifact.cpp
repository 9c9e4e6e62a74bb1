#include "artifact.hpp"

#include <sstream>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/serialize.hpp"
#include "data.hpp"

namespace app {

void save_artifact(const std::string& path, const Artifact& artifact) {
  dlrm::Artifact file;
  file.add("meta.json", artifact.meta.dump(1));
  file.add("schema.txt", artifact.schema_text);
  file.add("pipeline", artifact.pipeline_state);
  file.add("weights.npz", artifact.weights_npz);
  file.save(path);
}

Artifact load_artifact(const std::string& path) {
  const dlrm::Artifact file = dlrm::Artifact::load(path);
  Artifact out;
  try {
    out.meta = nlohmann::json::parse(file.section("meta.json"));
  } catch (const nlohmann::json::exception&) {
    throw dlrm::FormatError(path + ": section meta.json is not valid JSON; the artifact is corrupt");
  }
  if (!out.meta.is_object() || out.meta.value("kind", std::string()) != artifact_kind)
    throw dlrm::FormatError(path + ": not a dlrm-anomaly artifact (meta.json has no kind \"" +
                            std::string(artifact_kind) + "\")");
  const int layout = out.meta.value("layout_version", 0);
  if (layout > artifact_layout_version)
    throw dlrm::FormatError(path + ": dlrm-anomaly artifact layout version " +
                            std::to_string(layout) + " is newer than this program reads (up to " +
                            std::to_string(artifact_layout_version) + "); upgrade dlrm-anomaly");
  if (layout < 1) throw dlrm::FormatError(path + ": invalid artifact layout version");
  out.schema_text = file.section("schema.txt");
  out.pipeline_state = file.section("pipeline");
  out.weights_npz = file.section("weights.npz");
  return out;
}

std::string weights_to_npz(Model& model) {
  dlrm::Npz npz;
  for (const auto& p : model.parameters()) {
    npz.add<float>(p.name, p.shape, dlrm::span<const float>(p.data, p.size()));
  }
  return npz.to_bytes();
}

void weights_from_npz(Model& model, const std::string& bytes, const std::string& source) {
  const dlrm::Npz npz = dlrm::Npz::from_bytes(bytes, source);
  for (const auto& p : model.parameters()) {
    const dlrm::NpyArray& a = npz.at(p.name);
    if (a.shape != p.shape)
      throw dlrm::FormatError(source + ": tensor " + p.name + " has shape " +
                              dlrm::shape_string(a.shape) + ", the model needs " +
                              dlrm::shape_string(p.shape));
    const std::vector<float> values = npz.values<float>(p.name);
    std::copy(values.begin(), values.end(), p.data);
  }
}

nlohmann::json shape_to_json(const dlrm::Shape& shape) {
  return {{"dense", shape.dense}, {"tables", shape.tables}, {"bottom", shape.bottom},
          {"top", shape.top}};
}

dlrm::Shape shape_from_json(const nlohmann::json& j) {
  dlrm::Shape s;
  s.dense = j.at("dense").get<std::size_t>();
  s.tables = j.at("tables").get<std::vector<std::size_t>>();
  s.bottom = j.at("bottom").get<std::vector<std::size_t>>();
  s.top = j.at("top").get<std::vector<std::size_t>>();
  return s;
}

nlohmann::json metrics_to_json(const dlrm::BinaryMetrics& m) {
  nlohmann::json j;
  j["rows"] = m.rows;
  j["positives"] = m.positives;
  j["accuracy"] = m.accuracy;
  j["precision"] = m.precision;
  j["recall"] = m.recall;
  j["f1"] = m.f1;
  j["roc_auc"] = m.roc_auc ? nlohmann::json(*m.roc_auc) : nlohmann::json(nullptr);
  j["pr_auc"] = m.pr_auc ? nlohmann::json(*m.pr_auc) : nlohmann::json(nullptr);
  j["threshold"] = m.threshold;
  j["tp"] = m.confusion.tp;
  j["fp"] = m.confusion.fp;
  j["tn"] = m.confusion.tn;
  j["fn"] = m.confusion.fn;
  return j;
}

Detector open_detector(const std::string& path) {
  Detector d;
  d.artifact = load_artifact(path);
  const auto& meta = d.artifact.meta;
  try {
    d.schema = dlrm::prep::parse_schema(d.artifact.schema_text, path + ": schema.txt");
    std::istringstream state(d.artifact.pipeline_state);
    d.pipeline.emplace(dlrm::prep::Pipeline::load(state));
    const dlrm::Shape shape = shape_from_json(meta.at("shape"));
    d.model = make_model(meta.at("embedding_dim").get<int>(), shape, 0, ModelOptions{});
    weights_from_npz(*d.model, d.artifact.weights_npz, path + ": weights.npz");
    d.threshold = meta.at("threshold").get<double>();
    const auto& split = meta.at("split");
    d.split.kind = split_kind_from(split.at("kind").get<std::string>());
    d.split.train = split.at("train").get<double>();
    d.split.validation = split.at("validation").get<double>();
    d.split.gap_seconds = split.value("gap_seconds", 0.0);
    d.split.supervised = split.value("supervised", true);
  } catch (const nlohmann::json::exception& e) {
    throw dlrm::FormatError(path + ": meta.json lacks a field (" + one_line(e.what()) +
                            "); the artifact is corrupt or from another program");
  }
  return d;
}

}  // namespace app
