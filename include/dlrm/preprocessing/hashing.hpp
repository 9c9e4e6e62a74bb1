#pragma once
// Feature hashing with a hash that is the same on every platform, run and build
// (std::hash is neither), plus the two small open-addressing tables the data side
// uses to look strings up without allocating: StringIndex and U64Map.
// Standard library only.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dlrm/error.hpp"

namespace dlrm::prep {

// FNV-1a, 64 bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3), over the bytes.
constexpr std::uint64_t fnv1a64(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit, so that
// `hash % buckets` is well spread even for a small bucket count (FNV's low bits are not).
constexpr std::uint64_t mix64(std::uint64_t k) noexcept {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

// The stable hash of a feature value: mix64(fnv1a64(bytes)). Pinned by test vectors.
constexpr std::uint64_t stable_hash64(std::string_view s) noexcept { return mix64(fnv1a64(s)); }

// The bucket of a hashed feature with `buckets` rows in its table. Bucket 0 is reserved
// for a missing value (empty text); a present value goes to 1 + hash % (buckets - 1),
// so a table of B rows has B - 1 hash buckets plus the missing row. buckets >= 2.
inline std::int32_t hash_bucket(std::string_view value, std::size_t buckets) {
  if (buckets < 2)
    throw Error("hash_bucket: a hashed column needs at least 2 buckets (bucket 0 is missing), got " +
                std::to_string(buckets));
  if (value.empty()) return 0;
  return static_cast<std::int32_t>(1 + stable_hash64(value) % (buckets - 1));
}

// Interned strings: id <-> text, lookup by string_view without allocating. Ids are dense
// and given in insertion order. Inserting a new string may allocate; finding never does.
class StringIndex {
 public:
  static constexpr std::uint32_t npos = 0xffffffffu;

  std::size_t size() const noexcept { return hashes_.size(); }

  std::uint32_t find(std::string_view s) const noexcept {
    if (slots_.empty()) return npos;
    const std::uint64_t h = stable_hash64(s);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint32_t slot = slots_[i];
      if (slot == 0) return npos;
      const std::uint32_t id = slot - 1;
      if (hashes_[id] == h && at(id) == s) return id;
    }
  }

  // The id of `s`, added at the end if new.
  std::uint32_t insert(std::string_view s) {
    const std::uint32_t found = find(s);
    if (found != npos) return found;
    if ((size() + 1) * 2 > slots_.size()) grow();
    const std::uint64_t h = stable_hash64(s);
    const auto id = static_cast<std::uint32_t>(size());
    arena_.append(s.data(), s.size());
    ends_.push_back(arena_.size());
    hashes_.push_back(h);
    place(id);
    return id;
  }

  std::string_view at(std::uint32_t id) const noexcept {
    const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(arena_.data() + begin, ends_[id] - begin);
  }

 private:
  void place(std::uint32_t id) noexcept {
    for (std::size_t i = hashes_[id] & mask_;; i = (i + 1) & mask_)
      if (slots_[i] == 0) {
        slots_[i] = id + 1;
        return;
      }
  }
  void grow() {
    const std::size_t n = slots_.empty() ? 16 : slots_.size() * 2;
    slots_.assign(n, 0);
    mask_ = n - 1;
    for (std::uint32_t id = 0; id < size(); ++id) place(id);
  }

  std::string arena_;                // all strings back to back
  std::vector<std::size_t> ends_;    // end of string id in arena_
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> slots_; // id + 1, 0 = empty; power-of-two size, load <= 1/2
  std::size_t mask_ = 0;
};

// uint64 -> uint32 map, linear probing with backward-shift deletion (no tombstones, so
// erase + insert in steady state never rehashes and never allocates).
class U64Map {
 public:
  std::size_t size() const noexcept { return size_; }

  std::uint32_t* find(std::uint64_t key) noexcept {
    if (keys_.empty()) return nullptr;
    for (std::size_t i = mix64(key) & mask_;; i = (i + 1) & mask_) {
      if (!used_[i]) return nullptr;
      if (keys_[i] == key) return &values_[i];
    }
  }

  // The value of `key`, inserted as `initial` if absent (may grow: allocates only then).
  std::uint32_t& get(std::uint64_t key, std::uint32_t initial) {
    if (std::uint32_t* v = find(key)) return *v;
    if ((size_ + 1) * 2 > keys_.size()) grow();
    std::size_t i = mix64(key) & mask_;
    while (used_[i]) i = (i + 1) & mask_;
    used_[i] = 1;
    keys_[i] = key;
    values_[i] = initial;
    ++size_;
    return values_[i];
  }

  bool erase(std::uint64_t key) noexcept {
    if (keys_.empty()) return false;
    std::size_t i = mix64(key) & mask_;
    for (;; i = (i + 1) & mask_) {
      if (!used_[i]) return false;
      if (keys_[i] == key) break;
    }
    // Shift later members of the probe run back into the hole when their home allows it.
    for (std::size_t j = (i + 1) & mask_; used_[j]; j = (j + 1) & mask_) {
      const std::size_t home = mix64(keys_[j]) & mask_;
      const bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        keys_[i] = keys_[j];
        values_[i] = values_[j];
        i = j;
      }
    }
    used_[i] = 0;
    --size_;
    return true;
  }

  void clear() noexcept {
    for (auto& u : used_) u = 0;
    size_ = 0;
  }

 private:
  void grow() {
    std::vector<std::uint64_t> keys = std::move(keys_);
    std::vector<std::uint32_t> values = std::move(values_);
    std::vector<std::uint8_t> used = std::move(used_);
    const std::size_t n = keys.empty() ? 16 : keys.size() * 2;
    keys_.assign(n, 0);
    values_.assign(n, 0);
    used_.assign(n, 0);
    mask_ = n - 1;
    size_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (used[i]) get(keys[i], values[i]);
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;
  std::vector<std::uint8_t> used_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace dlrm::prep
