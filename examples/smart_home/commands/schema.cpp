// dlrm-anomaly schema: the schema inferred from a CSV, in the text format, on stdout.
#include <cstdio>

#include "app.hpp"
#include "data.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/preprocessing/infer.hpp"

namespace app {

int run_schema(const SchemaArgs& a) {
  // The text format, each column followed by a comment saying why it got its role.
  std::vector<dlrm::prep::InferNote> notes;
  const dlrm::prep::Schema schema = resolve_schema(a.csv, a.source, &notes);
  const std::string text = dlrm::prep::annotated_text(schema, notes);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace app
