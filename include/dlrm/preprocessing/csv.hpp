#pragma once
// Streaming CSV reading (RFC 4180) and the small value parsers every column role uses.
// Standard library only.
//
// What the reader accepts:
// - RFC 4180 quoting: a field that starts with '"' runs to the matching '"'; inside it the
//   delimiter and newlines are data and "" is one '"'. A record's line is the line it
//   starts on, however many newlines its quoted fields hold.
// - A UTF-8 byte-order mark before the header; LF or CRLF line ends.
// - Spaces and tabs around unquoted fields are trimmed (` 19:19:40 ` reads `19:19:40`);
//   around a quoted field they are ignored, inside it they are kept.
// - A '"' in the middle of an unquoted field is kept as a character (lenient: `5"` stays).
// - Empty fields are missing values; blank lines (only spaces / CR) are skipped.
// - The first record is the header; its names are trimmed, must be unique.
// What it refuses, as a dlrm::ParseError naming file, line, column and field (or, with
// CsvOptions::skip_malformed, skips and counts): a record whose field count differs from
// the header's, an unterminated quoted field, a character after a closing quote, and a
// record longer than CsvOptions::max_record_bytes (an unbalanced quote, most likely).
//
// Memory: one buffer of chunk_bytes, refilled as records are consumed; it grows only to
// hold a single record longer than itself. Fields are string_views into that buffer.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <istream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dlrm/error.hpp"

namespace dlrm::prep {

// ---------------------------------------------------------------------------------------
// Value helpers shared by the reader, the loader and the pipeline.

inline bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

// Spaces, tabs and CRs removed from both ends.
inline std::string_view trim(std::string_view s) noexcept {
  std::size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && is_blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// A value as messages show it: in double quotes, control characters escaped, long values
// cut at 60 characters with "...".
inline std::string quote_value(std::string_view v) {
  constexpr std::size_t limit = 60;
  std::string out = "\"";
  const std::size_t n = std::min(v.size(), limit);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '"') out += "\\\"";
    else if (c < 0x20 || c == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (v.size() > limit) out += "...";
  out += '"';
  return out;
}

// "column 3 (temperature)", or "column 3" when the name is unknown.
inline std::string describe_column(std::size_t column, std::string_view name) {
  std::string out = "column " + std::to_string(column);
  if (!name.empty()) {
    out += " (";
    out += name;
    out += ')';
  }
  return out;
}

// The one message format for a bad value:  data.csv:17: column 3 (temperature): <what>
// `column` is 1-based.
inline ParseError field_error(const std::string& file, std::size_t line, std::size_t column,
                              const std::string& field, const std::string& what) {
  return ParseError(file + ":" + std::to_string(line) + ": " + describe_column(column, field) +
                        ": " + what,
                    file, line, column, field);
}

// A problem with a whole record:  data.csv:17: <what>
inline ParseError row_error(const std::string& file, std::size_t line, const std::string& what,
                            std::size_t column = 0, const std::string& field = {}) {
  return ParseError(file + ":" + std::to_string(line) + ": " + what, file, line, column, field);
}

// A number as a numeric column takes it: the whole (trimmed) text must be one decimal or
// scientific literal ("12", "-0.5", "+3", "1e-3"), read with std::from_chars. "nan" in any
// case is how pandas writes a missing value: it comes back as NaN (missing). Infinity,
// hex, "1,5", "12abc" and the empty string are not numbers (std::nullopt).
inline std::optional<double> parse_number(std::string_view text) noexcept {
  std::string_view s = trim(text);
  if (s.empty()) return std::nullopt;
  if (s.size() == 3 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'n')
    return std::numeric_limits<double>::quiet_NaN();
  const std::size_t start = s[0] == '+' ? 1 : 0;
  // from_chars would also take "inf", "infinity" and "nan(...)": a number starts with a
  // digit or '.', after one optional sign. (Hex needs chars_format::hex: "0x1" stops at x.)
  const std::size_t lead = start + (start == 0 && s[0] == '-' ? 1 : 0);
  if (lead >= s.size() || !((s[lead] >= '0' && s[lead] <= '9') || s[lead] == '.'))
    return std::nullopt;
  const char* first = s.data() + start;
  const char* last = s.data() + s.size();
  {
    // Clinger's fast path for plain decimals: m / 10^k is exact in one correctly rounded
    // division when m < 2^53 and k <= 22, the same double from_chars gives, several times
    // faster. Anything else (exponents, long mantissas) goes to from_chars.
    static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char* c = first;
    const bool negative = *c == '-';
    c += negative;
    std::uint64_t m = 0;  // wraps for more than 19 digits, which are sent to from_chars
    const char* digits_begin = c;
    while (c < last && static_cast<unsigned char>(*c - '0') < 10)
      m = m * 10 + static_cast<std::uint64_t>(*c++ - '0');
    std::size_t digits = static_cast<std::size_t>(c - digits_begin), fraction = 0;
    if (c < last && *c == '.') {
      const char* fraction_begin = ++c;
      while (c < last && static_cast<unsigned char>(*c - '0') < 10)
        m = m * 10 + static_cast<std::uint64_t>(*c++ - '0');
      fraction = static_cast<std::size_t>(c - fraction_begin);
      digits += fraction;
    }
    if (c == last && digits > 0 && digits <= 19 && m <= (std::uint64_t(1) << 53) &&
        fraction <= 22) {
      const double v = static_cast<double>(m) / powers[fraction];
      return negative ? -v : v;
    }
  }
  double value = 0;
  const auto r = std::from_chars(first, last, value, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != last) return std::nullopt;
  return value;
}

// Boolean spellings: 0/1, true/false, on/off, yes/no, t/f, y/n; any case; padded.
inline std::optional<bool> parse_boolean(std::string_view text) noexcept {
  const std::string_view s = trim(text);
  if (s.empty() || s.size() > 5) return std::nullopt;
  char low[5];
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    low[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  const std::string_view l(low, s.size());
  if (l == "1" || l == "true" || l == "on" || l == "yes" || l == "t" || l == "y") return true;
  if (l == "0" || l == "false" || l == "off" || l == "no" || l == "f" || l == "n") return false;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------

struct CsvOptions {
  char delimiter = ',';
  bool skip_malformed = false;          // skip and count malformed records instead of throwing
  std::size_t chunk_bytes = 1 << 20;    // read buffer; records may straddle refills
  std::size_t max_record_bytes = std::size_t(64) << 20;  // longer = malformed (unbalanced quote)
  std::size_t report_lines = 10;        // how many skipped line numbers to keep
};

namespace detail {

enum class RecordStatus { complete, need_more, malformed };

// One record parsed from [data + begin, data + end). `eof` says no more bytes will come, so
// a record may end at `end`. Leaves the fields in `out` (views into data, or into scratch
// for fields with "" escapes; scratch is reserved so that it never moves while a record is
// parsed), the offset just past the record in `next`, and the newlines it consumed. On
// malformed, `error_*` say what and where (column is 1-based).
struct RecordParser {
  char delimiter = ',';
  std::vector<std::string_view> out;
  std::string scratch;
  std::size_t next = 0;
  std::size_t newlines = 0;
  bool any_quoted = false;
  std::size_t error_column = 0;
  std::string error_what;
  std::size_t error_pos = 0;  // where to resume looking for the end of the bad line

  // The first delimiter or '\n' in [p, end), or end. Eight bytes at a time (SWAR): fields
  // are short, so one or two words usually find it.
  static std::size_t find_stop(const char* data, std::size_t p, std::size_t end, char d) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const std::uint64_t dd = ones * static_cast<unsigned char>(d), nn = ones * '\n';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (p + 8 <= end) {
      std::uint64_t w;
      std::memcpy(&w, data + p, 8);
      const std::uint64_t a = w ^ dd, b = w ^ nn;
      // A byte of a (or b) is zero exactly where w holds d (or '\n'); the classic
      // has-zero test is exact for the lowest such byte, which is the one we take.
      const std::uint64_t hit = ((a - ones) & ~a & highs) | ((b - ones) & ~b & highs);
      if (hit) return p + static_cast<std::size_t>(count_trailing_zeros(hit) >> 3);
      p += 8;
    }
#endif
    while (p < end && data[p] != d && data[p] != '\n') ++p;
    return p;
  }

  static unsigned count_trailing_zeros(std::uint64_t x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctzll(x));
#else
    unsigned n = 0;
    while (!(x & 1)) {
      x >>= 1;
      ++n;
    }
    return n;
#endif
  }

  RecordStatus parse(const char* data, std::size_t begin, std::size_t end, bool eof) {
    out.clear();
    scratch.clear();
    newlines = 0;
    any_quoted = false;
    const char d = delimiter;
    std::size_t p = begin;
    for (;;) {
      // The common field: neither blank nor quote at its start, and its end in the buffer.
      if (p < end && data[p] != ' ' && data[p] != '\t' && data[p] != '"') {
        const std::size_t q = find_stop(data, p, end, d);
        if (q < end) {
          std::size_t e = q;
          while (e > p && is_blank(data[e - 1])) --e;
          out.emplace_back(data + p, e - p);
          if (data[q] == d) {
            p = q + 1;
            continue;
          }
          ++newlines;
          next = q + 1;
          return RecordStatus::complete;
        }
      }
      while (p < end && (data[p] == ' ' || data[p] == '\t') && data[p] != d) ++p;
      if (p < end && data[p] == '"') {
        any_quoted = true;
        // Quoted field: runs to the '"' that is not followed by another '"'.
        std::size_t q = p + 1;
        std::size_t seg = q;  // start of the not yet copied part
        bool escaped = false;
        const std::size_t scratch_begin = scratch.size();
        for (;;) {
          const void* hit = q < end ? std::memchr(data + q, '"', end - q) : nullptr;
          if (!hit) {
            if (!eof) return RecordStatus::need_more;
            error_column = out.size() + 1;
            error_what = "unterminated quoted field: the '\"' that opens it is never closed";
            error_pos = begin;  // the rest of the input is one field: resume on line two
            newlines = 0;
            return RecordStatus::malformed;
          }
          const std::size_t r = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
          if (r + 1 < end && data[r + 1] == '"') {
            // "" inside: one quote. Copy what precedes it (and the quote) to scratch.
            if (!escaped && scratch.capacity() < end - begin) scratch.reserve(end - begin);
            escaped = true;
            scratch.append(data + seg, r + 1 - seg);
            seg = r + 2;
            q = r + 2;
            continue;
          }
          if (r + 1 >= end && !eof) return RecordStatus::need_more;  // "" could follow
          // Closing quote.
          for (std::size_t i = p + 1; i < r; ++i) newlines += data[i] == '\n';
          if (escaped) {
            scratch.append(data + seg, r - seg);
            out.emplace_back(scratch.data() + scratch_begin, scratch.size() - scratch_begin);
          } else {
            out.emplace_back(data + p + 1, r - (p + 1));
          }
          p = r + 1;
          break;
        }
        while (p < end && is_blank(data[p]) && data[p] != d) ++p;
        if (p >= end) {
          if (!eof) return RecordStatus::need_more;
          next = end;
          return RecordStatus::complete;
        }
        const char c = data[p];
        if (c == d) {
          ++p;
          continue;
        }
        if (c == '\n') {
          ++newlines;
          next = p + 1;
          return RecordStatus::complete;
        }
        error_column = out.size();
        error_pos = p;  // newlines up to p are counted: resume after the line holding p
        error_what = std::string("unexpected ") + quote_value(std::string_view(&data[p], 1)) +
                     " after the closing quote (write \"\" for a quote inside a quoted field)";
        return RecordStatus::malformed;
      }
      // Unquoted field: up to the delimiter or the end of the line.
      std::size_t q = find_stop(data, p, end, d);
      if (q >= end && !eof) return RecordStatus::need_more;
      std::size_t e = q;
      while (e > p && is_blank(data[e - 1])) --e;
      out.emplace_back(data + p, e - p);
      if (q >= end) {
        next = end;
        return RecordStatus::complete;
      }
      if (data[q] == '\n') {
        ++newlines;
        next = q + 1;
        return RecordStatus::complete;
      }
      p = q + 1;  // past the delimiter
    }
  }

  // A record that is one empty unquoted field: a blank line.
  bool blank() const noexcept { return out.size() == 1 && out[0].empty() && !any_quoted; }

  // Hands the fields over (a swap: both vectors keep their capacity).
  void take(std::vector<std::string_view>& fields) noexcept { fields.swap(out); }
};

}  // namespace detail

// Reads a CSV record by record in constant memory. Fields are views into an internal
// buffer, valid until the next call to next().
class CsvReader {
 public:
  CsvReader(const std::string& path, CsvOptions options = {})
      : name_(path), options_(options) {
    auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*file)
      throw Error("cannot open " + path + ": " + std::strerror(errno) +
                  " (check the path and the permissions)");
    owned_ = std::move(file);
    in_ = owned_.get();
    start();
  }

  CsvReader(std::istream& in, std::string name, CsvOptions options = {})
      : name_(std::move(name)), options_(options), in_(&in) {
    start();
  }

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::vector<std::string>& header() const noexcept { return header_; }
  const CsvOptions& options() const noexcept { return options_; }

  // Index of a header column, if present.
  std::optional<std::size_t> find(std::string_view column) const {
    for (std::size_t i = 0; i < header_.size(); ++i)
      if (header_[i] == column) return i;
    return std::nullopt;
  }

  // The next record, in header order. false at the end of the input.
  bool next(std::vector<std::string_view>& fields) {
    for (;;) {
      if (!read_record()) return false;
      if (parser_.out.size() == header_.size()) {
        parser_.take(fields);
        return true;
      }
      const std::size_t found = parser_.out.size();
      std::size_t column;
      std::string what = "expected " + std::to_string(header_.size()) +
                         " fields as in the header, found " + std::to_string(found) + ": ";
      std::string field;
      if (found < header_.size()) {
        column = found + 1;
        field = header_[found];
        what += describe_column(column, field) + " is missing";
      } else {
        column = header_.size() + 1;
        what += "field " + std::to_string(column) + " " + quote_value(parser_.out[header_.size()]) +
                " has no column";
      }
      if (!options_.skip_malformed) throw row_error(name_, line_, what, column, field);
      note_skipped(line_);
    }
  }

  // 1-based line on which the record just returned starts (the header is on line 1).
  std::size_t line() const noexcept { return line_; }
  // Malformed records skipped so far (skip_malformed), and the first of their lines.
  std::size_t skipped() const noexcept { return skipped_; }
  const std::vector<std::size_t>& skipped_lines() const noexcept { return skipped_lines_; }
  // Size of the read buffer: chunk_bytes, or the longest record if longer (constant memory).
  std::size_t buffer_bytes() const noexcept { return buf_.size(); }
  // Bytes consumed so far (for progress reports).
  std::uint64_t bytes_read() const noexcept { return consumed_ + pos_; }

  // For callers that reject a record for its values (skip_malformed): count it alongside
  // the structural skips.
  void note_skipped(std::size_t line) {
    ++skipped_;
    if (skipped_lines_.size() < options_.report_lines) skipped_lines_.push_back(line);
  }

 private:
  void start() {
    if (options_.chunk_bytes < 16) options_.chunk_bytes = 16;
    buf_.resize(options_.chunk_bytes);
    fill();
    if (end_ >= 3 && static_cast<unsigned char>(buf_[0]) == 0xEF &&
        static_cast<unsigned char>(buf_[1]) == 0xBB && static_cast<unsigned char>(buf_[2]) == 0xBF)
      pos_ = 3;
    const bool skip = options_.skip_malformed;
    options_.skip_malformed = false;  // a broken header is never skipped
    const bool got = read_record();
    options_.skip_malformed = skip;
    if (!got)
      throw row_error(name_, 1, "the file is empty: a CSV needs a header row naming its columns");
    std::vector<std::string_view> names;
    parser_.take(names);
    std::unordered_set<std::string_view> seen;
    header_.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      header_.emplace_back(trim(names[i]));
    }
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (!seen.insert(header_[i]).second)
        throw field_error(name_, line_, i + 1, header_[i],
                          "duplicate column name " + quote_value(header_[i]) +
                              " in the header (rename one of them)");
    }
  }

  // Reads more input after the unconsumed bytes [pos_, end_). false if nothing came.
  bool fill() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      consumed_ += pos_;
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);  // one record longer than a chunk
    in_->read(buf_.data() + end_, static_cast<std::streamsize>(buf_.size() - end_));
    const std::size_t got = static_cast<std::size_t>(in_->gcount());
    end_ += got;
    if (got == 0 || in_->eof()) eof_ = true;
    if (in_->bad()) throw Error("cannot read " + name_ + ": the input stream failed");
    return got > 0;
  }

  // Skips past the first newline at or after pos_ (recovery from a malformed record).
  void skip_line() {
    for (;;) {
      const void* nl = pos_ < end_ ? std::memchr(buf_.data() + pos_, '\n', end_ - pos_) : nullptr;
      if (nl) {
        pos_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
        return;
      }
      pos_ = end_;
      if (!fill()) return;
    }
  }

  // Parses the next non-blank record into parser_, setting line_. false at the end.
  bool read_record() {
    parser_.delimiter = options_.delimiter;
    for (;;) {
      if (pos_ >= end_ && !fill()) return false;
      const auto status = parser_.parse(buf_.data(), pos_, end_, eof_);
      if (status == detail::RecordStatus::need_more) {
        if (end_ - pos_ >= options_.max_record_bytes) {
          const std::string what = "a record longer than " +
                                   std::to_string(options_.max_record_bytes) +
                                   " bytes (an unbalanced quote?)";
          if (!options_.skip_malformed) throw row_error(name_, next_line_, what);
          note_skipped(next_line_);
          skip_line();
          ++next_line_;
          continue;
        }
        fill();
        continue;
      }
      if (status == detail::RecordStatus::malformed) {
        const std::size_t column = parser_.error_column;
        const std::string field = column >= 1 && column <= header_.size() ? header_[column - 1]
                                                                          : std::string();
        if (!options_.skip_malformed)
          throw field_error(name_, next_line_, column, field, parser_.error_what);
        note_skipped(next_line_);
        pos_ = parser_.error_pos;
        next_line_ += parser_.newlines;
        skip_line();
        ++next_line_;
        continue;
      }
      line_ = next_line_;
      next_line_ += parser_.newlines;
      pos_ = parser_.next;
      if (parser_.blank()) continue;
      return true;
    }
  }

  std::string name_;
  CsvOptions options_;
  std::unique_ptr<std::istream> owned_;
  std::istream* in_ = nullptr;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t consumed_ = 0;
  bool eof_ = false;
  detail::RecordParser parser_;
  std::vector<std::string> header_;
  std::size_t line_ = 0;       // line of the record last returned
  std::size_t next_line_ = 1;  // line on which the next record starts
  std::size_t skipped_ = 0;
  std::vector<std::size_t> skipped_lines_;
};

// Splits one record held in memory (a live event, a line from a socket) into fields
// without allocating once warm. The record must be complete; a trailing CR/LF is ignored.
// Views point into the record or into the splitter's scratch (for "" unescaping), valid
// until the next call.
class LineSplitter {
 public:
  explicit LineSplitter(char delimiter = ',') { parser_.delimiter = delimiter; }

  // ParseError naming `file` and `line` (for the message), and the column by its header
  // name when `header` is given, on an unterminated quote or a character after a closing
  // quote, or when the record holds more than one line.
  const std::vector<std::string_view>& split(std::string_view record,
                                             const std::string& file = "<event>",
                                             std::size_t line = 1,
                                             const std::vector<std::string>* header = nullptr) {
    while (!record.empty() && (record.back() == '\n' || record.back() == '\r'))
      record.remove_suffix(1);
    const auto status = parser_.parse(record.data(), 0, record.size(), /*eof=*/true);
    if (status == detail::RecordStatus::malformed) {
      const std::size_t column = parser_.error_column;
      const std::string name =
          header && column >= 1 && column <= header->size() ? (*header)[column - 1] : std::string();
      throw field_error(file, line, column, name, parser_.error_what);
    }
    if (parser_.next != record.size())
      throw row_error(file, line, "more than one record in a single event (an unquoted newline)");
    parser_.take(fields_);
    return fields_;
  }

 private:
  detail::RecordParser parser_;
  std::vector<std::string_view> fields_;
};

}  // namespace dlrm::prep
