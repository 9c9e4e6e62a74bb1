#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "dlrm/preprocessing/csv.hpp"

using dlrm::ParseError;
using dlrm::prep::CsvOptions;
using dlrm::prep::CsvReader;

namespace {

struct Record {
  std::size_t line;
  std::vector<std::string> fields;
  bool operator==(const Record& o) const { return line == o.line && fields == o.fields; }
};

std::vector<Record> read_all(const std::string& text, CsvOptions options = {},
                             std::vector<std::string>* header = nullptr) {
  std::istringstream in(text);
  CsvReader reader(in, "data.csv", options);
  if (header) *header = reader.header();
  std::vector<Record> out;
  std::vector<std::string_view> fields;
  while (reader.next(fields)) {
    Record r{reader.line(), {}};
    for (auto f : fields) r.fields.emplace_back(f);
    out.push_back(r);
  }
  return out;
}

std::string error_of(const std::string& text, CsvOptions options = {}) {
  try {
    read_all(text, options);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("plain records: header, trimming, empty fields as empty views") {
  std::vector<std::string> header;
  auto rows = read_all(" a , b,c \n1, x ,\n  , ,3\n", {}, &header);
  CHECK(header == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == Record{2, {"1", "x", ""}});
  CHECK(rows[1] == Record{3, {"", "", "3"}});
}

TEST_CASE("a byte-order mark and CRLF line ends are stripped") {
  std::vector<std::string> header;
  auto rows = read_all("\xEF\xBB\xBF" "date,time,v\r\n25-Apr-19, 19:19:40 ,9\r\n1-Apr-19,8:59:02, off\r\n",
                       {}, &header);
  CHECK(header == std::vector<std::string>{"date", "time", "v"});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == Record{2, {"25-Apr-19", "19:19:40", "9"}});
  CHECK(rows[1] == Record{3, {"1-Apr-19", "8:59:02", "off"}});
}

TEST_CASE("RFC 4180 quoting: delimiters, doubled quotes, newlines; a record's line is where it starts") {
  const std::string text =
      "id,text,n\n"
      "1,\"a,b\",2\n"
      "2,\"say \"\"hi\"\"\",3\n"
      "3,\"two\nlines\r\nhere\",4\n"
      "4,  \"kept  spaces \"  ,5\n"
      "5,\"\",6\n"
      "6,5\"inch,7\n";
  auto rows = read_all(text);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0] == Record{2, {"1", "a,b", "2"}});
  CHECK(rows[1] == Record{3, {"2", "say \"hi\"", "3"}});
  CHECK(rows[2] == Record{4, {"3", "two\nlines\r\nhere", "4"}});
  CHECK(rows[3] == Record{7, {"4", "kept  spaces ", "5"}});
  CHECK(rows[4] == Record{8, {"5", "", "6"}});
  CHECK(rows[5] == Record{9, {"6", "5\"inch", "7"}});
}

TEST_CASE("blank lines are skipped but counted; the last line may lack its newline") {
  auto rows = read_all("a,b\n\n1,2\r\n  \r\n3,4");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == Record{3, {"1", "2"}});
  CHECK(rows[1] == Record{5, {"3", "4"}});
}

TEST_CASE("a chosen delimiter") {
  CsvOptions semi;
  semi.delimiter = ';';
  auto rows = read_all("a;b\n1,5;\"x;y\"\n", semi);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == Record{2, {"1,5", "x;y"}});
  CsvOptions tab;
  tab.delimiter = '\t';
  std::vector<std::string> header;
  rows = read_all("\ta\tb\n 1 \t\t2\n\t\t\n\"q\"\t\t \n", tab, &header);
  CHECK(header == std::vector<std::string>{"", "a", "b"});
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == Record{2, {"1", "", "2"}});  // tabs are the delimiter, spaces still trimmed
  CHECK(rows[1] == Record{3, {"", "", ""}});
  CHECK(rows[2] == Record{4, {"q", "", ""}});
  std::vector<std::string> comma_header;
  rows = read_all(",a, b\n,,\n", {}, &comma_header);  // an empty first field at the buffer start
  CHECK(comma_header == std::vector<std::string>{"", "a", "b"});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == Record{2, {"", "", ""}});
}

TEST_CASE("records straddling buffer refills read the same at every chunk size") {
  std::string text = "\xEF\xBB\xBF" "id,quoted,plain,last\r\n";
  for (int i = 0; i < 40; ++i) {
    text += std::to_string(i) + ",\"q" + std::to_string(i) + ",\"\"x\"\"\n\ny\", p" +
            std::string(static_cast<std::size_t>(i % 7), 'z') + " ," +
            (i % 3 == 0 ? "" : "L") + "\r\n";
    if (i % 5 == 0) text += "\r\n";  // blank line
  }
  CsvOptions big;
  const auto expected = read_all(text, big);
  REQUIRE(expected.size() == 40);
  CHECK(expected[0] == Record{2, {"0", "q0,\"x\"\n\ny", "p", ""}});
  CHECK(expected[1] == Record{6, {"1", "q1,\"x\"\n\ny", "pz", "L"}});
  CHECK(expected[39].line == 2 + 39 * 3 + 8);  // 3 lines a record, 8 blank lines before it
  for (std::size_t chunk = 16; chunk <= 80; ++chunk) {
    CsvOptions small;
    small.chunk_bytes = chunk;
    CAPTURE(chunk);
    CHECK(read_all(text, small) == expected);
  }
}

TEST_CASE("wrong field counts are errors naming file, line, column and field") {
  CHECK(error_of("a,b,c\n1,2,3\n4,5\n") ==
        "data.csv:3: expected 3 fields as in the header, found 2: column 3 (c) is missing");
  CHECK(error_of("a,b,c\n1,2,3,\"x y\"\n") ==
        "data.csv:2: expected 3 fields as in the header, found 4: field 4 \"x y\" has no column");
  try {
    read_all("a,b,c\n\n4,5\n");
    FAIL("no error");
  } catch (const ParseError& e) {
    CHECK(e.file() == "data.csv");
    CHECK(e.line() == 3);
    CHECK(e.column() == 3);
    CHECK(e.field() == "c");
  }
}

TEST_CASE("quoting errors are exact") {
  CHECK(error_of("a,b\n1,2\n3,\"open\n4,5\n") ==
        "data.csv:3: column 2 (b): unterminated quoted field: the '\"' that opens it is never closed");
  CHECK(error_of("a,b\n1,\"x\"y\n") ==
        "data.csv:2: column 2 (b): unexpected \"y\" after the closing quote (write \"\" for a quote "
        "inside a quoted field)");
  CsvOptions tiny;
  tiny.chunk_bytes = 16;
  tiny.max_record_bytes = 64;
  CHECK(error_of("a,b\n1,\"" + std::string(100, 'x') + "\"\n", tiny) ==
        "data.csv:2: a record longer than 64 bytes (an unbalanced quote?)");
}

TEST_CASE("empty files, missing files and duplicate header names") {
  CHECK(error_of("") == "data.csv:1: the file is empty: a CSV needs a header row naming its columns");
  CHECK(error_of("\xEF\xBB\xBF\r\n\n") ==
        "data.csv:1: the file is empty: a CSV needs a header row naming its columns");
  CHECK(error_of("a,b, a\n") ==
        "data.csv:1: column 3 (a): duplicate column name \"a\" in the header (rename one of them)");
  CHECK_THROWS_WITH_AS(CsvReader("/nonexistent/x.csv"),
                       "cannot open /nonexistent/x.csv: No such file or directory (check the path "
                       "and the permissions)",
                       dlrm::Error);
}

TEST_CASE("skip_malformed skips and counts bad records, keeping the first lines") {
  CsvOptions skip;
  skip.skip_malformed = true;
  skip.report_lines = 3;
  std::istringstream in(
      "a,b\n1,2\n3\n4,5,6\n7,\"x\"y\n8,9\n10,\"open\n11,12\n13,14\n");
  CsvReader reader(in, "data.csv", skip);
  std::vector<std::string_view> f;
  std::vector<std::size_t> lines;
  std::vector<std::string> first;
  while (reader.next(f)) {
    lines.push_back(reader.line());
    first.emplace_back(f[0]);
  }
  CHECK(lines == std::vector<std::size_t>{2, 6, 8, 9});
  CHECK(first == std::vector<std::string>{"1", "8", "11", "13"});
  CHECK(reader.skipped() == 4);
  CHECK(reader.skipped_lines() == std::vector<std::size_t>{3, 4, 5});
}

TEST_CASE("skip_malformed resumes after the line where a quoting error is found") {
  CsvOptions skip;
  skip.skip_malformed = true;
  // The bad record starts on line 2; its quoted field runs onto line 3, where the error is.
  // Resuming on line 3 instead would read `y"z,2` as a record of two good-looking fields.
  std::istringstream in("a,b\n\"x\ny\"z,2\n3,4\n");
  CsvReader reader(in, "data.csv", skip);
  std::vector<std::string_view> f;
  REQUIRE(reader.next(f));
  CHECK(reader.line() == 4);
  CHECK(f[0] == "3");
  CHECK_FALSE(reader.next(f));
  CHECK(reader.skipped() == 1);
  CHECK(reader.skipped_lines() == std::vector<std::size_t>{2});
}

TEST_CASE("parse_number reads decimal and scientific text only") {
  using dlrm::prep::parse_number;
  CHECK(*parse_number("12") == 12.0);
  CHECK(*parse_number(" -0.5 ") == -0.5);
  CHECK(*parse_number("+3") == 3.0);
  CHECK(*parse_number("1e-3") == 1e-3);
  CHECK(*parse_number("1538478769.600293") == 1538478769.600293);
  CHECK(*parse_number(".5") == 0.5);
  CHECK(std::isnan(*parse_number("NaN")));
  CHECK_FALSE(parse_number("").has_value());
  CHECK_FALSE(parse_number("  ").has_value());
  CHECK_FALSE(parse_number("abc").has_value());
  CHECK_FALSE(parse_number("12abc").has_value());
  CHECK_FALSE(parse_number("inf").has_value());
  CHECK_FALSE(parse_number("-infinity").has_value());
  CHECK_FALSE(parse_number("0x10").has_value());
  CHECK_FALSE(parse_number("1,5").has_value());
  CHECK_FALSE(parse_number("+").has_value());
  CHECK_FALSE(parse_number("+-1").has_value());
  CHECK_FALSE(parse_number("192.168.1.1").has_value());
}

TEST_CASE("parse_boolean: 0/1 true/false on/off yes/no, any case, padded") {
  using dlrm::prep::parse_boolean;
  for (const char* t : {"1", "true", "TRUE", " on", "Yes", " y ", "T"}) CHECK(*parse_boolean(t));
  for (const char* f : {"0", "false", "False", " off", "NO", "n", "f\r"}) CHECK_FALSE(*parse_boolean(f));
  for (const char* x : {"", "2", "maybe", "open", "truee", "1.0"}) CHECK_FALSE(parse_boolean(x).has_value());
}

TEST_CASE("quote_value escapes and truncates") {
  using dlrm::prep::quote_value;
  CHECK(quote_value("a\"b\n\x01") == "\"a\\\"b\\n\\x01\"");
  CHECK(quote_value(std::string(70, 'x')) == "\"" + std::string(60, 'x') + "...\"");
}

TEST_CASE("LineSplitter splits one event without a stream") {
  dlrm::prep::LineSplitter split;
  const auto& f = split.split(" 1 ,\"a,\"\"b\"\"\",,x\r\n");
  REQUIRE(f.size() == 4);
  CHECK(f[0] == "1");
  CHECK(f[1] == "a,\"b\"");
  CHECK(f[2] == "");
  CHECK(f[3] == "x");
  CHECK_THROWS_WITH_AS(split.split("1,\"open", "live", 7),
                       "live:7: column 2: unterminated quoted field: the '\"' that opens it is never "
                       "closed",
                       ParseError);
  const std::vector<std::string> header{"id", "text"};
  CHECK_THROWS_WITH_AS(split.split("1,\"x\"y", "live", 9, &header),
                       "live:9: column 2 (text): unexpected \"y\" after the closing quote (write "
                       "\"\" for a quote inside a quoted field)",
                       ParseError);
  CHECK_THROWS_WITH_AS(split.split("1,2\n3,4", "live", 8),
                       "live:8: more than one record in a single event (an unquoted newline)",
                       ParseError);
}

TEST_CASE("parse_number's fast decimal path gives exactly what std::from_chars gives") {
  // The scalar twin: every value compared bit for bit with from_chars on the same text.
  std::uint64_t state = 7;
  auto next = [&] {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  std::vector<std::string> texts = {"0",  "-0", "0.000499", "9007199254740992", "9007199254740993",
                                    "1234567890123456789", "12345678901234567890", "0.1", "5.",
                                    "-.5", "1538478769.600293", "0.0000000000000000000001",
                                    "0.00000000000000000000001", "123456.78901234567"};
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t r = next();
    std::string t = (r & 1) ? "-" : "";
    t += std::to_string((r >> 1) % (std::uint64_t(1) << (1 + (r >> 8) % 60)));
    const int decimals = static_cast<int>((r >> 20) % 25);
    if (decimals) {
      const std::size_t at = t.size() > static_cast<std::size_t>(decimals) + (r & 1)
                                 ? t.size() - static_cast<std::size_t>(decimals)
                                 : (r & 1);
      t = t.substr(0, at) + '.' + t.substr(at);
    }
    texts.push_back(t);
  }
  for (const auto& t : texts) {
    double expected = 0;
    const auto res = std::from_chars(t.data(), t.data() + t.size(), expected);
    REQUIRE(res.ec == std::errc());
    REQUIRE(res.ptr == t.data() + t.size());
    const auto got = dlrm::prep::parse_number(t);
    REQUIRE(got.has_value());
    CAPTURE(t);
    std::uint64_t a, b;
    std::memcpy(&a, &expected, 8);
    std::memcpy(&b, &*got, 8);
    CHECK(a == b);
  }
}

TEST_CASE("random RFC 4180 text reads back field for field at every chunk size") {
  std::uint64_t state = 99;
  auto next = [&] {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const std::string alphabet[] = {"a", "b", "7", " ", ",", "\"", "\n", "\r\n", "\t", "\xC3\xA9", "."};
  std::string text = "x,y,z\n";
  std::vector<Record> expected;
  std::size_t line = 2;
  for (int r = 0; r < 300; ++r) {
    Record rec{line, {}};
    for (int f = 0; f < 3; ++f) {
      std::string value;
      const auto len = next() % 7;
      for (std::uint64_t k = 0; k < len; ++k) value += alphabet[next() % 11];
      const bool special = value.find_first_of(",\"\n\r") != std::string::npos ||
                           (!value.empty() && (dlrm::prep::is_blank(value.front()) ||
                                               dlrm::prep::is_blank(value.back())));
      if (f) text += ',';
      if (special || next() % 4 == 0) {
        if (next() % 3 == 0) text += "  ";  // spaces around a quoted field are ignored
        text += '"';
        for (char c : value) {
          if (c == '"') text += '"';
          text += c;
        }
        text += '"';
        if (next() % 3 == 0) text += " ";
      } else {
        text += value;
      }
      for (char c : value) line += c == '\n';
      rec.fields.push_back(value);
    }
    text += next() % 2 ? "\n" : "\r\n";
    ++line;
    expected.push_back(rec);
  }
  for (std::size_t chunk : {16, 17, 33, 64, 1000, 1 << 20}) {
    CAPTURE(chunk);
    CsvOptions o;
    o.chunk_bytes = chunk;
    CHECK(read_all(text, o) == expected);
  }
}

namespace {

// An endless-looking CSV made on the fly: the input never exists in memory as a whole.
class GeneratedCsv : public std::streambuf {
 public:
  explicit GeneratedCsv(std::size_t rows) : rows_(rows) { line_ = "id,value,text\n"; setg_line(); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (row_ >= rows_) return traits_type::eof();
    line_ = std::to_string(row_) + "," + std::to_string(row_ % 977) + ".25,\"row " +
            std::to_string(row_) + ", with a comma\"\r\n";
    ++row_;
    setg_line();
    return traits_type::to_int_type(*gptr());
  }

 private:
  void setg_line() { setg(line_.data(), line_.data(), line_.data() + line_.size()); }
  std::size_t rows_, row_ = 0;
  std::string line_;
};

}  // namespace

TEST_CASE("streaming: 20 MB read through a 64 KB buffer that never grows") {
  GeneratedCsv source(500000);  // about 20 MB
  std::istream in(&source);
  CsvOptions o;
  o.chunk_bytes = 1 << 16;
  CsvReader reader(in, "generated.csv", o);
  std::vector<std::string_view> f;
  std::size_t rows = 0;
  bool ok = true;
  while (reader.next(f)) {
    if (rows % 99991 == 0)
      ok = ok && f[0] == std::to_string(rows) && reader.line() == rows + 2 &&
           f[2] == "row " + std::to_string(rows) + ", with a comma";
    ++rows;
  }
  CHECK(ok);
  CHECK(rows == 500000);
  CHECK(reader.bytes_read() > 20'000'000u);
  CHECK(reader.buffer_bytes() == std::size_t(1) << 16);
}
