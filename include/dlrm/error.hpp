#pragma once
// The exception hierarchy shared by the model side and the data side (std only).
// Every message says what went wrong, where, and what to do about it.
#include <cstddef>
#include <stdexcept>
#include <string>

namespace dlrm {

// Base of everything the library throws on bad input or misuse.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Inconsistent Shape / Config at construction.
class ShapeError : public Error {
 public:
  using Error::Error;
};

// A Batch or event handed to the model that does not fit it (wrong table count, index out
// of range, bad offsets, NaN dense values).
class InputError : public Error {
 public:
  using Error::Error;
};

// A file that is not what it claims: npz, artifact, schema text (truncated, wrong shape,
// checksum mismatch, newer version).
class FormatError : public Error {
 public:
  using Error::Error;
};

// A value in a text input (CSV, schema file) that cannot be read. Carries the location so
// that callers that skip bad rows can report them; the message already names all of it.
class ParseError : public Error {
 public:
  ParseError(const std::string& message, std::string file, std::size_t line,
             std::size_t column, std::string field)
      : Error(message), file_(std::move(file)), line_(line), column_(column),
        field_(std::move(field)) {}
  const std::string& file() const noexcept { return file_; }
  std::size_t line() const noexcept { return line_; }      // 1-based, header is line 1
  std::size_t column() const noexcept { return column_; }  // 1-based field number, 0 = whole row
  const std::string& field() const noexcept { return field_; }

 private:
  std::string file_;
  std::size_t line_;
  std::size_t column_;
  std::string field_;
};

}  // namespace dlrm
