#pragma once
// A vocabulary per categorical feature: value -> embedding row. Index 0 is reserved for
// unknown and missing; the training values seen at least `min_frequency` times get
// 1..size()-1, most frequent first (ties in byte order), so the order does not depend on
// the order of the rows. Standard library only.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dlrm/preprocessing/hashing.hpp"

namespace dlrm::prep {

class Vocabulary {
 public:
  Vocabulary() = default;

  // From the values in index order (index 1 first): how a saved vocabulary comes back.
  explicit Vocabulary(const std::vector<std::string>& values_in_order) {
    for (const auto& v : values_in_order) index_.insert(v);
  }

  // Rows of the embedding table: the known values plus the unknown/missing row 0.
  std::size_t size() const noexcept { return index_.size() + 1; }

  // 0 for a missing (empty) or unknown value. Never allocates.
  std::int32_t index(std::string_view value) const noexcept {
    if (value.empty()) return 0;
    const std::uint32_t id = index_.find(value);
    return id == StringIndex::npos ? 0 : static_cast<std::int32_t>(id + 1);
  }

  // Like index(), and counts a present value that is not in the vocabulary in `unseen`.
  std::int32_t encode(std::string_view value, std::size_t& unseen) const noexcept {
    const std::int32_t i = index(value);
    if (i == 0 && !value.empty()) ++unseen;
    return i;
  }

  // The value of index i >= 1 ("" for 0).
  std::string_view value(std::int32_t i) const noexcept {
    return i <= 0 ? std::string_view() : index_.at(static_cast<std::uint32_t>(i - 1));
  }

 private:
  StringIndex index_;
};

// Counts training values, then builds the Vocabulary.
class VocabularyBuilder {
 public:
  void add(std::string_view value) {
    if (value.empty()) return;  // missing: index 0 anyway
    const std::uint32_t id = seen_.insert(value);
    if (id == counts_.size()) counts_.push_back(0);
    ++counts_[id];
  }

  // Values seen at least min_frequency times (0 counts as 1), most frequent first.
  Vocabulary build(std::size_t min_frequency) const {
    std::vector<std::uint32_t> kept;
    for (std::uint32_t id = 0; id < counts_.size(); ++id)
      if (counts_[id] >= std::max<std::size_t>(min_frequency, 1)) kept.push_back(id);
    std::sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (counts_[a] != counts_[b]) return counts_[a] > counts_[b];
      return seen_.at(a) < seen_.at(b);
    });
    std::vector<std::string> values;
    values.reserve(kept.size());
    for (std::uint32_t id : kept) values.emplace_back(seen_.at(id));
    return Vocabulary(values);
  }

 private:
  StringIndex seen_;
  std::vector<std::size_t> counts_;
};

}  // namespace dlrm::prep
