// dlrm-anomaly schema: the schema inferred from a CSV, in the text format, on stdout.
#include <cstdio>

#include "app.hpp"
#include "data.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/preprocessing/infer.hpp"

namespace app {

int run_schema(const SchemaArgs& a) {
  const dlrm::prep::Schema schema = resolve_schema(a.csv, a.source);
  const std::string text = dlrm::prep::to_text(schema);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace app
