#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dlrm/datasets/smart_home.hpp"
#include "dlrm/preprocessing/schema.hpp"
#include "dlrm/preprocessing/time.hpp"

using dlrm::datasets::SmartHomeGenerator;
using dlrm::datasets::SmartHomeOptions;

namespace {

std::string generate(const SmartHomeOptions& o) {
  std::ostringstream merged, log, schema;
  dlrm::datasets::generate_smart_home(o, merged, log, schema);
  return merged.str() + "\n--\n" + log.str() + "\n--\n" + schema.str();
}

SmartHomeOptions small() {
  SmartHomeOptions o;
  o.days = 5;
  o.anomalous_days = 1.5;
  o.events_per_day = 500;
  return o;
}

struct Row {
  double time;
  int hour;
  std::vector<std::string> f;
  int actor;
};

std::vector<Row> rows_of(const SmartHomeOptions& o, std::vector<std::string>* header = nullptr) {
  SmartHomeGenerator g(o);
  if (header) *header = g.header();
  std::vector<Row> rows;
  while (g.next()) {
    const double t = g.time();
    rows.push_back({t, static_cast<int>(std::fmod(t, 86400.0) / 3600.0), g.fields(), g.actor()});
  }
  return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  FAIL("no column " << name);
  return 0;
}

// What an actor's days look like, measured from the rows alone.
struct Profile {
  double days = 0;
  std::size_t rows = 0;
  std::size_t night_motion_rows = 0;  // 00:00-05:00 with motion in the living room or kitchen
  std::size_t night_door_openings = 0;
  std::set<std::string> sources, protocols;
  std::size_t max_fanout = 0;  // most distinct (destination, port) per source in 60 s
};

}  // namespace

TEST_CASE("same seed gives the same bytes, another seed other bytes") {
  const auto a = generate(small());
  const auto b = generate(small());
  CHECK(a.size() > 10000);
  CHECK(a == b);
  auto o = small();
  o.seed = 2;
  CHECK(generate(o) != a);
  o = small();
  o.anomaly_strength = 0.5;
  CHECK(generate(o) != a);
  // No field needs quoting: every line of the merged CSV has exactly one comma per column
  // boundary and no quote.
  std::ostringstream merged, log, schema;
  dlrm::datasets::generate_smart_home(small(), merged, log, schema);
  std::istringstream in(merged.str());
  std::string line;
  std::size_t lines = 0, bad = 0;
  while (std::getline(in, line)) {
    ++lines;
    bad += std::count(line.begin(), line.end(), ',') != 30 || line.find('"') != std::string::npos;
  }
  CHECK(lines > 1000);
  CHECK(bad == 0);
}

TEST_CASE("the default home: size, labels, both actors' days, chronology") {
  std::vector<std::string> header;
  const SmartHomeOptions o;
  SmartHomeGenerator g(o);
  const auto rows = rows_of(o, &header);
  // Default size: a few tens of thousands of rows (the 30 s demo budget).
  CHECK(rows.size() > 15000);
  CHECK(rows.size() < 40000);
  CHECK(header.size() == 31);
  CHECK(header.front() == "frame");
  CHECK(header.back() == "actor");
  // 24.5 days ending at a midnight, the last 3 actor 2's.
  CHECK(g.end_time() - g.begin_time() == doctest::Approx(24.5 * 86400));
  CHECK(g.end_time() - g.anomaly_begin_time() == doctest::Approx(3 * 86400));
  CHECK(std::fmod(g.end_time(), 86400.0) == 0);
  std::size_t positives = 0;
  double last = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    REQUIRE(r.f.size() == header.size());
    CHECK(r.f[0] == std::to_string(i + 1));  // frame numbers
    CHECK(r.time >= last);                    // time order
    last = r.time;
    CHECK(r.f.back() == (r.actor == 2 ? "2" : "1"));
    if (r.actor == 2) {
      ++positives;
      CHECK(r.time >= g.anomaly_begin_time());  // actor 2 only on its own days
    }
    // The timestamp reads back through the preprocessing's parser to the row's time.
    if (i % 997 == 0) CHECK(dlrm::prep::parse_time(r.f[1]) == doctest::Approx(r.time).epsilon(1e-12));
  }
  // Actor 2 is a minority, but not a handful: every kind of episode shows in each part of
  // a chronological split.
  CHECK(positives > 600);
  CHECK(positives < rows.size() / 5);
  // Actor 1 lives about events_per_day packets a day.
  const double actor1_days = 21.5;
  CHECK((rows.size() - positives) / actor1_days > 0.6 * o.events_per_day);
  CHECK((rows.size() - positives) / actor1_days < 1.6 * o.events_per_day);
}

TEST_CASE("actor 2's days differ from actor 1's in each listed way") {
  std::vector<std::string> header;
  SmartHomeOptions o;
  SmartHomeGenerator g(o);
  const auto rows = rows_of(o, &header);
  const double a2 = g.anomaly_begin_time();
  const std::size_t motion_living = column(header, "motion_living_room"),
                    motion_kitchen = column(header, "motion_kitchen"),
                    contact = column(header, "door_front_contact"), light_bedroom = column(header, "light_bedroom"),
                    kettle = column(header, "plug_kettle"), tv = column(header, "tv_living_room");
  Profile p[2];
  p[0].days = (a2 - g.begin_time()) / 86400;
  p[1].days = (g.end_time() - a2) / 86400;
  std::string previous_contact[2] = {"0", "0"};
  std::size_t kettle_night[2] = {0, 0}, tv_night[2] = {0, 0}, bedroom_light_day[2] = {0, 0};
  // Scan-like fan-out: distinct (destination, destination port) per source in 60 s.
  std::map<std::string, std::vector<std::pair<double, std::string>>> recent;
  for (const auto& r : rows) {
    const int k = r.time >= a2 ? 1 : 0;
    Profile& q = p[k];
    ++q.rows;
    const bool night = r.hour < 5;
    if (night && (r.f[motion_living] == "1" || r.f[motion_kitchen] == "1")) ++q.night_motion_rows;
    if (r.f[contact] == "1" && previous_contact[k] != "1" && night) ++q.night_door_openings;
    if (!r.f[contact].empty()) previous_contact[k] = r.f[contact];
    // (Actor 1's weekend TV runs past midnight: the kettle and the TV count from 01:00.)
    const bool deep_night = r.hour >= 1 && r.hour < 5;
    if (deep_night && r.f[kettle] == "on") ++kettle_night[k];
    if (deep_night && r.f[tv] == "playing") ++tv_night[k];
    if (r.hour >= 10 && r.hour < 16 && r.f[light_bedroom] == "on") ++bedroom_light_day[k];
    q.sources.insert(r.f[2]);
    q.protocols.insert(r.f[4]);
    const auto gt = r.f[6].find(" > ");
    std::string port = gt == std::string::npos ? "" : r.f[6].substr(gt + 3, r.f[6].find(' ', gt + 3) - gt - 3);
    auto& v = recent[r.f[2]];
    v.push_back({r.time, r.f[3] + ":" + port});
    while (!v.empty() && v.front().first < r.time - 60) v.erase(v.begin());
    std::set<std::string> distinct;
    for (const auto& e : v) distinct.insert(e.second);
    q.max_fanout = std::max(q.max_fanout, distinct.size());
  }
  MESSAGE("night motion rows per day: actor 1 " << p[0].night_motion_rows / p[0].days << ", actor 2 "
                                                << p[1].night_motion_rows / p[1].days);
  // Physical: motion at night in the living room or kitchen, the kettle and TV at night,
  // the front door opened at night, lights on in daylight.
  CHECK(p[1].night_motion_rows / p[1].days > 10 * (p[0].night_motion_rows / p[0].days + 1));
  CHECK(p[0].night_door_openings == 0);
  CHECK(p[1].night_door_openings >= 2);
  MESSAGE("TV rows 01:00-05:00: actor 1 " << tv_night[0] << ", actor 2 " << tv_night[1]);
  CHECK(kettle_night[0] == 0);
  CHECK(kettle_night[1] > 0);
  CHECK(tv_night[1] / p[1].days > 10 * (tv_night[0] / p[0].days + 1));
  CHECK(bedroom_light_day[0] == 0);
  CHECK(bedroom_light_day[1] > 0);
  // Cyber: new hosts, unusual protocols, scan-like fan-out.
  std::set<std::string> new_hosts;
  for (const auto& s : p[1].sources)
    if (!p[0].sources.count(s)) new_hosts.insert(s);
  CHECK(new_hosts.count("192.168.1.66") == 1);
  CHECK(new_hosts.size() >= 3);
  std::set<std::string> new_protocols;
  for (const auto& s : p[1].protocols)
    if (!p[0].protocols.count(s)) new_protocols.insert(s);
  CHECK(new_protocols.size() >= 2);
  MESSAGE("fan-out in 60 s: actor 1 " << p[0].max_fanout << ", actor 2 " << p[1].max_fanout);
  CHECK(p[1].max_fanout > 3 * p[0].max_fanout);
  // Every packet of a new host is actor 2's, and so is every row in a night episode.
  for (const auto& r : rows) {
    if (new_hosts.count(r.f[2])) CHECK(r.actor == 2);
    if (r.time < a2) CHECK(r.actor == 1);
  }
}

// At strength 0 actor 2 uses actor 1's devices and protocols; what gives a cyber episode
// away is then only the outside server it talks to.
TEST_CASE("anomaly_strength 0 makes actor 2 look like actor 1 in local hosts and protocols") {
  SmartHomeOptions o = small();
  o.anomaly_strength = 0;
  std::vector<std::string> header;
  SmartHomeGenerator g(o);
  const auto rows = rows_of(o, &header);
  std::set<std::string> sources1, protocols1;
  for (const auto& r : rows)
    if (r.time < g.anomaly_begin_time()) {
      sources1.insert(r.f[2]);
      protocols1.insert(r.f[4]);
    }
  std::size_t positives = 0;
  for (const auto& r : rows)
    if (r.actor == 2) {
      ++positives;
      if (r.f[2].rfind("192.168.1.", 0) == 0) CHECK(sources1.count(r.f[2]) == 1);
      CHECK(protocols1.count(r.f[4]) == 1);
    }
  CHECK(positives > 0);
}

TEST_CASE("extra sensors add carried-forward columns; 529 of them make the real file's 560") {
  SmartHomeOptions o = small();
  o.days = 2;
  o.anomalous_days = 0.5;
  o.extra_sensors = 529;
  std::vector<std::string> header;
  const auto rows = rows_of(o, &header);
  CHECK(header.size() == 560);
  CHECK(header[30] == "aux_sensor_001");
  CHECK(header[558] == "aux_sensor_529");
  CHECK(header[559] == "actor");
  // The base columns do not depend on K (each sensor has its own random stream).
  SmartHomeOptions base = o;
  base.extra_sensors = 0;
  const auto rows0 = rows_of(base);
  REQUIRE(rows0.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); i += 101)
    for (std::size_t c = 0; c < 30; ++c) CHECK(rows[i].f[c] == rows0[i].f[c]);
  // Every extra sensor reports at some point and is numeric when present.
  for (std::size_t c = 30; c < 559; ++c) {
    bool seen = false;
    for (std::size_t i = rows.size() / 2; i < rows.size() && !seen; ++i) seen = !rows[i].f[c].empty();
    CHECK(seen);
  }
}

TEST_CASE("sensor values are carried forward between readings, empty before the first") {
  std::vector<std::string> header;
  const auto rows = rows_of(small(), &header);
  const std::size_t temp = column(header, "temperature_living_room"),
                    hum = column(header, "humidity_bathroom"), lock = column(header, "lock_front_door");
  // Leading empties: the first row has no sensor reading and no device state yet.
  // (A device whose on-interval is cut by the start of the timeline reports at once.)
  for (const char* name : {"temperature_living_room", "temperature_bedroom", "humidity_living_room",
                           "humidity_bathroom", "illuminance_living_room", "power_kettle", "power_tv",
                           "power_desk", "door_front_contact"})
    CHECK_MESSAGE(rows[0].f[column(header, name)].empty(), name);
  int empty_devices = 0;
  for (std::size_t c = 7; c < 17; ++c) empty_devices += rows[0].f[c].empty();
  CHECK(empty_devices >= 5);
  // The temperature is read every 300 s (+-15 %): between readings the same text is
  // carried to every packet row, so a change never follows the previous one by less than
  // 255 s (102 s for the 120 s humidity), and runs span many packet rows.
  for (std::size_t c : {temp, hum}) {
    const double min_gap = c == temp ? 255 : 102;
    double last_change = -1;
    std::size_t changes = 0, present = 0;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      if (!rows[i].f[c].empty()) ++present;
      if (rows[i].f[c] != rows[i - 1].f[c] && !rows[i].f[c].empty() && !rows[i - 1].f[c].empty()) {
        // The reading happened after the previous row: (rows[i-1].time, rows[i].time].
        if (last_change >= 0) CHECK(rows[i].time - last_change >= min_gap);
        last_change = rows[i - 1].time;
        ++changes;
      }
    }
    CHECK(changes > 10);
    CHECK(present > rows.size() * 9 / 10);
    CHECK(changes < present / 2);
    char* end = nullptr;
    std::strtod(rows.back().f[c].c_str(), &end);
    CHECK(*end == '\0');
  }
  // A device state, once reported, is always one of its states.
  bool reported = false;
  for (const auto& r : rows) {
    if (!r.f[lock].empty()) reported = true;
    if (reported) CHECK((r.f[lock] == "locked" || r.f[lock] == "unlocked"));
  }
  CHECK(reported);
}

TEST_CASE("activity log and schema") {
  std::ostringstream merged, log, schema;
  const auto rows = dlrm::datasets::generate_smart_home(small(), merged, log, schema);
  CHECK(rows > 1000);
  std::istringstream in(log.str());
  std::string line;
  std::getline(in, line);
  CHECK(line == "actor,activity,start,end,room,details");
  std::set<std::string> actor1, actor2;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    const auto next = line.find(',', comma + 1);
    (line[0] == '1' ? actor1 : actor2).insert(line.substr(comma + 1, next - comma - 1));
  }
  for (const char* a : {"wake", "breakfast", "cook", "tv", "bed"}) CHECK(actor1.count(a) == 1);
  for (const char* a : {"port_scan", "host_sweep", "bulk_upload", "new_host", "unusual_protocol",
                        "lights_in_daylight"})
    CHECK(actor2.count(a) == 1);
  // The schema text is prep's format and reads back to the generator's schema.
  SmartHomeGenerator g(small());
  const auto parsed = dlrm::prep::parse_schema(schema.str(), "schema.txt");
  CHECK(parsed == g.schema());
  dlrm::prep::check_header(parsed, g.header(), "merged.csv");
  CHECK(parsed.find("source")->role == dlrm::prep::Role::hashed);
  CHECK(parsed.find("actor")->role == dlrm::prep::Role::label);
  CHECK(parsed.find("temperature_living_room")->impute == dlrm::prep::Impute::ffill);
  CHECK(parsed.positive == std::vector<std::string>{"2"});
  CHECK(parsed.windows.size() == 3);
  CHECK_FALSE(parsed.time_features);  // the weekday would tell the classes apart by date
}

TEST_CASE("epoch timestamps") {
  SmartHomeOptions o = small();
  o.epoch_timestamps = true;
  SmartHomeGenerator g(o);
  REQUIRE(g.next());
  CHECK(g.fields()[1].find('T') == std::string::npos);
  CHECK(dlrm::prep::parse_time(g.fields()[1]) == doctest::Approx(g.time()).epsilon(1e-12));
}

TEST_CASE("bad options give exact errors") {
  SmartHomeOptions o;
  o.days = 0;
  CHECK_THROWS_WITH_AS(SmartHomeGenerator{o}, "smart home: days = 0.000; give a length between 0 and 3660 days",
                       dlrm::Error);
  o = SmartHomeOptions{};
  o.anomalous_days = 30;
  CHECK_THROWS_WITH_AS(SmartHomeGenerator{o},
                       "smart home: anomalous_days = 30.000 must be at least 0 and less than days = "
                       "24.500; actor 1 needs some days of normal life",
                       dlrm::Error);
  o = SmartHomeOptions{};
  o.events_per_day = 1;
  CHECK_THROWS_WITH_AS(SmartHomeGenerator{o},
                       "smart home: events_per_day = 1.0; give between 10 and 100000000 packets per day",
                       dlrm::Error);
  o = SmartHomeOptions{};
  o.anomaly_strength = -1;
  CHECK_THROWS_WITH_AS(SmartHomeGenerator{o},
                       "smart home: anomaly_strength = -1.000; give a value between 0 (subtle) and 10 "
                       "(blatant), 1 is the default",
                       dlrm::Error);
}

TEST_CASE("anomaly_strength scales how far actor 2 deviates") {
  // Port-scan size and night-time hour, read from the activity log.
  auto measure = [](double strength, double& scan_packets, double& night_start_hours_after_22) {
    SmartHomeOptions o;
    o.anomaly_strength = strength;
    SmartHomeGenerator g(o);
    scan_packets = 0;
    night_start_hours_after_22 = 0;
    int nights = 0;
    for (const auto& a : g.activities()) {
      if (a.actor != 2) continue;
      if (a.activity == "port_scan")
        scan_packets += std::atof(a.details.substr(a.details.find("packets ") + 8).c_str());
      if (a.room != "network" && a.activity != "lights_in_daylight") {
        const double h = std::fmod(a.start, 86400.0) / 3600.0;
        night_start_hours_after_22 += std::fmod(h - 22.0 + 24.0, 24.0);
        ++nights;
      }
    }
    REQUIRE(nights > 0);
    night_start_hours_after_22 /= nights;
  };
  double scan0, night0, scan1, night1, scan2, night2;
  measure(0.25, scan0, night0);
  measure(1.0, scan1, night1);
  measure(2.0, scan2, night2);
  MESSAGE("scan packets " << scan0 << " " << scan1 << " " << scan2 << "; night episodes start "
                          << night0 << " " << night1 << " " << night2 << " h after 22:00");
  CHECK(scan0 < scan1);
  CHECK(scan1 < scan2);
  CHECK(night0 + 1 < night1);  // subtle: nearer actor 1's bedtime
}
