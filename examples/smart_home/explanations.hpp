#pragma once
// Why an event was flagged (score --explain K): the K feature groups whose occlusion
// (explain.hpp: dense feature -> its training mean, table -> unknown index 0) changes the
// score the most, with the event's raw field where the group is a CSV column. One stderr
// line per flagged event:
//   explain <file>:<line> score 0.9731: source=192.168.1.77 (+0.41), hour=3 (+0.22)
#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "artifact.hpp"

namespace dlrm {
class Explainer;
}

namespace app {

class Explainer {
 public:
  // top_k = 0: explanations off. `header` is the scored input's header.
  Explainer(Detector& detector, std::size_t top_k, const std::vector<std::string>& header);
  ~Explainer();
  void explain(const std::string& where, const std::vector<std::string_view>& fields,
               const std::vector<float>& dense, const std::vector<std::int32_t>& indices,
               double time, float score, std::ostream& out);

 private:
  Detector& d_;
  std::size_t k_;
  std::unique_ptr<dlrm::Explainer> explainer_;
  std::vector<long> column_of_group_;   // header column shown for each group, or -1
  std::vector<std::string> values_;
};

}  // namespace app
