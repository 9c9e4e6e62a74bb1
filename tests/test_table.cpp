#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "dlrm/preprocessing/table.hpp"

using namespace dlrm::prep;

namespace {

Schema ton_schema() {
  return parse_schema(
      "positive: 1\n"
      "column date time\n"
      "column time time\n"
      "column temp numeric\n"
      "column light categorical boolean\n"
      "column cond categorical\n"
      "column label label\n"
      "column type drop\n",
      "ton.schema");
}

Table load(const std::string& csv, const Schema& schema, LoadOptions o = {}) {
  std::istringstream in(csv);
  return load_table(in, "data.csv", schema, o);
}

std::string error_of(const std::string& csv, const Schema& schema) {
  try {
    load(csv, schema);
  } catch (const dlrm::Error& e) {
    return e.what();
  }
  return "no error";
}

std::vector<std::string> texts(const TextColumn& c) {
  std::vector<std::string> out;
  for (auto code : c.codes) out.push_back(c.values[code]);
  return out;
}

}  // namespace

TEST_CASE("a TON_IoT-like file loads typed, normalised and sorted by time") {
  const std::string csv =
      "\xEF\xBB\xBF" "date,time,temp,light,cond,label,type\r\n"
      "25-Apr-19, 19:19:40 ,9, off,high,1,ddos\r\n"
      "31-Mar-19,8:59:02,2.5,ON , low ,0,normal\r\n"
      "25-Apr-19, 19:19:40 ,,true,,1,ddos\r\n"
      "31-Mar-19,8:59:01,-1e1,0,\" high \",0,normal\r\n";  // quoted padding trimmed too
  const Table t = load(csv, ton_schema());
  REQUIRE(t.rows() == 4);
  CHECK(t.source == "data.csv");
  // 31-Mar-19 08:59:01 / 08:59:02, then the two equal 25-Apr-19 19:19:40 rows in file order.
  CHECK(t.time == std::vector<double>{1554022741.0, 1554022742.0, 1556219980.0, 1556219980.0});
  CHECK(t.line == std::vector<std::size_t>{5, 3, 2, 4});
  CHECK(t.label == std::vector<std::int8_t>{0, 0, 1, 1});
  REQUIRE(t.numeric.size() == 1);
  CHECK(t.numeric[0].name == "temp");
  CHECK(t.numeric[0].values[0] == -10.0);
  CHECK(t.numeric[0].values[1] == 2.5);
  CHECK(t.numeric[0].values[2] == 9.0);
  CHECK(std::isnan(t.numeric[0].values[3]));
  REQUIRE(t.text.size() == 2);
  CHECK(t.text[0].name == "light");
  CHECK(texts(t.text[0]) == std::vector<std::string>{"0", "1", "0", "1"});
  CHECK(t.text[0].values == std::vector<std::string>{"", "0", "1"});  // interned in file order
  CHECK(texts(t.text[1]) == std::vector<std::string>{"high", "low", "high", ""});
  CHECK(t.text[1].codes[3] == 0);  // missing is code 0
  CHECK(t.skipped == 0);
}

TEST_CASE("labels match Schema::positive ignoring case and as numbers") {
  Schema s = parse_schema(
      "positive: Malicious 2\ncolumn ts time\ncolumn actor label\n", "s");
  const Table t = load("ts,actor\n1,malicious\n2,Benign\n3,2.0\n4, 2 \n5,1\n6,MALICIOUS\n", s);
  CHECK(t.label == std::vector<std::int8_t>{1, 0, 1, 1, 0, 1});
  CHECK(t.time == std::vector<double>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("without a label column the label vector is empty; extra header columns are ignored") {
  Schema s = parse_schema("column ts time\ncolumn v numeric\n", "s");
  const Table t = load("x,ts,v\nq,2019-04-25T19:19:40Z,1\n", s);
  CHECK(t.label.empty());
  CHECK(t.time == std::vector<double>{1556219980.0});
}

TEST_CASE("an explicit time format is used") {
  Schema s = parse_schema("time_format: \"%d.%m.%Y %H:%M\"\ncolumn ts time\n", "s");
  const Table t = load("ts\n25.04.2019 19:19\n", s);
  CHECK(t.time == std::vector<double>{1556219940.0});
}

TEST_CASE("values that do not read for their role are exact errors") {
  const Schema s = ton_schema();
  const std::string head = "date,time,temp,light,cond,label,type\n";
  CHECK(error_of(head + "25-Apr-19,19:19:40,abc,off,high,1,ddos\n", s) ==
        "data.csv:2: column 3 (temp): \"abc\" is not a number");
  CHECK(error_of(head + "25-Apr-19,19:19:40,inf,off,high,1,ddos\n", s) ==
        "data.csv:2: column 3 (temp): \"inf\" is not a number");
  CHECK(error_of(head + "25-Apr-19,19:19:40,1,dim,high,1,ddos\n", s) ==
        "data.csv:2: column 4 (light): \"dim\" is not a boolean (expected 0/1, true/false, on/off "
        "or yes/no)");
  CHECK(error_of(head + "25-Apr-19,19:19:40,1,off,high,,ddos\n", s) ==
        "data.csv:2: column 6 (label): the label is missing (every row needs one)");
  CHECK(error_of(head + "1,2,3,off,high,1,x\n25-Apx-19,19:19:40,1,off,high,1,ddos\n", s) ==
        "data.csv:2: column 1 (date) and column 2 (time): \"1 2\" is not a time (expected epoch "
        "seconds, ISO 8601, dd-Mon-yy HH:MM:SS or dd/mm/yyyy HH:MM:SS; or set a time format)");
  CHECK(error_of(head + "25-Apr-19,,1,off,high,1,x\n", s) ==
        "data.csv:2: column 1 (date) and column 2 (time): the time is missing");
  const Schema one = parse_schema("column ts time\n", "s");
  CHECK(error_of("ts\n1\n\"\"\n", one) == "data.csv:3: column 1 (ts): the time is missing");
  CHECK(error_of("ts\n1\nyesterday\n", one) ==
        "data.csv:3: column 1 (ts): \"yesterday\" is not a time (expected epoch seconds, ISO 8601, "
        "dd-Mon-yy HH:MM:SS or dd/mm/yyyy HH:MM:SS; or set a time format)");
  CHECK(error_of("date,temp\n1,2\n", s) ==
        "data.csv:1: the header lacks the schema's columns \"time\", \"light\", \"cond\", \"label\", "
        "\"type\" (is the schema for another file? edit it or infer a new one)");
  CHECK(error_of("v\n1\n", parse_schema("column v numeric\n", "s")) ==
        "data.csv: the schema has no time column (declare one: column <name> time)");
  try {
    load(head + "25-Apr-19,19:19:40,abc,off,high,1,ddos\n", s);
    FAIL("no error");
  } catch (const dlrm::ParseError& e) {
    CHECK(e.file() == "data.csv");
    CHECK(e.line() == 2);
    CHECK(e.column() == 3);
    CHECK(e.field() == "temp");
  }
}

TEST_CASE("skip_malformed skips bad rows of both kinds and reports the first lines in order") {
  const Schema s = ton_schema();
  LoadOptions o;
  o.skip_malformed = true;
  o.report_lines = 3;
  const Table t = load(
      "date,time,temp,light,cond,label,type\n"
      "25-Apr-19,19:19:40,abc,off,high,1,ddos\n"   // 2: bad number
      "25-Apr-19,19:19:41,1,off,high,1\n"          // 3: a field short
      "25-Apr-19,19:19:42,2,off,high,1,ddos\n"     // 4: good
      "25-Apr-19,19:19:43,3,dim,high,1,ddos\n"     // 5: bad boolean
      "25-Apr-19,19:19:44,4,on,\"x\"y,1,ddos\n"    // 6: bad quoting
      "25-Apr-19,19:19:45,5,on,high,0,normal\n",   // 7: good
      s, o);
  CHECK(t.rows() == 2);
  CHECK(t.line == std::vector<std::size_t>{4, 7});
  CHECK(t.numeric[0].values == std::vector<double>{2.0, 5.0});
  CHECK(t.label == std::vector<std::int8_t>{1, 0});
  CHECK(t.skipped == 4);
  CHECK(t.skipped_lines == std::vector<std::size_t>{2, 3, 5});
  // Values of skipped rows do not enter the vocabularies.
  CHECK(t.text[0].values == std::vector<std::string>{"", "0", "1"});
}

TEST_CASE("load_table from a path: missing file is an error") {
  CHECK_THROWS_WITH_AS(load_table("/nonexistent/data.csv", ton_schema()),
                       "cannot open /nonexistent/data.csv: No such file or directory (check the "
                       "path and the permissions)",
                       dlrm::Error);
}
