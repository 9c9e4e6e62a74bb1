#include "output.hpp"

namespace app {

void print_metrics(std::FILE* out, const std::string& title, const dlrm::BinaryMetrics& m) {
  auto opt = [](const std::optional<double>& v) {
    char buf[32];
    if (!v) return std::string("n/a (one class)");
    std::snprintf(buf, sizeof buf, "%.4f", *v);
    return std::string(buf);
  };
  std::fprintf(out, "%s: %zu rows, %zu anomalous\n", title.c_str(), m.rows, m.positives);
  std::fprintf(out, "  accuracy   %.4f\n", m.accuracy);
  std::fprintf(out, "  precision  %.4f\n", m.precision);
  std::fprintf(out, "  recall     %.4f\n", m.recall);
  std::fprintf(out, "  F1         %.4f\n", m.f1);
  std::fprintf(out, "  ROC-AUC    %s\n", opt(m.roc_auc).c_str());
  std::fprintf(out, "  PR-AUC     %s\n", opt(m.pr_auc).c_str());
  std::fprintf(out, "  threshold  %.6g\n", m.threshold);
  std::fprintf(out, "  confusion           flagged   not flagged\n");
  std::fprintf(out, "    anomalous  %12zu  %12zu\n", m.confusion.tp, m.confusion.fn);
  std::fprintf(out, "    normal     %12zu  %12zu\n", m.confusion.fp, m.confusion.tn);
}

}  // namespace app
