#pragma once
// Human-readable output shared by train and evaluate.
#include <cstdio>
#include <string>

#include "dlrm/metrics.hpp"

namespace app {

// The metrics table: accuracy, precision, recall, F1, ROC-AUC, PR-AUC, the threshold and
// the confusion matrix.
void print_metrics(std::FILE* out, const std::string& title, const dlrm::BinaryMetrics& m);

}  // namespace app
