#pragma once
// dlrm-anomaly: the options of every command and the functions that run them.
// main.cpp binds the options with CLI11; each commands/<name>.cpp runs one command.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace app {

struct GenerateArgs {
  std::string out;
  std::optional<double> days;
  std::optional<double> anomalous_days;
  std::uint64_t seed = 1;
  std::optional<std::size_t> events_per_day;
  std::optional<std::size_t> extra_sensors;
  std::optional<double> anomaly_strength;
  bool epoch_timestamps = false;
};

// How the schema is obtained: a schema file, or inferred from the CSV with these hints.
struct SchemaSource {
  std::string schema_file;
  std::vector<std::string> time;
  std::string label;
  std::vector<std::string> positive;
  std::vector<std::string> drop;     // columns to ignore (ids, leaks), applied after inference
};

struct SchemaArgs {
  std::string csv;
  SchemaSource source;
};

struct TrainArgs {
  std::string csv;
  SchemaSource source;
  std::string out;
  std::string mode = "supervised";
  std::string split;                 // empty = the mode's default
  int epochs = 50;
  std::size_t batch = 32;
  double lr = 1e-3;
  int patience = 5;
  std::string class_weight = "auto";
  int embedding_dim = 16;
  std::vector<std::size_t> bottom;   // empty = 64,32,embedding_dim
  std::vector<std::size_t> top{128, 64};
  int threads = 1;
  std::uint64_t seed = 42;
  std::optional<double> target_fpr;
  bool quiet = false;
};

struct EvaluateArgs {
  std::string model;
  std::string csv;
  std::string part = "test";
  bool json = false;
};

struct ScoreArgs {
  std::string model;
  std::string csv;                   // empty = standard input
  bool strict = false;
  bool stats = false;
  std::size_t explain = 0;           // top-K attributions for each flagged event
  bool flagged_only = false;
};

struct ReportArgs {
  std::string model;
  std::string csv;
  std::string out;
};

struct ExportArgs {
  std::string model;
  std::string npz;
  std::string csv;
  std::string inputs;
};

int run_generate(const GenerateArgs&);
int run_schema(const SchemaArgs&);
int run_train(const TrainArgs&);
int run_evaluate(const EvaluateArgs&);
int run_score(const ScoreArgs&);
int run_report(const ReportArgs&);
int run_export(const ExportArgs&);

}  // namespace app
