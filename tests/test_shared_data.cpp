// The real public captures in ../shared/data: infer a schema, load, and check what the
// files hold (row counts counted here, label counts from the data README). Skipped with a
// message when the folder is absent (as it is outside this project).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dlrm/preprocessing/infer.hpp"
#include "dlrm/preprocessing/table.hpp"

using namespace dlrm::prep;
namespace fs = std::filesystem;

namespace {

const fs::path kData = DLRM_SHARED_DATA;

bool have_data() {
  if (fs::exists(kData / "ton_iot") && fs::exists(kData / "iot23")) return true;
  MESSAGE("skipped: shared data not found at " << kData.string());
  return false;
}

// Data rows: newlines, plus a last line without one, less the header.
std::size_t data_rows(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::size_t lines = 0;
  char last = '\n';
  std::vector<char> buf(1 << 16);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    const auto got = static_cast<std::size_t>(in.gcount());
    lines += static_cast<std::size_t>(std::count(buf.data(), buf.data() + got, '\n'));
    last = buf[got - 1];
  }
  if (last != '\n') ++lines;
  return lines - 1;
}

std::pair<std::size_t, std::size_t> label_counts(const Table& t) {
  const auto pos = static_cast<std::size_t>(std::count(t.label.begin(), t.label.end(), 1));
  return {t.label.size() - pos, pos};
}

const TextColumn* text(const Table& t, const std::string& name) {
  for (const auto& c : t.text)
    if (c.name == name) return &c;
  return nullptr;
}

std::set<std::string> distinct(const TextColumn& c) {
  std::set<std::string> out;
  for (auto code : c.codes) out.insert(c.values[code]);
  return out;
}

struct Loaded {
  Schema schema;
  Table table;
};

Loaded infer_and_load(const fs::path& p) {
  std::vector<InferNote> notes;
  Loaded l;
  l.schema = infer_schema(p.string(), InferOptions{}, &notes);
  // The inferred schema prints, reads back identically, with or without the notes.
  CHECK(parse_schema(to_text(l.schema), "inferred") == l.schema);
  CHECK(parse_schema(annotated_text(l.schema, notes), "inferred") == l.schema);
  l.table = load_table(p.string(), l.schema);
  CHECK(l.table.rows() == data_rows(p));
  CHECK(std::is_sorted(l.table.time.begin(), l.table.time.end()));
  CHECK(l.table.skipped == 0);
  return l;
}

}  // namespace

TEST_CASE("TON_IoT: date + time, BOM, padding and boolean spellings come out normalised") {
  if (!have_data()) return;
  struct Expect {
    const char* file;
    std::size_t normal, anomalous;
  };
  // Label counts as the files hold them (counted independently with pandas).
  const Expect files[] = {{"Train_Test_IoT_Fridge.csv", 15000, 24944},
                          {"Train_Test_IoT_Garage_Door.csv", 15000, 24587},
                          {"Train_Test_IoT_Motion_Light.csv", 15000, 24488},
                          {"Train_Test_IoT_Thermostat.csv", 15000, 17774},
                          {"Train_Test_IoT_Weather.csv", 15000, 24260}};
  for (const auto& e : files) {
    CAPTURE(e.file);
    const Loaded l = infer_and_load(kData / "ton_iot" / e.file);
    const Schema& s = l.schema;
    CHECK(s.columns.front().name == "date");  // the byte-order mark is gone
    CHECK(s.names_with(Role::time) == std::vector<std::string>{"date", "time"});
    CHECK(s.names_with(Role::label) == std::vector<std::string>{"label"});
    CHECK(s.positive == std::vector<std::string>{"1"});
    CHECK(s.find("type")->role == Role::drop);  // the attack type leaks the label
    CHECK(label_counts(l.table) == std::make_pair(e.normal, e.anomalous));
    // Every text value is trimmed.
    for (const auto& c : l.table.text)
      for (const auto& v : c.values) CHECK(v == std::string(trim(v)));
    // Normal rows 31-Mar-19 .. 2-Apr-19, attack rows 23-Apr-19 (the data README says 25-Apr;
    // three files start on the 23rd) .. 29-Apr-19: every normal row precedes every attack.
    CHECK(l.table.time.front() >= 1553990400.0);  // 2019-03-31
    CHECK(l.table.time.back() < 1556582400.0);    // 2019-04-30
    double last_normal = 0, first_attack = 1e300;
    for (std::size_t r = 0; r < l.table.rows(); ++r) {
      if (l.table.label[r]) first_attack = std::min(first_attack, l.table.time[r]);
      else last_normal = std::max(last_normal, l.table.time[r]);
    }
    CHECK(last_normal < 1554249600.0);   // before 2019-04-03
    CHECK(first_attack >= 1555977600.0);  // from 2019-04-23
  }

  const Loaded fridge = infer_and_load(kData / "ton_iot" / "Train_Test_IoT_Fridge.csv");
  CHECK(fridge.schema.find("fridge_temperature")->role == Role::numeric);
  CHECK(fridge.schema.find("temp_condition")->role == Role::categorical);
  CHECK(distinct(*text(fridge.table, "temp_condition")) == std::set<std::string>{"high", "low"});
  // The first line of the file: 25-Apr-19, 19:19:40 ,9,high,1,ddos
  const auto first = std::find(fridge.table.line.begin(), fridge.table.line.end(), 2u) -
                     fridge.table.line.begin();
  CHECK(fridge.table.time[static_cast<std::size_t>(first)] == 1556219980.0);
  CHECK(fridge.table.numeric[0].values[static_cast<std::size_t>(first)] == 9.0);
  CHECK(fridge.table.label[static_cast<std::size_t>(first)] == 1);

  const Loaded garage = infer_and_load(kData / "ton_iot" / "Train_Test_IoT_Garage_Door.csv");
  CHECK(garage.schema.find("sphone_signal")->boolean);  // 0/1 and true/false mixed
  CHECK(distinct(*text(garage.table, "sphone_signal")) == std::set<std::string>{"0", "1"});
  CHECK(distinct(*text(garage.table, "door_state")) == std::set<std::string>{"closed", "open"});

  const Loaded light = infer_and_load(kData / "ton_iot" / "Train_Test_IoT_Motion_Light.csv");
  CHECK(light.schema.find("light_status")->boolean);  // " on" / " off"
  CHECK(distinct(*text(light.table, "light_status")) == std::set<std::string>{"0", "1"});
  CHECK(light.schema.find("motion_status")->boolean);

  const Loaded thermostat = infer_and_load(kData / "ton_iot" / "Train_Test_IoT_Thermostat.csv");
  CHECK(thermostat.schema.find("current_temperature")->role == Role::numeric);
  CHECK(thermostat.schema.find("thermostat_status")->boolean);

  const Loaded weather = infer_and_load(kData / "ton_iot" / "Train_Test_IoT_Weather.csv");
  for (const char* c : {"temperature", "pressure", "humidity"})
    CHECK(weather.schema.find(c)->role == Role::numeric);
}

TEST_CASE("IoT-23: epoch ts, uid dropped, IPs hashed, label counts as in the data README") {
  if (!have_data()) return;
  struct Expect {
    const char* file;
    std::size_t benign, malicious;
  };
  const Expect files[] = {{"CTU-Honeypot-Capture-4-1-labeled.csv", 452, 0},
                          {"CTU-Malware-Capture-8-1-labeled.csv", 2181, 8222},
                          {"CTU-Malware-Capture-20-1-labeled.csv", 3193, 16},
                          {"CTU-Malware-Capture-34-1-labeled.csv", 1923, 21222}};
  for (const auto& e : files) {
    CAPTURE(e.file);
    const Loaded l = infer_and_load(kData / "iot23" / e.file);
    const Schema& s = l.schema;
    CHECK(s.names_with(Role::time) == std::vector<std::string>{"ts"});
    CHECK(s.names_with(Role::label) == std::vector<std::string>{"label"});
    CHECK(label_counts(l.table) == std::make_pair(e.benign, e.malicious));
    CHECK(s.find("uid")->role == Role::drop);
    CHECK(s.find("id.resp_h")->role == Role::hashed);
    CHECK(s.find("id.resp_h")->buckets == 4096);
    CHECK(s.find("detailed-label")->role == Role::drop);  // constant, or a label leak
    for (const char* c : {"local_orig", "local_resp", "tunnel_parents"})
      CHECK(s.find(c)->role == Role::drop);  // empty or constant
    for (const char* c : {"id.orig_p", "orig_pkts", "orig_ip_bytes"})
      CHECK(s.find(c)->role == Role::numeric);
    CHECK(s.find("proto")->role == Role::categorical);
    // Connections without a reply have no duration: a missing value, flagged.
    CHECK(s.find("duration")->role == Role::numeric);
    CHECK(s.find("duration")->missing_indicator);
  }
  // One source address in the honeypot capture: constant, dropped; elsewhere hashed.
  const Loaded honeypot = infer_and_load(kData / "iot23" / "CTU-Honeypot-Capture-4-1-labeled.csv");
  CHECK(honeypot.schema.find("id.orig_h")->role == Role::drop);
  CHECK(honeypot.schema.positive.empty());  // only "benign" in the file
  const Loaded torii = infer_and_load(kData / "iot23" / "CTU-Malware-Capture-20-1-labeled.csv");
  CHECK(torii.schema.find("id.orig_h")->role == Role::hashed);
  CHECK(torii.schema.positive == std::vector<std::string>{"Malicious"});
  // The first data line: 1538478769.600293,CSQG794riQ4XnzTxP2,192.168.100.103,...,Benign,-
  CHECK(torii.table.line.front() == 2);
  CHECK(torii.table.time.front() == 1538478769.600293);
  CHECK(text(torii.table, "id.orig_h")->values[text(torii.table, "id.orig_h")->codes.front()] ==
        "192.168.100.103");
}
