#include "data.hpp"

#include <fstream>
#include <sstream>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/preprocessing/infer.hpp"

namespace app {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw dlrm::InputError(path + ": cannot open the file; check the path");
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string bytes = buf.str();
  if (bytes.empty()) throw dlrm::InputError(path + ": the file is empty");
  return bytes;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw dlrm::Error(path + ": cannot create the file; check that the directory exists");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw dlrm::Error(path + ": writing failed (disk full?)");
}

namespace {

dlrm::prep::Schema declared(const SchemaSource& source) {
  if (!source.time.empty() || !source.label.empty() || !source.positive.empty())
    throw dlrm::InputError(
        "--schema and --time/--label/--positive exclude each other: declare the roles "
        "in " + source.schema_file + " or drop --schema to infer them");
  return dlrm::prep::parse_schema(read_file(source.schema_file), source.schema_file);
}

dlrm::prep::Schema infer(const std::string& csv, const SchemaSource& source,
                         std::vector<dlrm::prep::InferNote>* notes) {
  if (!source.positive.empty() && source.label.empty())
    throw dlrm::InputError("--positive needs --label COL: name the label column");
  dlrm::prep::InferOptions options;
  options.time = source.time;
  options.label = source.label;
  options.positive = source.positive;
  options.drop = source.drop;
  return dlrm::prep::infer_schema(csv, options, notes);
}

}  // namespace

dlrm::prep::Schema resolve_schema(const std::string& csv, const SchemaSource& source,
                                  std::vector<dlrm::prep::InferNote>* notes) {
  dlrm::prep::Schema schema =
      source.schema_file.empty() ? infer(csv, source, notes) : declared(source);
  for (const auto& name : source.drop) {
    bool found = false;
    for (auto& c : schema.columns)
      if (c.name == name) {
        c.role = dlrm::prep::Role::drop;
        found = true;
      }
    if (!found)
      throw dlrm::InputError("--drop " + name + ": " + csv + " has no column " + name);
  }
  return schema;
}

std::string require_label(const dlrm::prep::Schema& schema, const std::string& csv) {
  const auto labels = schema.names_with(dlrm::prep::Role::label);
  if (labels.empty())
    throw dlrm::InputError(csv + ": no label column: pass --label COL --positive V[,V] "
                           "or declare a label column in the schema");
  return labels.front();
}

std::string split_kind_name(dlrm::prep::SplitKind kind) {
  switch (kind) {
    case dlrm::prep::SplitKind::by_time: return "by_time";
    case dlrm::prep::SplitKind::per_class: return "per_class";
    case dlrm::prep::SplitKind::normal_then_anomalous: return "normal_then_anomalous";
  }
  return "per_class";
}

dlrm::prep::SplitKind split_kind_from(const std::string& name) {
  if (name == "by_time") return dlrm::prep::SplitKind::by_time;
  if (name == "per_class") return dlrm::prep::SplitKind::per_class;
  if (name == "normal_then_anomalous") return dlrm::prep::SplitKind::normal_then_anomalous;
  throw dlrm::InputError("--split " + name +
                         ": unknown split; use by_time, per_class or "
                         "normal_then_anomalous, optionally followed by :TRAIN,VALIDATION");
}

dlrm::prep::SplitOptions parse_split(const std::string& text) {
  dlrm::prep::SplitOptions options;
  const auto colon = text.find(':');
  options.kind = split_kind_from(text.substr(0, colon));
  if (colon == std::string::npos) return options;
  const std::string fractions = text.substr(colon + 1);
  const auto comma = fractions.find(',');
  auto number = [&](const std::string& s) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size() || !(v > 0 && v < 1))
      throw dlrm::InputError("--split " + text + ": '" + s +
                             "' is not a fraction between 0 and 1; write e.g. " +
                             split_kind_name(options.kind) + ":0.7,0.15");
    return v;
  };
  if (comma == std::string::npos)
    throw dlrm::InputError("--split " + text + ": give both fractions, e.g. " +
                           split_kind_name(options.kind) + ":0.7,0.15");
  options.train = number(fractions.substr(0, comma));
  options.validation = number(fractions.substr(comma + 1));
  if (options.train + options.validation >= 1)
    throw dlrm::InputError("--split " + text +
                           ": train + validation must leave a test part (sum below 1)");
  return options;
}

std::vector<std::size_t> all_rows(const dlrm::prep::Table& table) {
  std::vector<std::size_t> rows(table.rows());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  return rows;
}

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace app
