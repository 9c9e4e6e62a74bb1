#pragma once
// The data side as the program uses it: where the schema comes from, how --split is read,
// and the checks that turn a bad input into one clear message.
#include <cstddef>
#include <string>
#include <vector>

#include "app.hpp"
#include "dlrm/preprocessing/infer.hpp"
#include "dlrm/preprocessing/schema.hpp"
#include "dlrm/preprocessing/split.hpp"
#include "dlrm/preprocessing/table.hpp"

namespace app {

// A whole file as bytes; Error "cannot open" / "is empty" naming the file.
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);

// --schema FILE, or inferred from the CSV with the --time/--label/--positive hints.
// With `notes`, inference says why each column got its role (annotated_text).
dlrm::prep::Schema resolve_schema(const std::string& csv, const SchemaSource& source,
                                  std::vector<dlrm::prep::InferNote>* notes = nullptr);

// The label column's name, or InputError "no label column" naming the file.
std::string require_label(const dlrm::prep::Schema& schema, const std::string& csv);

// 0, 1, ..., rows - 1: the whole timeline (a loaded Table is sorted by time).
std::vector<std::size_t> all_rows(const dlrm::prep::Table& table);

// "by_time", "per_class", "normal_then_anomalous", each optionally ":TRAIN,VALIDATION".
dlrm::prep::SplitOptions parse_split(const std::string& text);
std::string split_kind_name(dlrm::prep::SplitKind kind);
dlrm::prep::SplitKind split_kind_from(const std::string& name);

// Messages from the library may span lines; the program prints one.
std::string one_line(std::string text);

}  // namespace app
