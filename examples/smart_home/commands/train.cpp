// dlrm-anomaly train: schema → load → split → fit the pipeline on the training part →
// train with early stopping → tune the threshold on validation → write one artifact.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"
#include "artifact.hpp"
#include "data.hpp"
#include "dlrm/error.hpp"
#include "dlrm/metrics.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/preprocessing/pipeline.hpp"
#include "dlrm/preprocessing/split.hpp"
#include "output.hpp"
#include "training.hpp"

namespace app {
namespace {

std::string join(const std::vector<std::size_t>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(v[i]);
  }
  return out;
}

// A warning (stderr) when most anomalous training rows fall on weekdays without a normal
// row: the weekday feature can then tell the classes apart by date, not by behaviour, and
// mislead on the test days (TON_IoT's fridge: test ROC-AUC 0.0 with it, 0.49 without).
void warn_weekday_shortcut(const dlrm::prep::Pipeline& pipeline, const dlrm::prep::Encoded& train,
                           const std::string& schema_file) {
  if (!pipeline.schema().time_features || train.labels.empty() || train.indices.empty()) return;
  // With time features the last table is the weekday (pipeline.hpp), whatever the columns
  // are called.
  const std::vector<std::int32_t>& day = train.indices.back();
  std::size_t count[7][2] = {};
  for (std::size_t r = 0; r < train.rows; ++r)
    if (day[r] >= 0 && day[r] < 7) ++count[day[r]][train.labels[r] > 0.5f ? 1 : 0];
  static const char* const weekday[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::size_t positives = 0, alone = 0;
  std::string days;
  for (int d = 0; d < 7; ++d) {
    positives += count[d][1];
    if (count[d][1] > 0 && count[d][0] == 0) {
      alone += count[d][1];
      days += (days.empty() ? "" : ", ") + std::string(weekday[d]);
    }
  }
  if (positives == 0 || 2 * alone < positives) return;
  const std::string fix = schema_file.empty()
                              ? "save the output of dlrm-anomaly schema, set time_features: no "
                                "in it and train with --schema"
                              : "set time_features: no in " + schema_file;
  std::fprintf(stderr,
               "warning: %zu of the %zu anomalous training rows fall on weekdays with no normal "
               "row (%s): the weekday may tell the classes apart by date rather than by "
               "behaviour; if the anomalies are days of their own, %s\n",
               alone, positives, days.c_str(), fix.c_str());
}

void check_args(const TrainArgs& a) {
  if (a.mode != "supervised")
    throw dlrm::InputError("--mode " + a.mode +
                           ": not available yet; only --mode supervised is implemented "
                           "(a one-class mode follows in a later version)");
  if (a.epochs < 1) throw dlrm::InputError("--epochs must be at least 1");
  if (a.batch < 1) throw dlrm::InputError("--batch must be at least 1");
  if (!(a.lr > 0)) throw dlrm::InputError("--lr must be a positive number");
  if (a.patience < 1) throw dlrm::InputError("--patience must be at least 1");
  if (a.threads < 1) throw dlrm::InputError("--threads must be at least 1");
  if (a.class_weight != "auto" && a.class_weight != "none")
    throw dlrm::InputError("--class-weight " + a.class_weight + ": use auto or none");
  if (a.target_fpr && !(*a.target_fpr >= 0 && *a.target_fpr <= 1))
    throw dlrm::InputError("--target-fpr must be between 0 and 1");
  if (std::find(std::begin(supported_dims), std::end(supported_dims), a.embedding_dim) ==
      std::end(supported_dims))
    throw dlrm::InputError("--embedding-dim " + std::to_string(a.embedding_dim) +
                           " is not compiled into dlrm-anomaly; use " + supported_dims_text());
  if (!a.bottom.empty() && a.bottom.back() != static_cast<std::size_t>(a.embedding_dim))
    throw dlrm::InputError("--bottom " + join(a.bottom) + ": the last width must equal "
                           "--embedding-dim " + std::to_string(a.embedding_dim) +
                           " (dot interaction); e.g. --bottom 64,32," +
                           std::to_string(a.embedding_dim));
  // Fail before training, not after, when the artifact cannot be written.
  const std::filesystem::path dir = std::filesystem::path(a.out).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    throw dlrm::InputError("--out " + a.out + ": the directory " + dir.string() +
                           " does not exist; create it first");
  if (std::find(a.bottom.begin(), a.bottom.end(), std::size_t{0}) != a.bottom.end() ||
      std::find(a.top.begin(), a.top.end(), std::size_t{0}) != a.top.end())
    throw dlrm::InputError("--bottom and --top widths must be positive");
}

nlohmann::json part_json(const dlrm::prep::Part& p) {
  return {{"rows", p.rows.size()}, {"begin", p.begin}, {"end", p.end},
          {"positives", p.positives}, {"negatives", p.negatives}};
}

nlohmann::json history_json(const LoopResult& r) {
  nlohmann::json h = nlohmann::json::array();
  for (const auto& e : r.history)
    h.push_back({{"epoch", e.epoch}, {"train_loss", e.train_loss},
                 {"validation_loss", e.validation_loss},
                 {"validation_pr_auc", e.validation_pr_auc},
                 {"validation_roc_auc", e.validation_roc_auc}, {"lr", e.lr},
                 {"seconds", e.seconds}, {"samples_per_second", e.samples_per_second},
                 {"best", e.best}});
  return h;
}

}  // namespace

int run_train(const TrainArgs& a) {
  check_args(a);
  const auto start = std::chrono::steady_clock::now();
  dlrm::prep::Schema schema = resolve_schema(a.csv, a.source);
  require_label(schema, a.csv);
  dlrm::prep::Table table = dlrm::prep::load_table(a.csv, schema);
  if (table.rows() == 0) throw dlrm::InputError(a.csv + ": no data rows after the header");

  std::size_t positives = 0;
  for (auto v : table.label) positives += v == 1;
  const std::size_t negatives = table.rows() - positives;
  if (positives == 0 || negatives == 0)
    throw dlrm::InputError(
        a.csv + ": all " + std::to_string(table.rows()) + " rows are " +
        (positives == 0 ? "normal" : "anomalous") +
        ": supervised training needs both classes; a one-class mode (learning from normal "
        "rows only) is not available yet");

  dlrm::prep::SplitOptions split_options = parse_split(a.split.empty() ? "per_class" : a.split);
  split_options.supervised = true;
  const dlrm::prep::Split parts = dlrm::prep::split(table, split_options);
  auto check_part = [&](const dlrm::prep::Part& p, const char* name) {
    if (p.positives == 0 || p.negatives == 0)
      throw dlrm::InputError(
          a.csv + ": the " + name + " part of the " + split_kind_name(split_options.kind) +
          " split has only one class (" + std::to_string(p.negatives) + " normal, " +
          std::to_string(p.positives) + " anomalous rows): supervised training needs both; " +
          "try --split per_class, or a one-class mode (not available yet)");
  };
  check_part(parts.train, "training");
  check_part(parts.validation, "validation");

  // Forward fills and windows run over the whole timeline, as `score` runs them live (a
  // part's rows are not contiguous in time under per_class); statistics from train only.
  const std::vector<std::size_t> timeline = all_rows(table);
  dlrm::prep::Pipeline pipeline(schema);
  pipeline.fit(table, parts.train.rows, timeline);
  dlrm::prep::Encoded train, validation, test;
  {
    const dlrm::prep::Encoded every = pipeline.transform(table, timeline);  // freed below
    train = every.select(parts.train.rows);
    validation = every.select(parts.validation.rows);
    test = every.select(parts.test.rows);
  }

  if (pipeline.dense_width() == 0)
    throw dlrm::InputError(
        (a.source.schema_file.empty() ? "the inferred schema of " + a.csv : a.source.schema_file) +
        ": no dense feature (numeric column, missing_indicator, window or time_features), and "
        "the DLRM's bottom MLP needs one: add a window such as 'window events_60s count "
        "seconds=60', or time_features: yes");
  warn_weekday_shortcut(pipeline, train, a.source.schema_file);

  dlrm::Shape shape;
  shape.dense = pipeline.dense_width();
  shape.tables = pipeline.table_sizes();
  shape.bottom = a.bottom.empty()
                     ? std::vector<std::size_t>{64, 32, static_cast<std::size_t>(a.embedding_dim)}
                     : a.bottom;
  shape.top = a.top;
  shape.top.push_back(1);

  ModelOptions model_options;
  model_options.lr = static_cast<float>(a.lr);
  if (a.class_weight == "auto") {  // inverse frequency, as sklearn's "balanced"
    const double n = static_cast<double>(train.rows);
    model_options.positive_weight = static_cast<float>(n / (2.0 * parts.train.positives));
    model_options.negative_weight = static_cast<float>(n / (2.0 * parts.train.negatives));
  }
  auto model = make_model(a.embedding_dim, shape, a.seed, model_options);
  model->set_threads(a.threads);

  if (!a.quiet) {
    std::printf("%s: %zu rows, %zu anomalous; %s split:\n%s", a.csv.c_str(), table.rows(),
                positives, split_kind_name(split_options.kind).c_str(), parts.describe().c_str());
    std::printf("model: %zu dense, %zu tables (%s rows), bottom %s, top %s, embedding dim %d\n",
                shape.dense, shape.tables.size(), join(shape.tables).c_str(),
                join(shape.bottom).c_str(), join(shape.top).c_str(), a.embedding_dim);
    std::fflush(stdout);
  }

  LoopOptions loop;
  loop.epochs = a.epochs;
  loop.patience = a.patience;
  loop.plateau = std::max(1, a.patience / 2);
  loop.batch = a.batch;
  loop.seed = a.seed;
  loop.progress = isatty(STDERR_FILENO) != 0 && !a.quiet;
  loop.quiet = a.quiet;
  const LoopResult result = train_loop(*model, train, validation, loop);

  // Threshold on validation; metrics of every part at it.
  const std::vector<float> val_scores = predict_all(*model, validation);
  const dlrm::span<const float> vs(val_scores.data(), val_scores.size());
  const dlrm::span<const float> vl(validation.labels.data(), validation.labels.size());
  const dlrm::ThresholdChoice choice = a.target_fpr
                                           ? dlrm::threshold_for_fpr(vs, vl, *a.target_fpr)
                                           : dlrm::best_f1_threshold(vs, vl);
  auto metrics_of = [&](const dlrm::prep::Encoded& part) {
    const std::vector<float> s = predict_all(*model, part);
    return dlrm::evaluate_binary(dlrm::span<const float>(s.data(), s.size()),
                                 dlrm::span<const float>(part.labels.data(), part.labels.size()),
                                 choice.threshold);
  };
  const dlrm::BinaryMetrics m_train = metrics_of(train);
  const dlrm::BinaryMetrics m_val = metrics_of(validation);
  const dlrm::BinaryMetrics m_test = metrics_of(test);

  Artifact artifact;
  artifact.schema_text = dlrm::prep::to_text(schema);
  {
    std::ostringstream state;
    pipeline.save(state);
    artifact.pipeline_state = state.str();
  }
  artifact.weights_npz = weights_to_npz(*model);
  auto& meta = artifact.meta;
  meta["kind"] = artifact_kind;
  meta["layout_version"] = artifact_layout_version;
  meta["mode"] = a.mode;
  meta["embedding_dim"] = a.embedding_dim;
  meta["shape"] = shape_to_json(shape);
  meta["threshold"] = choice.threshold;
  meta["threshold_rule"] =
      a.target_fpr ? "target_fpr " + std::to_string(*a.target_fpr) : std::string("max_f1");
  meta["split"] = {{"kind", split_kind_name(split_options.kind)},
                   {"train", split_options.train},
                   {"validation", split_options.validation},
                   {"gap_seconds", split_options.gap_seconds},
                   {"supervised", split_options.supervised},
                   {"describe", parts.describe()},
                   {"parts",
                    {{"train", part_json(parts.train)},
                     {"validation", part_json(parts.validation)},
                     {"test", part_json(parts.test)}}}};
  meta["history"] = history_json(result);
  meta["best_epoch"] = result.best_epoch;
  meta["stopped_early"] = result.stopped_early;
  meta["metrics"] = {{"train", metrics_to_json(m_train)},
                     {"validation", metrics_to_json(m_val)},
                     {"test", metrics_to_json(m_test)}};
  meta["options"] = {{"epochs", a.epochs}, {"batch", a.batch}, {"lr", a.lr},
                     {"patience", a.patience}, {"class_weight", a.class_weight},
                     {"positive_weight", model_options.positive_weight},
                     {"negative_weight", model_options.negative_weight},
                     {"threads", a.threads}, {"seed", a.seed}};
  meta["source"] = a.csv;
  {  // the explanations' baseline: the training mean of every dense feature
    std::vector<double> sum(train.dense_width, 0.0);
    for (std::size_t r = 0; r < train.rows; ++r)
      for (std::size_t j = 0; j < train.dense_width; ++j) sum[j] += train.dense[r * train.dense_width + j];
    std::vector<float> mean;
    for (double s : sum) mean.push_back(static_cast<float>(s / static_cast<double>(train.rows)));
    meta["baseline_dense"] = mean;
  }
  meta["label"] = require_label(schema, a.csv);
  meta["positive"] = schema.positive;
  meta["dense_names"] = pipeline.dense_names();
  meta["table_names"] = pipeline.table_names();
  save_artifact(a.out, artifact);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!a.quiet) {
    std::printf("best epoch %d of %zu%s; threshold %.6g (%s on validation)\n",
                result.best_epoch, result.history.size(),
                result.stopped_early ? " (stopped early)" : "", choice.threshold,
                a.target_fpr ? "target FPR" : "max F1");
    print_metrics(stdout, "test", m_test);
    std::printf("wrote %s in %.1f s\n", a.out.c_str(), seconds);
  }
  return 0;
}

}  // namespace app
