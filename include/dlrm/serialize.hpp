#pragma once
// Files: the versioned, checksummed model artifact (named sections of bytes), and the
// model's weights in the reference layout (.npz with DLRM_Net.state_dict() names).
//
// Artifact layout, version 1 (all integers little endian):
//   magic        8 bytes  "\x89DLRM\r\n\x1a" (the PNG habit: catches text-mode mangling)
//   version      u32      1
//   sections     u32      count
//   total size   u64      bytes in the whole file, checksum included (catches truncation)
//   per section: u32 name length, name bytes, u64 payload length, payload bytes
//   checksum     u64      FNV-1a 64 of every byte before it
// FNV-1a changes its state by a bijection per byte, so any single changed byte is caught.
//
// Weights: save_npz / load_npz write and read the reference state_dict (emb_l.{t}.weight,
// bot_l.{k}.weight, bot_l.{k}.bias, top_l.{k}.*), so that in Python
//   model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(f).items()})
// works. put_model / get_model store the same tensors plus the Config tags and the Shape
// in one artifact section, and restore them bit for bit.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dlrm/config.hpp"
#include "dlrm/detail/npy.hpp"
#include "dlrm/error.hpp"
#include "dlrm/model.hpp"

namespace dlrm {

inline std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ull) {
  for (unsigned char b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

class Artifact {
 public:
  static constexpr std::uint32_t format_version = 1;
  static constexpr std::string_view magic{"\x89" "DLRM\r\n\x1a", 8};
  static constexpr std::size_t header_size = 24;

  Artifact() = default;

  // Adds a section (Error if the name is taken or empty).
  void add(std::string name, std::string bytes) {
    if (name.empty()) throw Error("artifact: a section name must not be empty");
    if (contains(name)) throw Error("artifact: section " + name + " added twice");
    sections_.emplace_back(std::move(name), std::move(bytes));
  }
  // Adds or replaces a section.
  void set(const std::string& name, std::string bytes) {
    for (auto& s : sections_)
      if (s.first == name) {
        s.second = std::move(bytes);
        return;
      }
    add(name, std::move(bytes));
  }
  bool contains(const std::string& name) const {
    for (const auto& s : sections_)
      if (s.first == name) return true;
    return false;
  }
  // FormatError naming the file, the section and the sections it has.
  const std::string& section(const std::string& name) const {
    for (const auto& s : sections_)
      if (s.first == name) return s.second;
    std::string have;
    for (const auto& s : sections_) have += (have.empty() ? "" : ", ") + s.first;
    throw FormatError(source_or_default() + ": no section " + name + " (it has: " +
                      (have.empty() ? std::string("none") : have) + ")");
  }
  std::vector<std::string> section_names() const {
    std::vector<std::string> out;
    for (const auto& s : sections_) out.push_back(s.first);
    return out;
  }
  // The file this came from (for messages); empty when built in memory.
  const std::string& source() const { return source_; }

  std::string to_bytes() const {
    std::string out(magic);
    detail::put_le(out, format_version, 4);
    detail::put_le(out, sections_.size(), 4);
    std::uint64_t total = header_size + 8;
    for (const auto& s : sections_) total += 4 + s.first.size() + 8 + s.second.size();
    detail::put_le(out, total, 8);
    out.reserve(static_cast<std::size_t>(total));
    for (const auto& s : sections_) {
      detail::put_le(out, s.first.size(), 4);
      out += s.first;
      detail::put_le(out, s.second.size(), 8);
      out += s.second;
    }
    detail::put_le(out, fnv1a64(out), 8);
    return out;
  }

  // Checks magic, version, length and checksum, in that order, then reads the sections.
  static Artifact from_bytes(std::string_view b, std::string source) {
    Artifact art;
    art.source_ = std::move(source);
    const std::string& f = art.source_or_default();
    if (b.substr(0, magic.size()) != magic.substr(0, b.size() < magic.size() ? b.size() : magic.size()))
      throw FormatError(f + ": not a dlrm artifact (bad magic bytes)");
    if (b.size() < header_size + 8)
      throw FormatError(f + ": truncated: " + std::to_string(b.size()) +
                        " bytes, a dlrm artifact has at least " +
                        std::to_string(header_size + 8));
    const std::uint64_t version = detail::get_le(b, 8, 4);
    if (version > format_version)
      throw FormatError(f + ": artifact format version " + std::to_string(version) +
                        " is newer than this library reads (up to " +
                        std::to_string(format_version) + "); upgrade dlrm to load it");
    if (version == 0) throw FormatError(f + ": invalid artifact format version 0");
    const std::uint64_t count = detail::get_le(b, 12, 4);
    const std::uint64_t total = detail::get_le(b, 16, 8);
    if (b.size() < total)
      throw FormatError(f + ": truncated: the file has " + std::to_string(b.size()) +
                        " bytes, its header says " + std::to_string(total));
    if (b.size() > total)
      throw FormatError(f + ": " + std::to_string(b.size() - total) +
                        " unexpected bytes after the end of the artifact (its header says " +
                        std::to_string(total) + " bytes)");
    const std::uint64_t stored = detail::get_le(b, b.size() - 8, 8);
    const std::uint64_t computed = fnv1a64(b.substr(0, b.size() - 8));
    if (stored != computed)
      throw FormatError(f + ": checksum mismatch (stored " + hex64(stored) + ", computed " +
                        hex64(computed) + "); the file is corrupt");
    // Only a crafted file with a valid checksum can get past here with a bad table.
    const std::size_t end = b.size() - 8;
    std::size_t at = header_size;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (at + 4 > end) throw corrupt_table(f, i);
      const std::uint64_t name_len = detail::get_le(b, at, 4);
      at += 4;
      if (name_len > end - at || end - at - name_len < 8) throw corrupt_table(f, i);
      std::string name(b.substr(at, static_cast<std::size_t>(name_len)));
      at += static_cast<std::size_t>(name_len);
      const std::uint64_t size = detail::get_le(b, at, 8);
      at += 8;
      if (size > end - at) throw corrupt_table(f, i);
      if (name.empty() || art.contains(name)) throw corrupt_table(f, i);
      art.sections_.emplace_back(std::move(name), std::string(b.substr(at, static_cast<std::size_t>(size))));
      at += static_cast<std::size_t>(size);
    }
    if (at != end) throw corrupt_table(f, count);
    return art;
  }

  // Written to a temporary file and renamed over `path`.
  void save(const std::string& path) const { detail::write_file_bytes(path, to_bytes()); }
  static Artifact load(const std::string& path) {
    return from_bytes(detail::read_file_bytes(path), path);
  }

 private:
  static std::string hex64(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
  }
  static FormatError corrupt_table(const std::string& f, std::uint64_t i) {
    return FormatError(f + ": corrupt section table at section " + std::to_string(i));
  }
  const std::string& source_or_default() const {
    static const std::string in_memory = "artifact";
    return source_.empty() ? in_memory : source_;
  }

  std::vector<std::pair<std::string, std::string>> sections_;
  std::string source_;
};

namespace detail {

template <class Interaction>
struct interaction_name;
template <>
struct interaction_name<DotInteraction<false>> {
  static constexpr const char* value = "dot";
};
template <>
struct interaction_name<DotInteraction<true>> {
  static constexpr const char* value = "dot_self";
};
template <>
struct interaction_name<CatInteraction> {
  static constexpr const char* value = "cat";
};
template <class Pooling>
struct pooling_name;
template <>
struct pooling_name<SumPooling> {
  static constexpr const char* value = "sum";
};
template <>
struct pooling_name<MeanPooling> {
  static constexpr const char* value = "mean";
};

inline std::vector<std::int64_t> to_int64(const std::vector<std::size_t>& v) {
  return std::vector<std::int64_t>(v.begin(), v.end());
}

inline std::string text_of(const Npz& npz, const std::string& name) {
  const std::vector<std::int8_t> bytes = npz.values<std::int8_t>(name);
  return std::string(bytes.begin(), bytes.end());
}

inline std::vector<std::size_t> sizes_of(const Npz& npz, const std::string& name) {
  const std::vector<std::int64_t> v = npz.values<std::int64_t>(name);
  std::vector<std::size_t> out;
  for (std::int64_t x : v) {
    if (x < 0) throw FormatError(npz.source() + ": tensor " + name + " holds a negative size");
    out.push_back(static_cast<std::size_t>(x));
  }
  return out;
}

inline bool is_model_metadata(const std::string& name) {
  return name.rfind("config.", 0) == 0 || name.rfind("shape.", 0) == 0;
}

}  // namespace detail

// The model's parameters as named arrays (float32, or float64 for a double model) in
// state_dict order (copies).
template <class Config>
Npz weights_npz(Dlrm<Config>& model) {
  using T = typename Dlrm<Config>::scalar;
  Npz npz;
  for (const auto& p : model.parameters()) {
    std::size_t n = 1;
    for (std::size_t d : p.shape) n *= d;
    npz.add<T>(p.name, p.shape, span<const T>(p.data, n));
  }
  return npz;
}

// Copies every parameter from `npz` into the model. All tensors are checked before any
// is copied: a missing or unexpected tensor, another dtype or another shape is a
// FormatError naming the tensor (and both shapes), and leaves the model unchanged.
template <class Config>
void load_weights(Dlrm<Config>& model, const Npz& npz) {
  using T = typename Dlrm<Config>::scalar;
  constexpr DType expected = dtype_of<T>::value;
  const std::string f = npz.source().empty() ? std::string("npz") : npz.source();
  const auto params = model.parameters();
  for (const auto& p : params) {
    const NpyArray* a = npz.find(p.name);
    if (!a)
      throw FormatError(f + ": tensor " + p.name + " is missing; the model expects shape " +
                        shape_string(p.shape));
    if (a->dtype != expected)
      throw FormatError(f + ": tensor " + p.name + " has dtype " + dtype_descr(a->dtype) +
                        ", the model expects " + dtype_descr(expected) +
                        (expected == DType::float32 ? " (float32)" : " (float64)"));
    if (a->shape != p.shape)
      throw FormatError(f + ": tensor " + p.name + " has shape " + shape_string(a->shape) +
                        ", the model expects " + shape_string(p.shape));
  }
  for (const NpyArray& a : npz.arrays()) {
    if (detail::is_model_metadata(a.name)) continue;
    bool known = false;
    for (const auto& p : params) known = known || p.name == a.name;
    if (!known)
      throw FormatError(f + ": unexpected tensor " + a.name +
                        ": it is not a parameter of this model (a different Shape?)");
  }
  for (const auto& p : params) {
    const NpyArray& a = *npz.find(p.name);
    if (!a.bytes.empty()) std::memcpy(p.data, a.bytes.data(), a.bytes.size());
  }
}

// Writes the reference state_dict as an .npz file.
template <class Config>
void save_npz(Dlrm<Config>& model, const std::string& path) {
  weights_npz(model).save(path);
}

// Reads an .npz in the reference layout into the model (see load_weights).
template <class Config>
void load_npz(Dlrm<Config>& model, const std::string& path) {
  load_weights(model, Npz::load(path));
}

// The model as artifact section bytes: an .npz of the Config tags (config.*), the Shape
// (shape.*) and the state_dict tensors.
template <class Config>
std::string model_bytes(Dlrm<Config>& model) {
  using M = Dlrm<Config>;
  Npz npz;
  const std::string inter = detail::interaction_name<typename M::interaction>::value;
  const std::string pool = detail::pooling_name<typename M::pooling>::value;
  npz.add("config.embedding_dim", std::vector<std::int64_t>{M::embedding_dim});
  npz.add("config.interaction", std::vector<std::int8_t>(inter.begin(), inter.end()));
  npz.add("config.pooling", std::vector<std::int8_t>(pool.begin(), pool.end()));
  const Shape& s = model.shape();
  npz.add("shape.dense", std::vector<std::int64_t>{static_cast<std::int64_t>(s.dense)});
  npz.add("shape.tables", detail::to_int64(s.tables));
  npz.add("shape.bottom", detail::to_int64(s.bottom));
  npz.add("shape.top", detail::to_int64(s.top));
  const Npz weights = weights_npz(model);
  for (const NpyArray& a : weights.arrays()) npz.add(a);
  return npz.to_bytes();
}

template <class Config>
void put_model(Artifact& artifact, Dlrm<Config>& model, const std::string& section = "model") {
  artifact.set(section, model_bytes(model));
}

namespace detail {
inline Npz model_npz(const Artifact& artifact, const std::string& section) {
  const std::string source =
      (artifact.source().empty() ? std::string("artifact") : artifact.source()) + " section " +
      section;
  return Npz::from_bytes(artifact.section(section), source);
}
inline Shape shape_of(const Npz& npz) {
  Shape s;
  const std::vector<std::size_t> dense = sizes_of(npz, "shape.dense");
  if (dense.size() != 1)
    throw FormatError(npz.source() + ": tensor shape.dense holds " + std::to_string(dense.size()) +
                      " values, expected 1");
  s.dense = dense[0];
  s.tables = sizes_of(npz, "shape.tables");
  s.bottom = sizes_of(npz, "shape.bottom");
  s.top = sizes_of(npz, "shape.top");
  return s;
}
}  // namespace detail

// The Shape stored by put_model, to construct the Dlrm that get_model fills.
inline Shape model_shape(const Artifact& artifact, const std::string& section = "model") {
  return detail::shape_of(detail::model_npz(artifact, section));
}

// Restores the weights stored by put_model, bit for bit. The Config tags and the Shape
// must match the model's (FormatError naming the first difference).
template <class Config>
void get_model(const Artifact& artifact, Dlrm<Config>& model, const std::string& section = "model") {
  using M = Dlrm<Config>;
  const Npz npz = detail::model_npz(artifact, section);
  const std::string& f = npz.source();
  const std::vector<std::int64_t> dim = npz.values<std::int64_t>("config.embedding_dim");
  if (dim.size() != 1 || dim[0] != M::embedding_dim)
    throw FormatError(f + ": saved with embedding_dim " +
                      (dim.size() == 1 ? std::to_string(dim[0]) : std::string("?")) +
                      ", this model has " + std::to_string(M::embedding_dim));
  const std::string inter = detail::text_of(npz, "config.interaction");
  if (inter != detail::interaction_name<typename M::interaction>::value)
    throw FormatError(f + ": saved with interaction " + inter + ", this model uses " +
                      detail::interaction_name<typename M::interaction>::value);
  const std::string pool = detail::text_of(npz, "config.pooling");
  if (pool != detail::pooling_name<typename M::pooling>::value)
    throw FormatError(f + ": saved with pooling " + pool + ", this model uses " +
                      detail::pooling_name<typename M::pooling>::value);
  const Shape saved = detail::shape_of(npz);
  const Shape& have = model.shape();
  if (saved.dense != have.dense)
    throw FormatError(f + ": saved with Shape.dense " + std::to_string(saved.dense) +
                      ", this model has " + std::to_string(have.dense));
  const std::pair<const char*, std::pair<const std::vector<std::size_t>*, const std::vector<std::size_t>*>>
      lists[] = {{"tables", {&saved.tables, &have.tables}},
                 {"bottom", {&saved.bottom, &have.bottom}},
                 {"top", {&saved.top, &have.top}}};
  for (const auto& l : lists)
    if (*l.second.first != *l.second.second)
      throw FormatError(f + ": saved with Shape." + l.first + " " + shape_string(*l.second.first) +
                        ", this model has " + shape_string(*l.second.second));
  load_weights(model, npz);
}

}  // namespace dlrm
