#pragma once
// NumPy .npy / .npz, written here (standard library only): an uncompressed ("stored")
// zip archive of .npy v1.0 arrays, as np.savez writes and np.load reads. Named arrays of
// float32, float64, int8, int32, int64 in C order. The reader checks everything (zip
// structure, CRC-32, .npy magic, header, dtype, data length) and names the file and the
// tensor in every FormatError.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/span.hpp"

namespace dlrm {

enum class DType { float32, float64, int8, int32, int64 };

// The .npy descr string of a dtype (little endian; int8 has no byte order).
inline const char* dtype_descr(DType t) {
  switch (t) {
    case DType::float32: return "<f4";
    case DType::float64: return "<f8";
    case DType::int8: return "|i1";
    case DType::int32: return "<i4";
    case DType::int64: return "<i8";
  }
  return "?";
}

inline std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::float32: return 4;
    case DType::float64: return 8;
    case DType::int8: return 1;
    case DType::int32: return 4;
    case DType::int64: return 8;
  }
  return 0;
}

template <class T>
struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::float64; };
template <> struct dtype_of<std::int8_t> { static constexpr DType value = DType::int8; };
template <> struct dtype_of<std::int32_t> { static constexpr DType value = DType::int32; };
template <> struct dtype_of<std::int64_t> { static constexpr DType value = DType::int64; };

// "[2, 3]" — how shapes appear in messages (as torch prints sizes).
inline std::string shape_string(const std::vector<std::size_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

namespace detail {

// CRC-32 (IEEE 802.3, reflected, as zip uses), table computed at compile time.
constexpr std::array<std::uint32_t, 256> make_crc32_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
inline constexpr std::array<std::uint32_t, 256> crc32_table = make_crc32_table();

inline std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0) {
  crc = ~crc;
  for (unsigned char b : bytes) crc = crc32_table[(crc ^ b) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

inline std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}

inline bool host_is_little_endian() {
  const std::uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

inline void require_little_endian() {
  if (!host_is_little_endian())
    throw Error("npz: this build supports little-endian hosts only");
}

// Little-endian integer writing / reading on byte strings.
inline void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
}
inline std::uint64_t get_le(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

inline std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(path + ": cannot open for reading (" + std::strerror(errno) + ")");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(path + ": read error");
  return bytes;
}

// Writes to a temporary file next to `path`, then renames it over `path`, so that a
// reader never sees a half-written file.
inline void write_file_bytes(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw Error(path + ": cannot open for writing (" + std::strerror(errno) + ")");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw Error(path + ": cannot replace the file (" + why + ")");
  }
}

// A tiny parser for the Python dict literal of a .npy header:
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class NpyHeaderParser {
 public:
  NpyHeaderParser(std::string_view text, std::string where) : s_(text), where_(std::move(where)) {}

  void parse(std::string& descr, bool& fortran, std::vector<std::size_t>& shape) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      skip_space();
      if (key == "descr") {
        descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran = boolean();
        have_fortran = true;
      } else if (key == "shape") {
        shape = tuple();
        have_shape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    skip_space();
    if (pos_ != s_.size()) fail("unexpected text after '}'");
    if (!have_descr) fail("no 'descr'");
    if (!have_fortran) fail("no 'fortran_order'");
    if (!have_shape) fail("no 'shape'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(where_ + ": malformed .npy header (" + what + ")");
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    ++pos_;
    const std::size_t begin = pos_;
    while (pos_ < s_.size() && s_[pos_] != quote) ++pos_;
    if (pos_ >= s_.size()) fail("unterminated string");
    std::string out(s_.substr(begin, pos_ - begin));
    ++pos_;
    return out;
  }
  bool boolean() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("fortran_order is not True or False");
  }
  std::vector<std::size_t> tuple() {
    std::vector<std::size_t> dims;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("shape holds a non-integer");
      std::uint64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (v > (UINT64_MAX - 9) / 10) fail("shape dimension too large");
        v = v * 10 + static_cast<std::uint64_t>(peek() - '0');
        ++pos_;
      }
      dims.push_back(static_cast<std::size_t>(v));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') fail("expected ',' or ')' in shape");
    }
    ++pos_;
    return dims;
  }

  std::string_view s_;
  std::string where_;
  std::size_t pos_ = 0;
};


// An uncompressed zip archive of the given (file name, bytes) entries, as Python's
// zipfile writes with ZIP_STORED (zip32: every entry and the whole archive under 4 GiB).
inline std::string zip_stored(const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.size() > 0xFFFF) throw Error("npz: more than 65535 tensors");
  std::string out, central;
  for (const auto& entry : entries) {
    const std::string& file = entry.first;
    const std::string& data = entry.second;
    if (data.size() >= 0xFFFFFFFFu || out.size() >= 0xFFFFFFFFu || file.size() > 0xFFFF)
      throw Error("npz: entry " + file + " is too large for a zip32 archive (4 GiB)");
    const std::uint32_t crc = crc32(data);
    const std::uint64_t local_offset = out.size();
    // local file header
    put_le(out, 0x04034b50u, 4);
    put_le(out, 20, 2);      // version needed: 2.0
    put_le(out, 0, 2);       // flags
    put_le(out, 0, 2);       // method: stored
    put_le(out, 0, 2);       // time 00:00
    put_le(out, 0x21, 2);    // date 1980-01-01
    put_le(out, crc, 4);
    put_le(out, data.size(), 4);
    put_le(out, data.size(), 4);
    put_le(out, file.size(), 2);
    put_le(out, 0, 2);       // extra length
    out += file;
    out += data;
    // central directory entry
    put_le(central, 0x02014b50u, 4);
    put_le(central, 20, 2);  // version made by
    put_le(central, 20, 2);  // version needed
    put_le(central, 0, 2);   // flags
    put_le(central, 0, 2);   // method
    put_le(central, 0, 2);   // time
    put_le(central, 0x21, 2);
    put_le(central, crc, 4);
    put_le(central, data.size(), 4);
    put_le(central, data.size(), 4);
    put_le(central, file.size(), 2);
    put_le(central, 0, 2);   // extra
    put_le(central, 0, 2);   // comment
    put_le(central, 0, 2);   // disk
    put_le(central, 0, 2);   // internal attributes
    put_le(central, 0, 4);   // external attributes
    put_le(central, local_offset, 4);
    central += file;
  }
  if (out.size() + central.size() >= 0xFFFFFFFFu)
    throw Error("npz: archive too large for zip32 (4 GiB)");
  const std::uint64_t central_offset = out.size();
  out += central;
  put_le(out, 0x06054b50u, 4);  // end of central directory
  put_le(out, 0, 2);
  put_le(out, 0, 2);
  put_le(out, entries.size(), 2);
  put_le(out, entries.size(), 2);
  put_le(out, central.size(), 4);
  put_le(out, central_offset, 4);
  put_le(out, 0, 2);
  return out;
}

}  // namespace detail

// One named array: raw little-endian bytes in C order.
struct NpyArray {
  std::string name;
  DType dtype = DType::float32;
  std::vector<std::size_t> shape;
  std::string bytes;

  std::size_t size() const {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
  }
};

// The .npy v1.0 encoding of one array, byte for byte as numpy writes it: magic, version,
// header length, the dict padded with spaces to a multiple of 64 bytes and a newline.
inline std::string encode_npy(const NpyArray& a) {
  std::string dict = std::string("{'descr': '") + dtype_descr(a.dtype) +
                     "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < a.shape.size(); ++i) {
    if (i) dict += ", ";
    dict += std::to_string(a.shape[i]);
  }
  if (a.shape.size() == 1) dict += ",";
  dict += "), }";
  const std::size_t prefix = 10;  // magic (6) + version (2) + header length (2)
  const std::size_t pad = 64 - (prefix + dict.size() + 1) % 64;
  dict.append(pad, ' ');
  dict.push_back('\n');
  if (dict.size() > 0xFFFF) throw ShapeError("npz tensor " + a.name + ": too many dimensions");
  std::string out("\x93NUMPY\x01\x00", 8);
  detail::put_le(out, dict.size(), 2);
  out += dict;
  out += a.bytes;
  return out;
}

// Decodes one .npy file; `where` ("file.npz: tensor x") starts every message.
inline NpyArray decode_npy(std::string_view npy, std::string name, const std::string& where) {
  detail::require_little_endian();
  if (npy.size() < 10 || npy.substr(0, 6) != std::string_view("\x93NUMPY", 6))
    throw FormatError(where + ": bad .npy magic; not a NumPy array");
  const int major = static_cast<unsigned char>(npy[6]);
  const int minor = static_cast<unsigned char>(npy[7]);
  std::size_t header_len = 0, header_at = 0;
  if (major == 1 && minor == 0) {
    header_len = static_cast<std::size_t>(detail::get_le(npy, 8, 2));
    header_at = 10;
  } else if (major == 2 && minor == 0) {
    if (npy.size() < 12) throw FormatError(where + ": truncated .npy header");
    header_len = static_cast<std::size_t>(detail::get_le(npy, 8, 4));
    header_at = 12;
  } else {
    throw FormatError(where + ": unsupported .npy format version " + std::to_string(major) +
                      "." + std::to_string(minor) + " (1.0 and 2.0 are read)");
  }
  if (header_len > npy.size() - header_at) throw FormatError(where + ": truncated .npy header");
  std::string descr;
  bool fortran = false;
  NpyArray a;
  a.name = std::move(name);
  detail::NpyHeaderParser(npy.substr(header_at, header_len), where).parse(descr, fortran, a.shape);
  const DType all[] = {DType::float32, DType::float64, DType::int8, DType::int32, DType::int64};
  bool known = false;
  for (DType t : all)
    if (descr == dtype_descr(t) || (t == DType::int8 && descr == "<i1")) {
      a.dtype = t;
      known = true;
    }
  if (!known)
    throw FormatError(where + ": unsupported dtype '" + descr +
                      "' (supported: <f4, <f8, |i1, <i4, <i8)");
  if (fortran)
    throw FormatError(where + ": fortran_order arrays are not supported; save a C-order array "
                              "(np.ascontiguousarray)");
  const std::size_t data_at = header_at + header_len;
  const std::size_t have = npy.size() - data_at;
  // The element count, guarded against overflow by the bytes actually present.
  std::size_t count = 1;
  bool too_big = false;
  for (std::size_t d : a.shape) {
    if (d != 0 && count > have / d) too_big = true;
    count *= d;
  }
  const std::size_t need = too_big ? 0 : count * dtype_size(a.dtype);
  if (too_big || need != have)
    throw FormatError(where + ": holds " + std::to_string(have) + " data bytes, shape " +
                      shape_string(a.shape) + " of " + dtype_descr(a.dtype) + " needs " +
                      (too_big ? std::string("more") : std::to_string(need)) +
                      "; the file is truncated or corrupt");
  a.bytes.assign(npy.substr(data_at));
  return a;
}

// A set of named arrays, read from or written to an .npz file.
class Npz {
 public:
  Npz() = default;

  // Adds a copy of `values` as an array of the given shape (ShapeError if the element
  // count does not match the shape, Error if the name is taken).
  template <class T>
  void add(std::string name, std::vector<std::size_t> shape, span<const T> values) {
    NpyArray a;
    a.name = std::move(name);
    a.dtype = dtype_of<T>::value;
    a.shape = std::move(shape);
    if (a.size() != values.size())
      throw ShapeError("npz tensor " + a.name + ": shape " + shape_string(a.shape) + " needs " +
                       std::to_string(a.size()) + " values, got " +
                       std::to_string(values.size()));
    a.bytes.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
    add(std::move(a));
  }
  // A 1-D array.
  template <class T>
  void add(std::string name, const std::vector<T>& values) {
    add<T>(std::move(name), {values.size()}, span<const T>(values));
  }
  void add(NpyArray a) {
    if (a.name.empty()) throw Error("npz: a tensor name must not be empty");
    if (contains(a.name)) throw Error("npz: tensor " + a.name + " added twice");
    if (a.bytes.size() != a.size() * dtype_size(a.dtype))
      throw ShapeError("npz tensor " + a.name + ": " + std::to_string(a.bytes.size()) +
                       " bytes do not fill shape " + shape_string(a.shape) + " of " +
                       dtype_descr(a.dtype));
    arrays_.push_back(std::move(a));
  }

  bool contains(const std::string& name) const { return find(name) != nullptr; }
  const NpyArray* find(const std::string& name) const {
    for (const NpyArray& a : arrays_)
      if (a.name == name) return &a;
    return nullptr;
  }
  // FormatError naming the file and the missing tensor.
  const NpyArray& at(const std::string& name) const {
    if (const NpyArray* a = find(name)) return *a;
    throw FormatError(source_or_default() + ": tensor " + name + " is missing");
  }
  // The values of a tensor of dtype T (FormatError naming the tensor on another dtype).
  template <class T>
  std::vector<T> values(const std::string& name) const {
    const NpyArray& a = at(name);
    check_dtype<T>(a);
    std::vector<T> out(a.size());
    if (!out.empty()) std::memcpy(out.data(), a.bytes.data(), a.bytes.size());
    return out;
  }
  template <class T>
  void check_dtype(const NpyArray& a) const {
    if (a.dtype != dtype_of<T>::value)
      throw FormatError(source_or_default() + ": tensor " + a.name + " has dtype " +
                        dtype_descr(a.dtype) + ", expected " + dtype_descr(dtype_of<T>::value));
  }

  const std::vector<NpyArray>& arrays() const { return arrays_; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const NpyArray& a : arrays_) out.push_back(a.name);
    return out;
  }
  // The file this came from (for messages); empty when built in memory.
  const std::string& source() const { return source_; }

  // The archive bytes: one stored zip entry "<name>.npy" per array, in insertion order.
  std::string to_bytes() const {
    detail::require_little_endian();
    std::vector<std::pair<std::string, std::string>> entries;
    entries.reserve(arrays_.size());
    for (const NpyArray& a : arrays_) entries.emplace_back(a.name + ".npy", encode_npy(a));
    return detail::zip_stored(entries);
  }

  // Parses archive bytes; `source` names the file in messages.
  static Npz from_bytes(std::string_view z, std::string source) {
    Npz npz;
    npz.source_ = std::move(source);
    const std::string& f = npz.source_or_default();
    // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the end.
    std::size_t eocd = std::string_view::npos;
    if (z.size() >= 22) {
      const std::size_t lowest = z.size() >= 22 + 0xFFFF ? z.size() - 22 - 0xFFFF : 0;
      for (std::size_t at = z.size() - 22 + 1; at-- > lowest;)
        if (detail::get_le(z, at, 4) == 0x06054b50u &&
            at + 22 + detail::get_le(z, at + 20, 2) == z.size()) {
          eocd = at;
          break;
        }
    }
    if (eocd == std::string_view::npos)
      throw FormatError(f + ": not an .npz file (no zip end-of-central-directory record); it is "
                            "truncated or not a zip archive");
    const std::size_t entries = static_cast<std::size_t>(detail::get_le(z, eocd + 10, 2));
    const std::uint64_t cd_size = detail::get_le(z, eocd + 12, 4);
    const std::uint64_t cd_offset = detail::get_le(z, eocd + 16, 4);
    if (entries == 0xFFFF || cd_offset == 0xFFFFFFFFu)
      throw FormatError(f + ": zip64 archives with more than 65535 entries or 4 GiB are not "
                            "supported");
    if (cd_offset + cd_size > eocd)
      throw FormatError(f + ": truncated or corrupt: the zip central directory (" +
                        std::to_string(cd_size) + " bytes at offset " +
                        std::to_string(cd_offset) + ") overruns the end of the archive");
    std::size_t at = static_cast<std::size_t>(cd_offset);
    const std::size_t cd_end = static_cast<std::size_t>(cd_offset + cd_size);
    for (std::size_t e = 0; e < entries; ++e) {
      if (at + 46 > cd_end || detail::get_le(z, at, 4) != 0x02014b50u)
        throw FormatError(f + ": corrupt zip central directory (entry " + std::to_string(e) +
                          " of " + std::to_string(entries) + ")");
      const std::uint64_t flags = detail::get_le(z, at + 8, 2);
      const std::uint64_t method = detail::get_le(z, at + 10, 2);
      const std::uint32_t crc = static_cast<std::uint32_t>(detail::get_le(z, at + 16, 4));
      std::uint64_t csize = detail::get_le(z, at + 20, 4);
      std::uint64_t usize = detail::get_le(z, at + 24, 4);
      const std::size_t name_len = static_cast<std::size_t>(detail::get_le(z, at + 28, 2));
      const std::size_t extra_len = static_cast<std::size_t>(detail::get_le(z, at + 30, 2));
      const std::size_t comment_len = static_cast<std::size_t>(detail::get_le(z, at + 32, 2));
      std::uint64_t local = detail::get_le(z, at + 42, 4);
      if (at + 46 + name_len + extra_len + comment_len > cd_end)
        throw FormatError(f + ": corrupt zip central directory (entry " + std::to_string(e) +
                          " of " + std::to_string(entries) + ")");
      const std::string file(z.substr(at + 46, name_len));
      // zip64 extra field: the 64-bit values of the fields saturated at 0xFFFFFFFF.
      std::size_t x = at + 46 + name_len;
      const std::size_t x_end = x + extra_len;
      while (x + 4 <= x_end) {
        const std::uint64_t id = detail::get_le(z, x, 2);
        const std::size_t len = static_cast<std::size_t>(detail::get_le(z, x + 2, 2));
        std::size_t p = x + 4;
        if (p + len > x_end) break;
        if (id == 0x0001) {
          const std::size_t p_end = p + len;
          if (usize == 0xFFFFFFFFu && p + 8 <= p_end) { usize = detail::get_le(z, p, 8); p += 8; }
          if (csize == 0xFFFFFFFFu && p + 8 <= p_end) { csize = detail::get_le(z, p, 8); p += 8; }
          if (local == 0xFFFFFFFFu && p + 8 <= p_end) { local = detail::get_le(z, p, 8); p += 8; }
        }
        x += 4 + len;
      }
      at += 46 + name_len + extra_len + comment_len;

      const std::string suffix = ".npy";
      if (file.size() <= suffix.size() || file.compare(file.size() - 4, 4, suffix) != 0)
        throw FormatError(f + ": entry '" + file + "' is not a .npy array");
      std::string name = file.substr(0, file.size() - 4);
      const std::string where = f + ": tensor " + name;
      if (method != 0)
        throw FormatError(where + " is compressed (zip method " + std::to_string(method) +
                          "); only uncompressed archives are read (np.savez, not "
                          "np.savez_compressed)");
      if (flags & 1u) throw FormatError(where + " is encrypted");
      if (csize != usize)
        throw FormatError(where + ": stored entry with different compressed (" +
                          std::to_string(csize) + ") and uncompressed (" +
                          std::to_string(usize) + ") sizes; the file is corrupt");
      if (local + 30 > z.size() || detail::get_le(z, static_cast<std::size_t>(local), 4) != 0x04034b50u)
        throw FormatError(where + ": bad zip local header at offset " + std::to_string(local) +
                          "; the file is truncated or corrupt");
      const std::size_t l = static_cast<std::size_t>(local);
      const std::size_t local_name_len = static_cast<std::size_t>(detail::get_le(z, l + 26, 2));
      if (z.substr(l + 30, local_name_len) != file)
        throw FormatError(where + ": the zip local header names a different file; the file is "
                                  "corrupt");
      // The local header repeats method, CRC and sizes (unless a data descriptor follows
      // the data, flag bit 3, or zip64 saturates them): they must agree.
      const std::uint64_t local_flags = detail::get_le(z, l + 6, 2);
      const std::uint64_t local_csize = detail::get_le(z, l + 18, 4);
      const std::uint64_t local_usize = detail::get_le(z, l + 22, 4);
      const bool sizes_agree =
          (local_flags & 8u) ||
          (detail::get_le(z, l + 14, 4) == crc &&
           (local_csize == 0xFFFFFFFFu || local_csize == csize) &&
           (local_usize == 0xFFFFFFFFu || local_usize == usize));
      if (detail::get_le(z, l + 8, 2) != method || !sizes_agree)
        throw FormatError(where + ": the zip local header disagrees with the central directory "
                                  "(method, CRC or size); the file is corrupt");
      const std::uint64_t data_at = local + 30 + detail::get_le(z, l + 26, 2) +
                                    detail::get_le(z, l + 28, 2);
      if (data_at + csize > z.size())
        throw FormatError(where + ": truncated (its data ends at byte " +
                          std::to_string(data_at + csize) + ", the file has " +
                          std::to_string(z.size()) + ")");
      const std::string_view npy =
          z.substr(static_cast<std::size_t>(data_at), static_cast<std::size_t>(csize));
      const std::uint32_t computed = detail::crc32(npy);
      if (computed != crc)
        throw FormatError(where + ": CRC-32 mismatch (stored " + detail::hex32(crc) +
                          ", computed " + detail::hex32(computed) + "); the file is corrupt");
      if (npz.contains(name)) throw FormatError(where + " appears twice");
      npz.arrays_.push_back(decode_npy(npy, std::move(name), where));
    }
    return npz;
  }

  void save(const std::string& path) const { detail::write_file_bytes(path, to_bytes()); }
  static Npz load(const std::string& path) {
    return from_bytes(detail::read_file_bytes(path), path);
  }

 private:
  const std::string& source_or_default() const {
    static const std::string in_memory = "npz";
    return source_.empty() ? in_memory : source_;
  }

  std::vector<NpyArray> arrays_;
  std::string source_;
};

}  // namespace dlrm
