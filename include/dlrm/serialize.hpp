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
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dlrm/detail/npy.hpp"
#include "dlrm/error.hpp"

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

}  // namespace dlrm
