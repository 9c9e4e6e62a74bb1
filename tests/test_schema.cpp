#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dlrm/preprocessing/schema.hpp"

using namespace dlrm::prep;

namespace {

ColumnSpec col(std::string name, Role role) {
  ColumnSpec c;
  c.name = std::move(name);
  c.role = role;
  return c;
}

std::string error_of(const std::string& text) {
  try {
    parse_schema(text, "home.schema");
  } catch (const dlrm::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the documented example reads as written") {
  const std::string text =
      "# dlrm schema v1\n"
      "time_format: auto\n"
      "positive: 1\n"
      "scaler: zscore\n"
      "clip: no\n"
      "time_features: yes\n"
      "column date time\n"
      "column time time\n"
      "column fridge_temperature numeric impute=ffill\n"
      "column temp_condition categorical\n"
      "column sphone_signal categorical boolean\n"
      "column id.orig_h hashed buckets=4096\n"
      "column duration numeric missing_indicator\n"
      "column uid drop\n"
      "column label label\n"
      "window pkts_per_src count key=id.orig_h seconds=10\n";
  const Schema s = parse_schema(text, "home.schema");
  REQUIRE(s.columns.size() == 9);
  CHECK(s.time_format.empty());
  CHECK(s.positive == std::vector<std::string>{"1"});
  CHECK(s.names_with(Role::time) == std::vector<std::string>{"date", "time"});
  CHECK(s.find("fridge_temperature")->impute == Impute::ffill);
  CHECK(s.find("sphone_signal")->boolean);
  CHECK(s.find("sphone_signal")->role == Role::categorical);
  CHECK(s.find("id.orig_h")->buckets == 4096);
  CHECK(s.find("duration")->missing_indicator);
  CHECK(s.find("uid")->role == Role::drop);
  REQUIRE(s.windows.size() == 1);
  CHECK(s.windows[0].key == "id.orig_h");
  CHECK(s.windows[0].seconds == 10.0);
  CHECK(to_text(s) == text);  // already in the canonical form
}

TEST_CASE("every field of Schema, ColumnSpec and WindowSpec round-trips exactly") {
  Schema s;
  s.time_format = "%d-%b-%y %H:%M:%S";
  s.positive = {"Malicious", "2", "", "a \"quoted\" value"};
  s.scaler = ScalerKind::minmax;
  s.clip = true;
  s.time_features = false;
  s.columns.push_back(col("ts", Role::time));
  ColumnSpec temp = col("living room temp", Role::numeric);
  temp.impute = Impute::constant;
  temp.fill_value = "21.5";
  temp.missing_indicator = true;
  s.columns.push_back(temp);
  ColumnSpec ip = col("id.orig_h", Role::hashed);
  ip.buckets = 1000003;
  ip.fill_value = "0.0.0.0";
  s.columns.push_back(ip);
  ColumnSpec state = col("a=b#c", Role::categorical);
  state.min_frequency = 5;
  state.boolean = true;
  state.impute = Impute::ffill;
  s.columns.push_back(state);
  ColumnSpec empty_name = col("", Role::drop);
  s.columns.push_back(empty_name);
  s.columns.push_back(col("actor", Role::label));
  WindowSpec w1;
  w1.name = "bytes per src";
  w1.kind = WindowKind::sum;
  w1.key = "id.orig_h";
  w1.value = "living room temp";
  w1.seconds = 0.1;
  WindowSpec w2;
  w2.name = "since_motion";
  w2.kind = WindowKind::since_change;
  w2.value = "a=b#c";
  w2.seconds = 1e-7;
  WindowSpec w3;
  w3.name = "distinct";
  w3.kind = WindowKind::distinct;
  w3.key = "a=b#c";
  w3.value = "id.orig_h";
  w3.seconds = 86400.123456789;
  s.windows = {w1, w2, w3};

  const std::string text = to_text(s);
  CHECK(text ==
        "# dlrm schema v1\n"
        "time_format: \"%d-%b-%y %H:%M:%S\"\n"
        "positive: Malicious 2 \"\" \"a \"\"quoted\"\" value\"\n"
        "scaler: minmax\n"
        "clip: yes\n"
        "time_features: no\n"
        "column ts time\n"
        "column \"living room temp\" numeric impute=constant fill=21.5 missing_indicator\n"
        "column id.orig_h hashed fill=0.0.0.0 buckets=1000003\n"
        "column \"a=b#c\" categorical impute=ffill min_frequency=5 boolean\n"
        "column \"\" drop\n"
        "column actor label\n"
        "window \"bytes per src\" sum key=id.orig_h value=\"living room temp\" seconds=0.1\n"
        "window since_motion since_change value=\"a=b#c\" seconds=1e-07\n"
        "window distinct distinct key=\"a=b#c\" value=id.orig_h seconds=86400.123456789\n");
  const Schema back = parse_schema(text, "x");
  CHECK(back == s);
  CHECK(to_text(back) == text);

  Schema defaults;
  CHECK(parse_schema(to_text(defaults), "x") == defaults);
  Schema literal_auto;
  literal_auto.time_format = "auto";  // a format that is the word itself stays a format
  CHECK(parse_schema(to_text(literal_auto), "x").time_format == "auto");
}

TEST_CASE("comments, blank lines, CRLF and spacing are tolerated") {
  const Schema s = parse_schema(
      "\r\n  # a comment\r\ncolumn   ts   time  # trailing comment\r\n\tcolumn v numeric\r\n", "x");
  REQUIRE(s.columns.size() == 2);
  CHECK(s.columns[1].name == "v");
}

TEST_CASE("schema errors name the file and the line") {
  CHECK(error_of("column a numerc\n") ==
        "home.schema:1: unknown role \"numerc\" for column \"a\" (expected time, label, numeric, "
        "categorical, hashed or drop)");
  CHECK(error_of("\ncolumn a numeric imput=ffill\n") ==
        "home.schema:2: unknown option \"imput=ffill\" for column \"a\" (expected impute=, fill=, "
        "missing_indicator, buckets=, min_frequency= or boolean)");
  CHECK(error_of("column a numeric impute=median\n") ==
        "home.schema:1: impute=\"median\" for column \"a\" (expected none, ffill or constant)");
  CHECK(error_of("column a numeric impute=constant fill=x\n") ==
        "home.schema:1: impute=constant for numeric column \"a\" needs fill=<number>, not \"x\"");
  CHECK(error_of("column ip hashed\n") ==
        "home.schema:1: hashed column \"ip\" needs buckets=<n> (e.g. buckets=4096)");
  CHECK(error_of("column ip hashed buckets=12k\n") ==
        "home.schema:1: buckets=\"12k\" is not a whole number");
  CHECK(error_of("column a numeric\ncolumn a drop\n") ==
        "home.schema:2: column \"a\" is declared twice");
  CHECK(error_of("column a label\ncolumn b label\n") ==
        "home.schema:2: a second label column \"b\" (the schema has one: \"a\")");
  CHECK(error_of("column a time\ncolumn b time\ncolumn c time\n") ==
        "home.schema:3: a third time column \"c\" (a time is one column, or a date and a time of "
        "day)");
  CHECK(error_of("column a\n") == "home.schema:1: a column line reads: column <name> <role> [options]");
  CHECK(error_of("column \"a numeric\n") ==
        "home.schema:1: unterminated quote (a \" that opens a word is never closed)");
  CHECK(error_of("scaler: robust\n") == "home.schema:1: scaler: expects zscore or minmax");
  CHECK(error_of("clip: maybe\n") == "home.schema:1: clip: expects yes or no");
  CHECK(error_of("clip: no\nclip: yes\n") == "home.schema:2: setting \"clip:\" is given twice");
  CHECK(error_of("scalar: zscore\n") ==
        "home.schema:1: unknown setting \"scalar:\" (expected time_format:, positive:, scaler:, "
        "clip: or time_features:)");
  CHECK(error_of("columns a numeric\n") ==
        "home.schema:1: cannot read \"columns\" (a line is a setting such as \"scaler: zscore\", a "
        "column or a window)");
  CHECK(error_of("time_format: \"%d %Q\"\n") ==
        "home.schema:1: time format \"%d %Q\" uses %Q, which is not supported (use %Y %y %m %d %e "
        "%H %M %S %f %b %h %B %z %s %T %F %%)");
  CHECK(error_of("# dlrm schema v2\n") ==
        "home.schema:1: schema format \"v2\" is newer than this library reads (v1); upgrade dlrm");
  CHECK(error_of("window w avg value=a seconds=5\n") ==
        "home.schema:1: unknown window kind \"avg\" for window \"w\" (expected count, sum, "
        "distinct or since_change)");
  CHECK(error_of("window w sum key=a seconds=5\n") ==
        "home.schema:1: window \"w\" of kind sum needs value=<column>");
  CHECK(error_of("column a numeric\nwindow w count key=a seconds=-1\n") ==
        "home.schema:2: seconds=\"-1\" for window \"w\" is not a positive number of seconds");
  CHECK(error_of("column a numeric\nwindow w count key=b seconds=5\n") ==
        "home.schema:2: window \"w\": key=\"b\" is not a column of this schema");
  CHECK(error_of("window w count key=a seconds=5\ncolumn a drop\n") ==
        "home.schema:1: window \"w\": key=\"a\" is a drop column (a window needs a numeric, "
        "categorical or hashed one)");
  CHECK(error_of("column a categorical\nwindow w sum value=a\n") ==
        "home.schema:2: window \"w\": sum needs a numeric value=, \"a\" is categorical");
  CHECK(error_of("column a numeric\nwindow w count\nwindow w count\n") ==
        "home.schema:3: window \"w\" is declared twice");
  try {
    parse_schema("column a numeric\ncolumn a drop\n", "home.schema");
  } catch (const dlrm::ParseError& e) {
    CHECK(e.file() == "home.schema");
    CHECK(e.line() == 2);
    CHECK(e.field() == "a");
  }
}

TEST_CASE("check_header names the schema columns the header lacks") {
  Schema s;
  s.columns = {col("ts", Role::time), col("a", Role::numeric), col("b", Role::drop)};
  CHECK_NOTHROW(check_header(s, {"b", "extra", "ts", "a"}, "data.csv"));
  CHECK_THROWS_WITH_AS(check_header(s, {"ts", "x"}, "data.csv"),
                       "data.csv:1: the header lacks the schema's columns \"a\", \"b\" (is the "
                       "schema for another file? edit it or infer a new one)",
                       dlrm::ParseError);
  CHECK_THROWS_WITH_AS(check_header(s, {"ts", "b"}, "data.csv"),
                       "data.csv:1: the header lacks the schema's column \"a\" (is the schema for "
                       "another file? edit it or infer a new one)",
                       dlrm::ParseError);
}

// ---- infer_schema on a hand-made capture ------------------------------------------------

#include <sstream>

#include "dlrm/preprocessing/infer.hpp"

namespace {

// 12 rows, one column per rule of infer.hpp.
std::string capture() {
  std::string csv =
      "stamp,actor,sensor,flow,ip,flag,const,id,frame,room,word,attack_type,empty,secret,state,level\n";
  // Persists in time: 6 of 9 adjacent present pairs equal, 2.6x the collision rate 31/121.
  const char* sensor[] = {"20.1", "", "20.1", "20.1", "20.3", "20.3",
                          "20.3", "20.5", "20.5", "20.5", "20.7", "20.7"};
  const char* flow[] = {"1.5", "2.5", "", "7", "", "3", "4", "5", "6", "", "8", "9"};
  const char* ip[] = {"10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.3", "fe80::1", "10.0.0.4",
                      "10.0.0.5", "10.0.0.1", "10.0.0.6", "10.0.0.7", "10.0.0.8", "10.0.0.1"};
  const char* flag[] = {"Yes", " no ", "YES", "no", "no", "yes", "no", "no", "yes", "no", "no", "no"};
  const char* room[] = {"kitchen", "hall", "bath", "kitchen", "hall", "kitchen",
                        "hall", "bath", "bath", "hall", "kitchen", "hall"};
  const char* word[] = {"w1", "w2", "w3", "w4", "w5", "w1", "w2", "w6", "w7", "w1", "w2", "w3"};
  const int actor[] = {1, 1, 1, 2, 2, 1, 2, 1, 1, 1, 2, 1};
  const char* attack[] = {"none", "none", "none", "dos", "dos", "none",
                          "scan", "none", "none", "none", "dos", "none"};
  // Carried forward: missing only before the first reading.
  const char* state[] = {"", "", "on", "on", "off", "off", "on", "on", "on", "off", "off", "on"};
  const char* level[] = {"", "", "", "1", "5", "2", "8", "3", "9", "4", "7", "6"};
  for (int i = 0; i < 12; ++i) {
    csv += "2019-04-25T10:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "Z," +
           std::to_string(actor[i]) + "," + sensor[i] + "," + flow[i] + "," + ip[i] + "," +
           flag[i] + ",k,a" + std::to_string(i) + "," + std::to_string(i + 1) + "," + room[i] +
           "," + word[i] + "," + attack[i] + ",,s," + state[i] + "," + level[i] + "\n";
  }
  return csv;
}

Schema infer_text(const std::string& csv, InferOptions o, std::vector<InferNote>* notes = nullptr) {
  std::istringstream in(csv);
  return infer_schema(in, "capture.csv", o, notes);
}

}  // namespace

TEST_CASE("infer_schema: one column per rule, printed in the text format") {
  InferOptions o;
  o.max_categories = 4;
  o.hash_buckets = 512;
  o.drop = {"secret"};
  std::vector<InferNote> notes;
  const Schema s = infer_text(capture(), o, &notes);
  CHECK(to_text(s) ==
        "# dlrm schema v1\n"
        "time_format: auto\n"
        "positive: 2\n"
        "scaler: zscore\n"
        "clip: no\n"
        "time_features: yes\n"
        "column stamp time\n"
        "column actor label\n"
        "column sensor numeric impute=ffill\n"
        "column flow numeric missing_indicator\n"
        "column ip hashed buckets=512\n"
        "column flag categorical boolean\n"
        "column const drop\n"
        "column id drop\n"
        "column frame drop\n"
        "column room categorical\n"
        "column word hashed buckets=512\n"
        "column attack_type drop\n"
        "column empty drop\n"
        "column secret drop\n"
        "column state categorical impute=ffill boolean\n"
        "column level numeric impute=ffill\n");
  REQUIRE(notes.size() == 16);
  CHECK(notes[0].reason == "time: every value reads as a date");
  CHECK(notes[1].reason == "label: by its name");
  CHECK(notes[2].reason ==
        "numeric: 11 of 11 values are numbers; ffill: a reading carried forward (repeats on 66.7% of "
        "rows, 2.6x the chance rate)");
  CHECK(notes[3].reason ==
        "numeric: 9 of 9 values are numbers; missing in 3 of 12 rows: missing_indicator");
  CHECK(notes[4].reason == "hashed: network addresses");
  CHECK(notes[5].reason == "categorical: boolean spellings");
  CHECK(notes[6].reason == "drop: constant");
  CHECK(notes[7].reason == "drop: unique on every sampled row (an id)");
  CHECK(notes[8].reason == "drop: a row counter (whole, unique, increasing)");
  CHECK(notes[9].reason == "categorical: 3 distinct values");
  CHECK(notes[10].reason == "hashed: more than 4 distinct values");
  CHECK(notes[11].reason == "drop: a label leak (each value occurs with one class only)");
  CHECK(notes[12].reason == "drop: empty in every sampled row");
  CHECK(notes[13].reason == "drop: as asked");
  CHECK(notes[14].reason ==
        "categorical: boolean spellings; ffill: missing only before the first reading (carried "
        "forward)");
  CHECK(notes[15].reason ==
        "numeric: 9 of 9 values are numbers; ffill: missing only before the first reading "
        "(carried forward)");
  // The annotated text is the same schema.
  CHECK(parse_schema(annotated_text(s, notes), "x") == s);

  // What the caller says wins over the guesses.
  InferOptions asked = o;
  asked.time = {"stamp"};
  asked.label = "actor";
  asked.positive = {"1"};
  asked.drop_label_leaks = false;
  const Schema t = infer_text(capture(), asked);
  CHECK(t.positive == std::vector<std::string>{"1"});
  CHECK(t.find("attack_type")->role == Role::categorical);
}

TEST_CASE("infer_schema: the sample is spread over the whole file") {
  std::string csv = "ts,v,label\n";
  for (int i = 0; i < 1000; ++i)
    csv += std::to_string(i) + "," + (i < 700 ? "a" : "b") + "," + (i < 700 ? "0" : "1") + "\n";
  InferOptions o;
  o.sample_rows = 10;  // 1000 rows thinned to the pairs at 0, 256, 512, 768: 8 rows
  const Schema s = infer_text(csv, o);
  CHECK(s.positive == std::vector<std::string>{"1"});  // the late anomalies are in the sample
  CHECK(s.find("v")->role == Role::categorical);       // and not constant
}

TEST_CASE("infer_schema: guessing the time and the label") {
  InferOptions o;
  CHECK(infer_text("Date,x,Time\n1-Apr-19,1,8:00:00\n", o).names_with(Role::time) ==
        std::vector<std::string>{"Date", "Time"});
  CHECK(infer_text("x,Timestamp\n1,5\n", o).names_with(Role::time) ==
        std::vector<std::string>{"Timestamp"});
  const Schema text_label = infer_text("ts,Label\n1,Benign\n2,Malicious\n3,normal\n4,DDoS\n", o);
  CHECK(text_label.positive == std::vector<std::string>{"DDoS", "Malicious"});
  CHECK(infer_text("ts,actor\n1,1\n2,1\n", o).positive == std::vector<std::string>{"1"});
  CHECK(infer_text("ts,label\n1,0\n2,0\n", o).positive.empty());
  CHECK(infer_text("ts,v\n1,2\n", o).names_with(Role::label).empty());
}

TEST_CASE("infer_schema errors") {
  InferOptions o;
  auto error_of = [&](const std::string& csv, const InferOptions& opt) -> std::string {
    try {
      infer_text(csv, opt);
    } catch (const dlrm::Error& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(error_of("a,b\n1,x\n", o) ==
        "capture.csv: found no time column (looked for date + time, ts, timestamp, time, "
        "datetime, date, and for date-like values); name it with InferOptions::time");
  CHECK(error_of("ts,b\n1,x\nsoon,y\n", o) ==
        "capture.csv:3: column 1 (ts): \"soon\" is not a time (expected epoch seconds, ISO 8601, "
        "dd-Mon-yy HH:MM:SS or dd/mm/yyyy HH:MM:SS; or set a time format)");
  CHECK(error_of("ts,b\n", o) ==
        "capture.csv: no data rows after the header: nothing to infer a schema from");
  InferOptions bad = o;
  bad.time = {"when"};
  CHECK(error_of("ts,b\n1,2\n", bad) == "capture.csv: the time column \"when\" is not in the header");
  bad = o;
  bad.label = "y";
  CHECK(error_of("ts,b\n1,2\n", bad) == "capture.csv: the label column \"y\" is not in the header");
  bad = o;
  bad.drop = {"z"};
  CHECK(error_of("ts,b\n1,2\n", bad) ==
        "capture.csv: InferOptions::drop names \"z\", which is not a column of the header");
}
