#include "explanations.hpp"

#include <cmath>
#include <cstdio>

#include "dlrm/explain.hpp"

namespace app {

Explainer::Explainer(Detector& detector, std::size_t top_k, const std::vector<std::string>& header)
    : d_(detector), k_(top_k) {
  if (k_ == 0) return;
  const auto& meta = d_.artifact.meta;
  const auto& shape = d_.model->shape();
  dlrm::Baseline baseline;
  baseline.dense = meta.value("baseline_dense", std::vector<float>(shape.dense, 0.0f));
  baseline.indices.assign(shape.tables.size(), 0);
  auto groups = dlrm::feature_groups(d_.pipeline->dense_names(), d_.pipeline->table_names());
  for (const auto& g : groups) {
    long column = -1;
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == g.name) column = static_cast<long>(c);
    column_of_group_.push_back(column);
  }
  values_.resize(groups.size());
  explainer_ = std::make_unique<dlrm::Explainer>(std::move(groups), std::move(baseline));
}

Explainer::~Explainer() = default;

void Explainer::explain(const std::string& where, const std::vector<std::string_view>& fields,
                        const std::vector<float>& dense, const std::vector<std::int32_t>& indices,
                        double time, float score, std::ostream& out) {
  if (!explainer_) return;
  const auto& groups = explainer_->groups();
  char buf[32];
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (column_of_group_[g] >= 0) {
      values_[g] = std::string(fields[static_cast<std::size_t>(column_of_group_[g])]);
      if (values_[g].empty()) values_[g] = "(missing)";
    } else if (groups[g].dense.size() == 1 && groups[g].tables.empty()) {
      std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(dense[groups[g].dense[0]]));
      values_[g] = buf;  // a derived feature (window, scaled): its encoded value
    } else if (groups[g].tables.size() == 1 && groups[g].dense.empty()) {
      values_[g] = std::to_string(indices[groups[g].tables[0]]);  // hour, weekday: the index
    } else if (groups[g].name == "day" || groups[g].name == "week") {
      // The cyclic time features: the event's UTC time of day / day of the week.
      static const char* const weekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
      const long long s = static_cast<long long>(std::floor(time));
      const long long sod = ((s % 86400) + 86400) % 86400;
      const long long days = (s - sod) / 86400;               // 1970-01-01 was a Thursday
      if (groups[g].name == "day")
        std::snprintf(buf, sizeof buf, "%02lld:%02lld", sod / 3600, sod / 60 % 60);
      else
        std::snprintf(buf, sizeof buf, "%s", weekdays[((days % 7) + 7 + 3) % 7]);
      values_[g] = buf;
    } else {
      values_[g].clear();
    }
  }
  auto score_one = [&](dlrm::span<const float> x, dlrm::span<const std::int32_t> i) {
    return d_.model->predict_one(x, i);
  };
  const auto top = explainer_->explain(score_one, dlrm::span<const float>(dense.data(), dense.size()),
                                       dlrm::span<const std::int32_t>(indices.data(), indices.size()),
                                       k_, values_);
  std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(score));
  out << "explain " << where << " score " << buf << ": " << dlrm::format_attributions(top) << "\n";
}

}  // namespace app
