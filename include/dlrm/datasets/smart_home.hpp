#pragma once
// A deterministic synthetic smart home: a merged cyber-physical timeline shaped like the
// "Dataset for cyber-physical anomaly detection in smart homes" (Majib et al., 2023).
// Standard library only; the same options and seed give the same bytes.
//
// One row per network packet (frame, timestamp, source, destination, protocol, length,
// info), then the smart-device states (categorical: on/off, playing/off, heat/idle,
// locked/unlocked), the environmental sensors (numeric), K optional extra sensors, and the
// label column `actor`. Device states and sensor readings change at their own times and
// are carried forward to every packet row ("inflated" to the packet rate, as in the real
// file); before a sensor's first reading, and while it is unavailable, its field is empty.
//
// The story: `days - anomalous_days` days of actor 1's routines (wake, shower, breakfast,
// office or home-office days, now and then dinner out, one night away, cooking, TV, bed;
// weekends unlike weekdays; timing noise; the odd night-time bathroom visit), then
// `anomalous_days` days of actor 2, who does nothing by routine: night-time wandering with
// the lights on, the kettle and the TV at night, lights on in daylight, the front door
// opened at odd hours (physical), and a new laptop and phone talking to an unknown server,
// port scans, host sweeps, bulk uploads and unusual protocols (cyber), at hours when actor
// 1's home is asleep or empty too. `anomaly_strength` scales how far each episode deviates
// (0: actor 1's devices, protocols and nearly actor 1's hours; 1: the default; larger:
// bigger scans and uploads); each episode draws its own strength around it, so some are
// subtle (actor 1's phone address, ordinary protocols, a short session).
//
// The label, `actor` = 2, means "actor 2 present and acting": a packet caused by actor 2
// (their device use, their hosts, their scans), or any row while actor 2 is in a room (from
// entering until 95 s after leaving, the motion sensors' hold time). Background traffic of
// the home itself (heartbeats, NTP, telemetry) outside those times is labelled 1, on actor
// 2's days as well: nothing in it could tell the actors apart.
//
// Learnability (what the emitted schema lets a model see): addresses hashed, protocol,
// length, device states, sensors (ffill), per-source packet and destination counts; no
// calendar features (see schema()). The thermostat runs a time schedule and the weather has
// no day-to-day trend, so that nothing but behaviour marks actor 2's days.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <ostream>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/schema.hpp"

namespace dlrm::datasets {

struct SmartHomeOptions {
  double days = 24.5;             // timeline length; it ends at a midnight
  double anomalous_days = 3;      // the last days belong to actor 2
  std::uint64_t seed = 1;
  // Packet rate. At 1000 actor 1 lives about 910 rows a day (20,788 rows in all with seed
  // 1); device-state reports do not scale with it, so 120000 gives 1.89 M rows, not 2.9 M.
  double events_per_day = 1000;
  std::size_t extra_sensors = 0;  // K more carried-forward sensor columns (aux_sensor_NNN)
  double anomaly_strength = 1.0;  // 0 = actor 2 close to actor 1's habits, 1 = default
  bool epoch_timestamps = false;  // timestamp as epoch seconds instead of ISO 8601
};

// One line of the activity log (activity_log.csv).
struct ActivityRecord {
  int actor = 1;
  std::string activity;  // wake, shower, breakfast, work, cook, tv, bed, ... or the episode kind
  double start = 0, end = 0;
  std::string room;      // where it happens ("network" for cyber episodes)
  std::string details;   // devices used, or the episode's strength and hosts
};

namespace detail_home {

// xoshiro256** seeded through splitmix64: the same stream on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix(seed);
  }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  int integer(int a, int b) {  // [a, b]
    return a + static_cast<int>(next() % static_cast<std::uint64_t>(b - a + 1));
  }
  bool chance(double p) { return uniform() < p; }
  double normal(double mean, double sd) {  // Box-Muller, one value per call
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t x = seed ^ (0xD1B54A32D192ED03ull * (stream + 1));
  return Rng::splitmix(x);
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
inline void civil_from_days(long long z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

inline std::string format_time(double t, bool epoch) {
  char buf[48];
  const long long micros = static_cast<long long>(std::llround(t * 1e6));
  const long long secs = micros / 1000000;
  const long long frac = micros % 1000000;
  if (epoch) {
    std::snprintf(buf, sizeof buf, "%lld.%06lld", secs, frac);
    return buf;
  }
  int y;
  unsigned mo, d;
  civil_from_days(secs / 86400, y, mo, d);
  const long long sod = secs % 86400;
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%06lld", y, mo, d, sod / 3600,
                sod / 60 % 60, sod % 60, frac);
  return buf;
}

inline std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The timeline starts on Monday 2026-03-02 (a noon start for a half day) and ends at a
// midnight.
constexpr double kFirstMidnight = 1772409600.0;  // 2026-03-02T00:00:00Z, a Monday
constexpr double kDay = 86400.0, kHour = 3600.0, kMinute = 60.0;

enum Room { living_room, kitchen, bedroom, hallway, bathroom, room_count };
inline const char* room_name(int r) {
  static const char* names[] = {"living_room", "kitchen", "bedroom", "hallway", "bathroom"};
  return names[r];
}

// Device state columns.
enum Device {
  light_living_room, light_kitchen, light_bedroom, light_hallway, light_bathroom, plug_desk,
  plug_kettle, tv_living_room, thermostat, lock_front_door, device_count
};
inline const char* device_name(int d) {
  static const char* names[] = {"light_living_room", "light_kitchen", "light_bedroom",
                                "light_hallway",     "light_bathroom", "plug_desk",
                                "plug_kettle",       "tv_living_room", "thermostat",
                                "lock_front_door"};
  return names[d];
}
inline const char* device_on_state(int d) {
  return d == tv_living_room ? "playing" : d == thermostat ? "heat" : d == lock_front_door ? "unlocked" : "on";
}
inline const char* device_off_state(int d) {
  return d == thermostat ? "idle" : d == lock_front_door ? "locked" : "off";
}
inline int room_light(int room) {
  static const int lights[] = {light_living_room, light_kitchen, light_bedroom, light_hallway,
                               light_bathroom};
  return lights[room];
}

// Numeric sensor columns (after the devices).
enum Sensor {
  temperature_living_room, temperature_bedroom, humidity_living_room, humidity_bathroom,
  illuminance_living_room, motion_living_room, motion_kitchen, motion_bedroom, motion_hallway,
  door_front_contact, power_kettle, power_tv, power_desk, sensor_count
};
inline const char* sensor_name(int s) {
  static const char* names[] = {
      "temperature_living_room", "temperature_bedroom", "humidity_living_room",
      "humidity_bathroom",       "illuminance_living_room", "motion_living_room",
      "motion_kitchen",          "motion_bedroom",          "motion_hallway",
      "door_front_contact",      "power_kettle",            "power_tv",
      "power_desk"};
  return names[s];
}
inline int room_motion(int room) {  // -1: no motion sensor (the bathroom)
  static const int m[] = {motion_living_room, motion_kitchen, motion_bedroom, motion_hallway, -1};
  return m[room];
}

// Hosts: addresses as the packet capture shows them.
enum Host {
  router, hub, tv, plug_desk_host, plug_kettle_host, thermostat_host, light_bridge, phone, laptop,
  hub_cloud, thermostat_cloud, cdn, cdn2, work_cloud, web, ntp_server, broadcast, mdns, ssdp,
  intruder_laptop, intruder_phone, c2_server, upload_server, host_count
};
inline const char* host_address(int h) {
  static const char* a[] = {"192.168.1.1",   "192.168.1.10",    "192.168.1.20",  "192.168.1.21",
                            "192.168.1.22",  "192.168.1.23",    "192.168.1.24",  "192.168.1.30",
                            "192.168.1.31",  "52.31.18.40",     "34.107.221.82", "151.101.2.219",
                            "23.54.112.10",  "13.107.42.14",    "142.250.185.78", "162.159.200.1",
                            "ff:ff:ff:ff:ff:ff", "224.0.0.251", "239.255.255.250", "192.168.1.66",
                            "192.168.1.67",  "185.220.101.4",   "203.0.113.77"};
  return a[h];
}

struct Packet {
  double time = 0;
  std::string source, destination, protocol, info;
  int length = 0;
  int actor = 1;
};

// A time interval tagged with the actor it belongs to.
struct Interval {
  double start = 0, end = 0;
  int actor = 1;
};

// A change of one carried-forward cell (device state or sensor value).
struct CellEvent {
  double time = 0;
  std::size_t column = 0;
  std::string value;
  int actor = 1;
};

// Everything precomputed from the schedule. Only this plan (a few records per hour of
// timeline) is held; packets and sensor readings are produced one at a time from it.
struct Plan {
  double begin = 0, end = 0, anomaly_begin = 0;
  std::vector<ActivityRecord> activities;
  std::vector<Interval> occupancy[room_count];
  std::vector<double> motion_rate[room_count];  // re-triggers per hour, per occupancy
  std::vector<Interval> device_on[device_count];
  std::vector<Interval> away, awake, showers, cooking, laptop_use, phone_use, intruder_use, phone_c2_use;
  std::vector<std::pair<double, int>> doors;         // front door opened (time, actor)
  std::vector<Interval> physical_windows;            // rows labelled 2 wholesale
  std::vector<Packet> episode_packets;               // actor 2's cyber packets, sorted later
  std::vector<CellEvent> cell_events;                // device and event-driven sensor changes
};

// Sources of packets, merged by time.
class PacketSource {
 public:
  virtual ~PacketSource() = default;
  virtual double peek() const = 0;  // time of the next packet, +inf when exhausted
  virtual Packet pop() = 0;
};

constexpr double kNever = 1e300;

// A request/response exchange repeated with a period and jitter (heartbeats, NTP, ...).
class Periodic : public PacketSource {
 public:
  struct Spec {
    int from, to;
    const char* protocol;
    int len_lo, len_hi;
    const char* info;
    const char* reply_protocol;  // nullptr: no reply
    int reply_len_lo, reply_len_hi;
    const char* reply_info;
    double period;  // seconds at scale 1
  };
  Periodic(Spec spec, double scale, double begin, double end, std::uint64_t seed)
      : spec_(spec), period_(spec.period / scale), end_(end), rng_(seed) {
    next_ = begin + rng_.uniform(0, period_);
  }
  double peek() const override { return next_ < end_ ? next_ : kNever; }
  Packet pop() override {
    Packet p;
    p.time = next_;
    if (!reply_pending_) {
      p.source = host_address(spec_.from);
      p.destination = host_address(spec_.to);
      p.protocol = spec_.protocol;
      p.length = rng_.integer(spec_.len_lo, spec_.len_hi);
      p.info = spec_.info;
      if (spec_.reply_protocol) {
        reply_pending_ = true;
        next_ += rng_.uniform(0.004, 0.08);
        return p;
      }
    } else {
      p.source = host_address(spec_.to);
      p.destination = host_address(spec_.from);
      p.protocol = spec_.reply_protocol;
      p.length = rng_.integer(spec_.reply_len_lo, spec_.reply_len_hi);
      p.info = spec_.reply_info;
      reply_pending_ = false;
    }
    next_ = p.time + period_ * rng_.uniform(0.9, 1.1);
    return p;
  }

 private:
  Spec spec_;
  double period_, end_;
  Rng rng_;
  double next_;
  bool reply_pending_ = false;
};

// Bursts of packets at a Poisson rate inside tagged intervals (streaming, work, browsing).
class Sessions : public PacketSource {
 public:
  struct Spec {
    int client;
    std::vector<int> servers;
    const char* protocol;
    double bursts_per_hour;  // at scale 1
    int burst_lo, burst_hi;  // packets per burst
    int up_lo, up_hi;        // client -> server lengths
    int down_lo, down_hi;    // server -> client lengths
    double down_share;       // fraction of a burst's packets flowing to the client
    const char* up_info;
    const char* down_info;
  };
  Sessions(Spec spec, std::vector<Interval> intervals, double scale, std::uint64_t seed)
      : spec_(std::move(spec)), intervals_(std::move(intervals)), rng_(seed),
        mean_gap_(kHour / (spec_.bursts_per_hour * scale)) {
    std::sort(intervals_.begin(), intervals_.end(),
              [](const Interval& a, const Interval& b) { return a.start < b.start; });
    if (!intervals_.empty()) schedule_from(intervals_[0].start);
  }
  double peek() const override { return next_; }
  Packet pop() override {
    Packet p;
    p.time = next_;
    p.actor = intervals_[current_].actor;
    const bool down = rng_.chance(spec_.down_share);
    const int server = spec_.servers[server_];
    p.source = host_address(down ? server : spec_.client);
    p.destination = host_address(down ? spec_.client : server);
    p.protocol = spec_.protocol;
    p.length = down ? rng_.integer(spec_.down_lo, spec_.down_hi) : rng_.integer(spec_.up_lo, spec_.up_hi);
    p.info = down ? spec_.down_info : spec_.up_info;
    if (--left_in_burst_ > 0) {
      next_ = p.time + rng_.uniform(0.0005, 0.02);
    } else {
      schedule_from(p.time);
    }
    return p;
  }

 private:
  void schedule_from(double t) {
    while (current_ < intervals_.size()) {
      const Interval& iv = intervals_[current_];
      const double from = std::max(t, iv.start);
      const double candidate = from + rng_.exponential(mean_gap_);
      if (candidate < iv.end) {
        next_ = candidate;
        left_in_burst_ = rng_.integer(spec_.burst_lo, spec_.burst_hi);
        server_ = static_cast<std::size_t>(rng_.integer(0, static_cast<int>(spec_.servers.size()) - 1));
        return;
      }
      ++current_;
      // (intervals may overlap: never step back in time)
      if (current_ < intervals_.size()) t = std::max(t, intervals_[current_].start);
    }
    next_ = kNever;
  }

  Spec spec_;
  std::vector<Interval> intervals_;
  Rng rng_;
  double mean_gap_;
  std::size_t current_ = 0, server_ = 0;
  int left_in_burst_ = 0;
  double next_ = kNever;
};

// A precomputed, time-sorted list of packets (device reports, actor 2's cyber episodes).
class Listed : public PacketSource {
 public:
  explicit Listed(std::vector<Packet> packets) : packets_(std::move(packets)) {
    std::stable_sort(packets_.begin(), packets_.end(),
                     [](const Packet& a, const Packet& b) { return a.time < b.time; });
  }
  double peek() const override { return next_ < packets_.size() ? packets_[next_].time : kNever; }
  Packet pop() override { return std::move(packets_[next_++]); }

 private:
  std::vector<Packet> packets_;
  std::size_t next_ = 0;
};

// A periodically reported numeric sensor (carried forward between reports).
struct SensorProcess {
  double next = 0;
  std::size_t column = 0;
  int sensor = -1;          // Sensor enum, or -1 for an extra sensor
  double period = 300;
  int decimals = 1;
  double value = 0, mean = 0, step = 0, revert = 0;  // extra sensors: mean-reverting walk
  double lo = -1e300, hi = 1e300;
  double unavailable_until = 0;
  std::unique_ptr<Rng> rng;
};

}  // namespace detail_home

// Streams the merged timeline one row at a time; memory does not grow with the row count.
class SmartHomeGenerator {
 public:
  explicit SmartHomeGenerator(SmartHomeOptions options) : opt_(std::move(options)) {
    check_options(opt_);
    build_header();
    build_plan();
    build_sources();
  }

  const SmartHomeOptions& options() const { return opt_; }
  const std::vector<std::string>& header() const { return header_; }
  // Index of the first device, sensor, extra sensor and the label column in the header.
  std::size_t first_device_column() const { return kPacketColumns; }
  std::size_t first_sensor_column() const { return kPacketColumns + detail_home::device_count; }
  std::size_t first_extra_column() const { return first_sensor_column() + detail_home::sensor_count; }
  std::size_t actor_column() const { return header_.size() - 1; }

  double begin_time() const { return plan_.begin; }
  double end_time() const { return plan_.end; }
  double anomaly_begin_time() const { return plan_.anomaly_begin; }
  // Both actors' activities, in start order; complete from construction on.
  const std::vector<ActivityRecord>& activities() const { return plan_.activities; }

  // Advances to the next packet row; false at the end of the timeline.
  bool next() {
    using namespace detail_home;
    if (heap_.empty()) return false;
    const auto top = heap_.top();
    heap_.pop();
    if (top.first >= plan_.end) {
      heap_ = {};
      return false;
    }
    Packet p = sources_[top.second]->pop();
    const double t = p.time;
    if (sources_[top.second]->peek() < kNever) heap_.push({sources_[top.second]->peek(), top.second});
    apply_changes_until(t);
    ++frame_;
    time_ = t;
    while (window_ < plan_.physical_windows.size() && plan_.physical_windows[window_].end <= t) ++window_;
    const bool in_physical = window_ < plan_.physical_windows.size() &&
                             plan_.physical_windows[window_].start <= t;
    actor_ = (p.actor == 2 || in_physical) ? 2 : 1;
    cells_[0] = std::to_string(frame_);
    cells_[1] = format_time(t, opt_.epoch_timestamps);
    cells_[2] = std::move(p.source);
    cells_[3] = std::move(p.destination);
    cells_[4] = std::move(p.protocol);
    cells_[5] = std::to_string(p.length);
    cells_[6] = std::move(p.info);
    cells_.back() = actor_ == 2 ? "2" : "1";
    return true;
  }

  // The current row (after next() returned true), one string per header column.
  const std::vector<std::string>& fields() const { return cells_; }
  double time() const { return time_; }
  int actor() const { return actor_; }
  std::size_t frame() const { return frame_; }

  // Appends the current row as one CSV line with its newline. No field contains a comma,
  // a quote or a line break, so no field needs quoting.
  void append_csv_line(std::string& out) const {
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      if (i) out += ',';
      out += cells_[i];
    }
    out += '\n';
  }

  // The schema of the merged file: roles, imputation, hashing of addresses, windows.
  prep::Schema schema() const {
    prep::Schema s;
    for (std::size_t i = 0; i < header_.size(); ++i) {
      prep::ColumnSpec c;
      c.name = header_[i];
      if (i == 0 || i == 6) {
        c.role = prep::Role::drop;  // frame number, free-text info
      } else if (i == 1) {
        c.role = prep::Role::time;
      } else if (i == 2 || i == 3) {
        c.role = prep::Role::hashed;
        c.buckets = 4096;
      } else if (i == 4) {
        c.role = prep::Role::categorical;
      } else if (i == 5) {
        c.role = prep::Role::numeric;
      } else if (i < first_sensor_column()) {
        c.role = prep::Role::categorical;
        c.impute = prep::Impute::ffill;
      } else if (i == actor_column()) {
        c.role = prep::Role::label;
      } else {
        c.role = prep::Role::numeric;
        c.impute = prep::Impute::ffill;
      }
      s.columns.push_back(c);
    }
    s.positive = {"2"};
    // No calendar features: actor 2's days are three consecutive weekdays at the end, so a
    // chronological split trains on their first part and tests on their last. The day of
    // the week (and the position in the week) then separates the classes by date, not by
    // behaviour (a DLRM trained with them flagged actor 2's quiet hours and missed the last
    // day's episodes; test F1 fell below 0.9 on half the seeds tried). Night-time still
    // shows through the sensors (illuminance, lights, the thermostat's night setting).
    s.time_features = false;
    // Scans and bursts push the window counts far past anything in training: clip to the
    // training range so that a bigger scan never looks smaller to the model.
    s.clip = true;
    s.windows = {
        {"source_packets_60s", prep::WindowKind::count, "source", "", 60},
        {"source_destinations_60s", prep::WindowKind::distinct, "source", "destination", 60},
        {"destination_packets_10s", prep::WindowKind::count, "destination", "", 10},
    };
    return s;
  }

 private:
  static constexpr std::size_t kPacketColumns = 7;
  using HeapItem = std::pair<double, std::size_t>;
  struct Later {
    bool operator()(const HeapItem& a, const HeapItem& b) const {
      return a.first > b.first || (a.first == b.first && a.second > b.second);
    }
  };

 public:
  // Throws dlrm::Error naming the first option out of range; the constructor calls it, and
  // a caller can too before it creates any file.
  static void check_options(const SmartHomeOptions& o) {
    if (!(o.days > 0 && o.days <= 3660))
      throw Error("smart home: days = " + detail_home::fixed(o.days, 3) +
                  "; give a length between 0 and 3660 days");
    if (!(o.anomalous_days >= 0 && o.anomalous_days < o.days))
      throw Error("smart home: anomalous_days = " + detail_home::fixed(o.anomalous_days, 3) +
                  " must be at least 0 and less than days = " + detail_home::fixed(o.days, 3) +
                  "; actor 1 needs some days of normal life");
    if (!(o.events_per_day >= 10 && o.events_per_day <= 1e8))
      throw Error("smart home: events_per_day = " + detail_home::fixed(o.events_per_day, 1) +
                  "; give between 10 and 100000000 packets per day");
    if (!(o.anomaly_strength >= 0 && o.anomaly_strength <= 10))
      throw Error("smart home: anomaly_strength = " + detail_home::fixed(o.anomaly_strength, 3) +
                  "; give a value between 0 (subtle) and 10 (blatant), 1 is the default");
    if (o.extra_sensors > 100000)
      throw Error("smart home: extra_sensors = " + std::to_string(o.extra_sensors) +
                  "; give at most 100000 extra sensor columns");
  }

 private:
  void build_header() {
    using namespace detail_home;
    header_ = {"frame", "timestamp", "source", "destination", "protocol", "length", "info"};
    for (int d = 0; d < device_count; ++d) header_.push_back(device_name(d));
    for (int s = 0; s < sensor_count; ++s) header_.push_back(sensor_name(s));
    for (std::size_t k = 0; k < opt_.extra_sensors; ++k) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "aux_sensor_%03zu", k + 1);
      header_.push_back(buf);
    }
    header_.push_back("actor");
    cells_.assign(header_.size(), std::string());
  }

  // ---- the schedule -------------------------------------------------------------------

  void log(int actor, const char* what, double a, double b, int room, std::string details) {
    plan_.activities.push_back({actor, what, a, b, room >= 0 ? detail_home::room_name(room) : "network",
                                std::move(details)});
  }
  void occupy(int room, double a, double b, int actor, double motion_per_hour) {
    if (b <= a) return;
    plan_.occupancy[room].push_back({a, b, actor});
    plan_.motion_rate[room].push_back(motion_per_hour);
  }
  void device(int d, double a, double b, int actor) {
    if (b > a) plan_.device_on[d].push_back({a, b, actor});
  }
  static bool dark(double t) {  // March daylight: roughly 06:45 to 18:15
    const double h = std::fmod(t, detail_home::kDay) / detail_home::kHour;
    return h < 6.75 || h > 18.25;
  }
  // Presence in a room with its light on when it is dark (always, for the bathroom).
  // Lights go on only for the dark part of the stay (before 06:45, after 18:15).
  void stay(int room, double a, double b, int actor, double motion_per_hour) {
    using namespace detail_home;
    occupy(room, a, b, actor, motion_per_hour);
    const int light = room_light(room);
    if (room == bathroom) {
      device(light, a, b, actor);
      return;
    }
    for (double m = std::floor((a - kFirstMidnight) / kDay) * kDay + kFirstMidnight; m < b; m += kDay) {
      device(light, std::max(a, m), std::min(b, m + 6.75 * kHour), actor);
      device(light, std::max(a, m + 18.25 * kHour), std::min(b, m + kDay), actor);
    }
  }
  void walk(int room, double t, int actor) {  // passing through: a short hallway visit
    stay(room, t, t + 40, actor, 60);
  }
  void front_door(double t, int actor) {
    plan_.doors.push_back({t, actor});
    device(detail_home::lock_front_door, t, t + 60, actor);
    walk(detail_home::hallway, t - 30, actor);
  }

  // trip: 0 an ordinary day, 1 actor 1 leaves for a night away after breakfast, 2 comes
  // back in the afternoon. Office days, an evening out now and then and the night away give
  // the normal class empty-home periods at every hour, as actor 2's days have.
  void actor1_day(double m, int weekday, int trip, detail_home::Rng& r) {
    using namespace detail_home;
    const double H = kHour, M = kMinute;
    const bool weekend = weekday >= 5;
    const bool office = !weekend && r.chance(0.45);
    const bool evening_out = !weekend && trip == 0 && r.chance(0.2);
    if (trip == 2) {
      const double back = m + r.normal(16.0 * H, 40 * M);
      front_door(back, 1);
      plan_.away.push_back({m, back, 1});
      log(1, "trip", m, back, hallway, "lock_front_door door_front_contact");
      stay(living_room, back + 2 * M, back + r.uniform(40, 90) * M, 1, 6);
      actor1_evening(m, weekday, back + 95 * M, false, r);
      return;
    }
    // Night-time bathroom visit (the noise that keeps night motion from being a giveaway).
    if (trip == 0 && r.chance(0.12)) {
      const double t = m + r.normal(3.0 * H, 50 * M);
      walk(hallway, t, 1);
      stay(bathroom, t + 40, t + 40 + r.uniform(2, 5) * M, 1, 30);
      log(1, "night_bathroom", t, t + 6 * M, bathroom, "light_bathroom");
    }
    double wake = m + (weekend ? r.normal(8.75 * H, 35 * M) : r.normal(6.75 * H, 15 * M));
    stay(bedroom, wake, wake + 5 * M, 1, 40);
    walk(hallway, wake + 5 * M, 1);
    const double shower = wake + 6 * M;
    const double shower_end = shower + r.uniform(9, 18) * M;
    stay(bathroom, shower, shower_end, 1, 20);
    plan_.showers.push_back({shower, shower_end, 1});
    log(1, "wake", wake, shower_end, bathroom, "light_bedroom light_bathroom");
    const double breakfast = shower_end + r.uniform(2, 6) * M;
    const double breakfast_end = breakfast + (weekend ? r.uniform(30, 50) : r.uniform(12, 22)) * M;
    stay(kitchen, breakfast, breakfast_end, 1, 30);
    const double kettle = breakfast + r.uniform(1, 4) * M;
    device(plug_kettle, kettle, kettle + r.uniform(3, 4.5) * M, 1);
    if (weekend) {
      const double k2 = breakfast_end - r.uniform(8, 12) * M;
      device(plug_kettle, k2, k2 + r.uniform(3, 4.5) * M, 1);
    }
    plan_.cooking.push_back({breakfast, breakfast_end, 1});
    log(1, "breakfast", breakfast, breakfast_end, kitchen, "plug_kettle light_kitchen");
    double day_start = breakfast_end;
    double evening;  // when the evening at home starts
    if (trip == 1) {
      const double leave = day_start + r.uniform(20, 60) * M;
      stay(living_room, day_start, leave - 5 * M, 1, 6);
      front_door(leave, 1);
      plan_.away.push_back({leave, m + kDay, 1});
      plan_.awake.push_back({wake, leave, 1});
      plan_.phone_use.push_back({wake, leave, 1});
      log(1, "trip", leave, m + kDay, hallway, "lock_front_door door_front_contact");
      return;
    }
    if (office) {
      const double leave = std::max(breakfast_end + 3 * M, m + r.normal(8.2 * H, 8 * M));
      front_door(leave, 1);
      evening = m + r.normal(17.7 * H, 25 * M);
      front_door(evening, 1);
      plan_.away.push_back({leave, evening, 1});
      plan_.awake.push_back({wake, leave, 1});
      plan_.phone_use.push_back({wake, leave, 1});
      log(1, "office", leave, evening, hallway, "lock_front_door door_front_contact");
    } else if (!weekend) {
      // Home office: desk plug and laptop, lunch in the kitchen, a walk after work.
      const double work = std::max(day_start + 5 * M, m + r.normal(8.95 * H, 10 * M));
      const double lunch = m + r.normal(12.5 * H, 12 * M);
      const double lunch_end = lunch + r.uniform(25, 45) * M;
      const double stop = m + (weekday == 4 ? r.normal(16.4 * H, 20 * M) : r.normal(17.4 * H, 20 * M));
      stay(living_room, work, lunch, 1, 8);
      stay(living_room, lunch_end, stop, 1, 8);
      device(plug_desk, work, lunch, 1);
      device(plug_desk, lunch_end, stop, 1);
      plan_.laptop_use.push_back({work, lunch, 1});
      plan_.laptop_use.push_back({lunch_end, stop, 1});
      stay(kitchen, lunch, lunch_end, 1, 25);
      if (r.chance(0.5)) device(plug_kettle, lunch + 2 * M, lunch + 2 * M + r.uniform(3, 4.5) * M, 1);
      log(1, "work", work, stop, living_room, "plug_desk laptop");
      log(1, "lunch", lunch, lunch_end, kitchen, "light_kitchen");
      front_door(stop + 5 * M, 1);
      evening = stop + r.uniform(35, 70) * M;
      front_door(evening, 1);
      plan_.away.push_back({stop + 5 * M, evening, 1});
      plan_.awake.push_back({wake, stop + 5 * M, 1});
      plan_.phone_use.push_back({wake, work, 1});
      plan_.phone_use.push_back({lunch, lunch_end, 1});
      log(1, "walk", stop + 5 * M, evening, hallway, "lock_front_door door_front_contact");
    } else {
      const bool outing = weekday == 5 ? r.chance(0.8) : r.chance(0.45);
      if (outing) {
        const double leave = std::max(day_start + 20 * M, m + r.normal(13.0 * H, 40 * M));
        stay(living_room, day_start, leave - 5 * M, 1, 6);
        front_door(leave, 1);
        evening = leave + r.uniform(2.5, 5) * H;
        front_door(evening, 1);
        plan_.away.push_back({leave, evening, 1});
        plan_.awake.push_back({wake, leave, 1});
        plan_.phone_use.push_back({wake, leave, 1});
        log(1, "outing", leave, evening, hallway, "lock_front_door door_front_contact");
      } else {
        evening = m + r.normal(15.0 * H, 30 * M);
        stay(living_room, day_start, evening, 1, 6);
        plan_.phone_use.push_back({wake, evening, 1});
        log(1, "reading", day_start, evening, living_room, "");
      }
    }
    actor1_evening(m, weekday, evening, evening_out, r);
  }

  // From coming home to falling asleep: cooking, TV, bed (or dinner out, then bed).
  void actor1_evening(double m, int weekday, double evening, bool out, detail_home::Rng& r) {
    using namespace detail_home;
    const double H = kHour, M = kMinute;
    const bool weekend = weekday >= 5;
    double tv_end;
    if (out) {
      const double leave = std::max(evening + 20 * M, m + r.normal(18.8 * H, 15 * M));
      stay(living_room, evening + 2 * M, leave - 3 * M, 1, 6);
      front_door(leave, 1);
      tv_end = m + r.normal(22.6 * H, 25 * M);
      front_door(tv_end - 5 * M, 1);
      plan_.away.push_back({leave, tv_end - 5 * M, 1});
      plan_.awake.push_back({evening, leave, 1});
      plan_.awake.push_back({tv_end - 5 * M, tv_end + 30 * M, 1});
      plan_.phone_use.push_back({evening, leave, 1});
      log(1, "dinner_out", leave, tv_end - 5 * M, hallway, "lock_front_door door_front_contact");
    } else {
    const double cook = std::max(evening + 15 * M, m + (weekend ? r.normal(19.0 * H, 20 * M) : r.normal(18.6 * H, 15 * M)));
    const double cook_end = cook + r.uniform(30, 55) * M;
    stay(living_room, evening + 2 * M, cook, 1, 6);
    stay(kitchen, cook, cook_end, 1, 30);
    device(plug_kettle, cook + 5 * M, cook + 5 * M + r.uniform(3, 4.5) * M, 1);
    plan_.cooking.push_back({cook, cook_end, 1});
    log(1, "cook", cook, cook_end, kitchen, "plug_kettle light_kitchen");
    const double tv_start = cook_end + r.uniform(5, 25) * M;
    tv_end = m + (weekend ? r.normal(24.2 * H, 25 * M)
                                     : weekday == 4 ? r.normal(23.4 * H, 20 * M) : r.normal(22.4 * H, 20 * M));
    stay(living_room, cook_end, tv_end, 1, 6);
    device(tv_living_room, tv_start, tv_end, 1);
    log(1, "tv", tv_start, tv_end, living_room, "tv_living_room light_living_room");
    plan_.phone_use.push_back({evening, tv_end, 1});
    }
    const double bath = tv_end + r.uniform(3, 12) * M;
    walk(hallway, bath - 40, 1);
    stay(bathroom, bath, bath + r.uniform(6, 12) * M, 1, 20);
    const double bed = bath + 13 * M;
    stay(bedroom, bed, bed + r.uniform(10, 25) * M, 1, 20);
    plan_.awake.push_back({evening, bed + 10 * M, 1});
    log(1, "bed", bath, bed + 15 * M, bedroom, "light_bathroom light_bedroom");
    // Asleep until the next wake: the bedroom sensor sees the odd turn.
    occupy(bedroom, bed + 26 * M, m + kDay + 6 * H, 1, 0.15);
  }

  // Actor 2: every action is an episode that deviates from actor 1's habits.
  void actor2_day(double m, detail_home::Rng& r) {
    using namespace detail_home;
    const double H = kHour, M = kMinute;
    const double s = opt_.anomaly_strength;
    auto episode_strength = [&] { return s * r.uniform(0.6, 1.25); };
    // One night of wandering (this day's early hours), with two to four physical episodes.
    {
      // It starts at 23:00 + e * (2..3 h): 01:00-02:00 at strength 1, nearer actor 1's
      // bedtime when subtle.
      double e = std::min(episode_strength(), 1.4);
      double t = m + std::fmod(23.0 + e * r.uniform(2.0, 3.0), 24.0) * H;
      const int kinds = r.integer(2, 4);
      int order[4] = {0, 1, 2, 3};
      for (int i = 3; i > 0; --i) std::swap(order[i], order[r.integer(0, i)]);
      for (int k = 0; k < kinds; ++k) {
        e = episode_strength();
        const double start = t;
        double end = t;
        switch (order[k]) {
          case 0: {  // wandering with the lights on
            end = start + r.uniform(10, 30) * M;
            walk(hallway, start, 2);
            stay(living_room, start + 60, (start + end) / 2, 2, 40);
            stay(kitchen, (start + end) / 2, end, 2, 40);
            log(2, "night_motion", start, end, living_room, "strength " + fixed(e, 2));
            break;
          }
          case 1: {  // kettle at night
            end = start + r.uniform(8, 15) * M;
            stay(kitchen, start, end, 2, 40);
            device(plug_kettle, start + 2 * M, start + 2 * M + r.uniform(3, 4.5) * M, 2);
            log(2, "kettle_at_night", start, end, kitchen, "strength " + fixed(e, 2));
            break;
          }
          case 2: {  // TV at night
            end = start + r.uniform(20, 50) * M;
            stay(living_room, start, end, 2, 10);
            device(tv_living_room, start + M, end, 2);
            log(2, "tv_at_night", start, end, living_room, "strength " + fixed(e, 2));
            break;
          }
          default: {  // the front door at an odd hour
            end = start + r.uniform(5, 12) * M;
            front_door(start + 60, 2);
            front_door(end - 90, 2);
            log(2, "door_at_odd_hour", start, end, hallway, "strength " + fixed(e, 2));
            break;
          }
        }
        // Actor 2's phone comes along: a new host, or (subtle) one that looks like actor 1's
        // phone, given away only by the server it talks to.
        (e > 0.5 ? plan_.intruder_use : plan_.phone_c2_use).push_back({start, end, 2});
        t = end + r.uniform(10, 40) * M;
      }
    }
    // Daytime physical: lights on in daylight, in a room actor 1 never lights by day.
    {
      const double e = episode_strength();
      const double start = m + r.uniform(11.0, 15.0) * H;
      const double end = start + r.uniform(15, 40) * M * std::max(0.3, std::min(e, 1.5));
      occupy(bedroom, start, end, 2, 30);
      device(light_bedroom, start, end, 2);
      if (e > 0.7) device(light_living_room, start, end, 2);
      log(2, "lights_in_daylight", start, end, bedroom, "strength " + fixed(e, 2));
    }
    // Cyber episodes spread over the day (each day has all of them, in random order).
    const double sc = scale_;
    int order[5] = {0, 1, 2, 3, 4};
    for (int i = 4; i > 0; --i) std::swap(order[i], order[r.integer(0, i)]);
    // Two at night (00:30-05:00), three by day (09:30-15:30): hours at which actor 1's home
    // is empty or asleep too, so that the packets, not the home's state, give them away.
    double starts[5];
    for (int k = 0; k < 5; ++k) starts[k] = m + (k < 2 ? r.uniform(0.5, 5.0) : r.uniform(9.5, 15.5)) * H;
    for (int k = 0; k < 5; ++k) {
      const double e = episode_strength();
      const double start = starts[k];
      const bool bold = r.uniform() < std::min(1.0, e);  // subtle episodes hide in known hosts/protocols
      const int src = bold ? intruder_laptop : phone;
      double end = start;
      auto add = [&](double time, int from, const std::string& to, const char* proto, int len,
                     std::string info) {
        Packet p;
        p.time = time;
        p.source = host_address(from);
        p.destination = to;
        p.protocol = proto;
        p.length = len;
        p.info = std::move(info);
        p.actor = 2;
        plan_.episode_packets.push_back(std::move(p));
      };
      switch (order[k]) {
        case 0: {  // new host talking to an unknown server, for an hour or two
          // A subtle one is low and slow: actor 1's phone address, a short session.
          end = start + r.uniform(0.75, 1.5) * H * (bold ? 1.0 : 0.3);
          (bold ? plan_.intruder_use : plan_.phone_c2_use).push_back({start, end, 2});
          log(2, "new_host", start, end, -1, std::string("strength ") + fixed(e, 2) + " host 192.168.1.66");
          break;
        }
        case 1: {  // port scan of the hub and the router
          const int n = std::max(8, static_cast<int>((40 + 200 * std::min(e, 3.0)) * sc));
          const double gap = 0.05 + 2.0 / (1.0 + 4.0 * e);
          double x = start;
          for (int i = 0; i < n; ++i) {
            const int target = r.chance(0.7) ? hub : router;
            const int port = r.integer(1, 1024);
            const int sport = r.integer(40000, 60000);
            add(x, src, host_address(target), "TCP", 58,
                std::to_string(sport) + " > " + std::to_string(port) + " [SYN] Seq=0 Win=1024 Len=0");
            Packet reply;
            reply.time = x + r.uniform(0.0005, 0.003);
            reply.source = host_address(target);
            reply.destination = host_address(src);
            reply.protocol = "TCP";
            reply.length = 54;
            reply.info = std::to_string(port) + " > " + std::to_string(sport) + " [RST ACK] Seq=1 Ack=1 Win=0 Len=0";
            reply.actor = 2;
            plan_.episode_packets.push_back(std::move(reply));
            x += r.exponential(gap);
          }
          end = x;
          log(2, "port_scan", start, end, -1, "strength " + fixed(e, 2) + " packets " + std::to_string(2 * n));
          break;
        }
        case 2: {  // host sweep: echo requests across the home's part of the subnet (.2-.65)
          const int n = std::max(8, static_cast<int>((40 + 150 * std::min(e, 3.0)) * sc));
          const double gap = 0.1 + 3.0 / (1.0 + 4.0 * e);
          const int offset = r.integer(0, 63);
          double x = start;
          for (int i = 0; i < n; ++i) {
            const int last = 2 + (offset + i * 17) % 64;
            add(x, src, "192.168.1." + std::to_string(last), bold ? "ICMP" : "TCP", bold ? 98 : 60,
                bold ? "Echo (ping) request id=0x1a2b seq=" + std::to_string(i)
                     : "50123 > 80 [SYN] Seq=0 Win=64240 Len=0");
            x += r.exponential(gap);
          }
          end = x;
          log(2, "host_sweep", start, end, -1, "strength " + fixed(e, 2) + " packets " + std::to_string(n));
          break;
        }
        case 3: {  // bulk upload from the hub to an unknown server
          const int n = std::max(8, static_cast<int>((30 + 200 * std::min(e, 3.0)) * sc));
          double x = start;
          for (int i = 0; i < n; ++i) {
            add(x, hub, host_address(upload_server), "TCP", r.integer(1200, 1514),
                "51514 > 443 [PSH ACK] Len=" + std::to_string(r.integer(1100, 1448)));
            x += r.uniform(0.002, 0.05) / std::max(0.2, e);
          }
          end = x;
          log(2, "bulk_upload", start, end, -1, "strength " + fixed(e, 2) + " packets " + std::to_string(n));
          break;
        }
        default: {  // unusual protocols against the hub: telnet, ssh, ftp, smb
          static const char* protos[] = {"TELNET", "SSH", "FTP", "SMB2"};
          static const char* infos[] = {"Telnet Data ...", "Client: Encrypted packet (len=64)",
                                        "Request: USER admin", "Session Setup Request"};
          const int which = r.integer(0, 3);
          const int n = std::max(6, static_cast<int>((20 + 60 * std::min(e, 3.0)) * sc));
          double x = start;
          for (int i = 0; i < n; ++i) {
            const bool up = i % 2 == 0;
            Packet p;
            p.time = x;
            p.source = host_address(up ? src : hub);
            p.destination = host_address(up ? hub : src);
            p.protocol = bold ? protos[which] : "TCP";
            p.length = r.integer(60, 180);
            p.info = infos[which];
            p.actor = 2;
            plan_.episode_packets.push_back(std::move(p));
            x += r.exponential(2.0);
          }
          end = x;
          log(2, "unusual_protocol", start, end, -1,
              "strength " + fixed(e, 2) + " protocol " + protos[which]);
          break;
        }
      }
    }
  }

  void build_plan() {
    using namespace detail_home;
    const double end = kFirstMidnight + std::ceil(opt_.days) * kDay;
    plan_.end = end;
    plan_.begin = end - opt_.days * kDay;
    plan_.anomaly_begin = end - opt_.anomalous_days * kDay;
    // Packets per day of the nominal mix at scale 1, measured on the default home; the
    // scale brings the average day of actor 1 to events_per_day.
    scale_ = opt_.events_per_day / 4900.0;
    Rng sched(stream_seed(opt_.seed, 1));
    // One night away in actor 1's time: from the Saturday nearest its middle.
    const double a1_days = (plan_.anomaly_begin - plan_.begin) / kDay;
    const double trip_day = a1_days >= 7 ? std::floor((plan_.begin + 0.5 * (plan_.anomaly_begin - plan_.begin) - kFirstMidnight) / kDay / 7) * 7 * kDay + 5 * kDay + kFirstMidnight : -1;
    // Day by day from the midnight before the start (that night's sleep included).
    for (double m = std::floor((plan_.begin - kFirstMidnight) / kDay) * kDay + kFirstMidnight - kDay;
         m < end; m += kDay) {
      const int weekday = static_cast<int>(std::llround((m - kFirstMidnight) / kDay)) % 7;
      const int wd = (weekday + 7) % 7;
      if (m + kDay <= plan_.anomaly_begin + 1) {
        actor1_day(m, wd, m == trip_day ? 1 : m == trip_day + kDay ? 2 : 0, sched);
      } else {
        actor2_day(m, sched);
      }
    }
    clip_plan();
    simulate_environment();
    build_cell_events();
    // Rows are actor 2's wholesale while actor 2 is in a room (the motion sensors' 90 s
    // hold and a little more after leaving): the home's state shows them there.
    auto& w = plan_.physical_windows;
    for (const auto& room : plan_.occupancy)
      for (const auto& iv : room)
        if (iv.actor == 2) w.push_back({iv.start, iv.end + 95, 2});
    std::sort(w.begin(), w.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
    std::vector<Interval> merged;  // disjoint, so that next() can walk them with one cursor
    for (const auto& iv : w) {
      if (!merged.empty() && iv.start <= merged.back().end) merged.back().end = std::max(merged.back().end, iv.end);
      else merged.push_back(iv);
    }
    w = std::move(merged);
    std::stable_sort(plan_.activities.begin(), plan_.activities.end(),
                     [](const ActivityRecord& a, const ActivityRecord& b) { return a.start < b.start; });
  }

  // Keep only what lies inside [begin, end); actor 1's plan never reaches into actor 2's days.
  void clip_plan() {
    using namespace detail_home;
    const double b = plan_.begin, e = plan_.end, a2 = plan_.anomaly_begin;
    auto clip = [&](std::vector<Interval>& v) {
      std::vector<Interval> out;
      for (auto iv : v) {
        const double hi = iv.actor == 1 ? std::min(e, a2) : e;
        iv.start = std::max(iv.start, b);
        iv.end = std::min(iv.end, hi);
        if (iv.end > iv.start) out.push_back(iv);
      }
      v = std::move(out);
    };
    for (int r = 0; r < room_count; ++r) {
      std::vector<Interval> out;
      std::vector<double> rates;
      for (std::size_t i = 0; i < plan_.occupancy[r].size(); ++i) {
        auto iv = plan_.occupancy[r][i];
        const double hi = iv.actor == 1 ? std::min(e, a2) : e;
        iv.start = std::max(iv.start, b);
        iv.end = std::min(iv.end, hi);
        if (iv.end > iv.start) {
          out.push_back(iv);
          rates.push_back(plan_.motion_rate[r][i]);
        }
      }
      plan_.occupancy[r] = std::move(out);
      plan_.motion_rate[r] = std::move(rates);
    }
    for (auto& v : plan_.device_on) clip(v);
    for (auto* v : {&plan_.away, &plan_.awake, &plan_.showers, &plan_.cooking, &plan_.laptop_use,
                    &plan_.phone_use, &plan_.intruder_use, &plan_.phone_c2_use, &plan_.physical_windows})
      clip(*v);
    std::vector<std::pair<double, int>> doors;
    for (auto d : plan_.doors)
      if (d.first >= b && d.first < (d.second == 1 ? std::min(e, a2) : e)) doors.push_back(d);
    plan_.doors = std::move(doors);
    std::vector<ActivityRecord> acts;
    for (auto& a : plan_.activities)
      if (a.end > b && a.start < (a.actor == 1 ? std::min(e, a2) : e)) acts.push_back(std::move(a));
    plan_.activities = std::move(acts);
    std::vector<Packet> packets;
    for (auto& p : plan_.episode_packets)
      if (p.time >= b && p.time < e) packets.push_back(std::move(p));
    plan_.episode_packets = std::move(packets);
  }

  static bool inside(const std::vector<detail_home::Interval>& v, double t) {
    for (const auto& iv : v)
      if (iv.start <= t && t < iv.end) return true;
    return false;
  }

  // Minute-resolution physics: outdoor weather, the heated rooms, humidity, daylight.
  void simulate_environment() {
    using namespace detail_home;
    Rng r(stream_seed(opt_.seed, 2));
    const double b = plan_.begin;
    const std::size_t minutes = static_cast<std::size_t>(std::ceil((plan_.end - b) / kMinute)) + 2;
    env_begin_ = b;
    temp_living_.resize(minutes);
    temp_bed_.resize(minutes);
    hum_living_.resize(minutes);
    hum_bath_.resize(minutes);
    daylight_.resize(minutes);
    // Interval lookups per minute through marks, so the simulation stays linear in time.
    auto mark = [&](const std::vector<Interval>& v) {
      std::vector<char> on(minutes, 0);
      for (const auto& iv : v) {
        const auto a = static_cast<std::size_t>(std::max(0.0, (iv.start - b) / kMinute));
        const auto z = std::min(minutes, static_cast<std::size_t>(std::max(0.0, (iv.end - b) / kMinute)) + 1);
        for (std::size_t i = a; i < z; ++i) on[i] = 1;
      }
      return on;
    };
    const auto shower = mark(plan_.showers),
               cooking = mark(plan_.cooking);
    double tl = 19.5, tb = 18.5, hl = 44, hb = 52, day_offset = r.normal(0, 1.5), cloud = r.uniform(0.4, 1.0);
    bool heat = false;
    long long day = -1;
    std::vector<Interval> heat_on;
    double heat_start = 0;
    for (std::size_t i = 0; i < minutes; ++i) {
      const double t = b + static_cast<double>(i) * kMinute;
      const long long d = static_cast<long long>(std::floor((t - kFirstMidnight) / kDay));
      if (d != day) {
        day = d;
        day_offset = r.normal(0, 0.4);  // mild, independent days: no weather that marks a week
        cloud = r.uniform(0.7, 1.0);
      }
      const double h = std::fmod(t - kFirstMidnight, kDay) / kHour;
      const double outdoor = 6.0 + day_offset + 4.0 * std::sin(6.283185307179586 * (h - 9.0) / 24.0);
      // The thermostat runs a time schedule, whoever is home: 20.5 by day, 17.5 at night.
      const int weekday = static_cast<int>(((d % 7) + 7) % 7);
      const bool weekend = weekday >= 5;
      const double setpoint = (h >= (weekend ? 7.5 : 6.0) && h < (weekend ? 23.5 : 22.5)) ? 20.5 : 17.5;
      if (!heat && tl < setpoint - 0.3) {
        heat = true;
        heat_start = t;
      } else if (heat && tl > setpoint + 0.3) {
        heat = false;
        heat_on.push_back({heat_start, t, 1});
      }
      tl += (outdoor - tl) / 700.0 + (heat ? 0.045 : 0.0) + (cooking[i] ? 0.01 : 0.0) + r.normal(0, 0.004);
      tb += (tl - tb) / 90.0 + (outdoor - tb) / 1500.0;
      hb += (50.0 - hb) / 35.0 + (shower[i] ? 2.2 : 0.0);
      hb = std::min(hb, 96.0);
      hl += (43.0 + 3.0 * std::sin(6.283185307179586 * (h - 4.0) / 24.0) - hl) / 120.0 +
            (cooking[i] ? 0.12 : 0.0) + r.normal(0, 0.03);
      temp_living_[i] = tl;
      temp_bed_[i] = tb;
      hum_living_[i] = hl;
      hum_bath_[i] = hb;
      daylight_[i] = std::max(0.0, std::sin(3.141592653589793 * (h - 6.5) / 12.0)) * 420.0 * cloud;
    }
    if (heat) heat_on.push_back({heat_start, plan_.end, 1});
    plan_.device_on[thermostat] = std::move(heat_on);
  }

  std::size_t minute_index(double t) const {
    const double i = std::floor((t - env_begin_) / detail_home::kMinute);
    return std::min(temp_living_.size() - 1, static_cast<std::size_t>(std::max(0.0, i)));
  }

  // Device state changes and event-driven sensors (motion, door contact) as cell events,
  // and the packets each change causes.
  void build_cell_events() {
    using namespace detail_home;
    Rng r(stream_seed(opt_.seed, 3));
    auto& ev = plan_.cell_events;
    const std::size_t dev0 = first_device_column(), sen0 = first_sensor_column();
    std::vector<Packet> packets;
    auto packet = [&](double t, int from, int to, const char* proto, int len, const char* info, int actor) {
      Packet p;
      p.time = t;
      p.source = host_address(from);
      p.destination = host_address(to);
      p.protocol = proto;
      p.length = len;
      p.info = info;
      p.actor = actor;
      packets.push_back(std::move(p));
    };
    // Every state report goes from the hub to its cloud (the home's event stream).
    auto report = [&](double t, int actor) {
      packet(t + r.uniform(0.05, 0.4), hub, hub_cloud, "TLSv1.2", r.integer(140, 260), "Application Data", actor);
    };
    // Initial snapshot: every device reports its state some minutes after the start, so
    // the first rows have empty state fields.
    for (int d = 0; d < device_count; ++d) {
      const double t0 = plan_.begin + r.uniform(1, 25) * kMinute;
      ev.push_back({t0, dev0 + static_cast<std::size_t>(d), state_at(d, t0) ? device_on_state(d) : device_off_state(d), 1});
    }
    // Device transitions from the merged on-intervals.
    for (int d = 0; d < device_count; ++d) {
      auto v = plan_.device_on[d];
      std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
      std::vector<Interval> merged;
      for (const auto& iv : v) {
        if (!merged.empty() && iv.start <= merged.back().end) {
          if (iv.end > merged.back().end) {
            merged.back().end = iv.end;
            if (iv.actor == 2) merged.back().actor = 2;
          }
        } else {
          merged.push_back(iv);
        }
      }
      plan_.device_on[d] = merged;
      for (const auto& iv : merged) {
        for (int edge = 0; edge < 2; ++edge) {
          const double t = edge == 0 ? iv.start : iv.end;
          if (t < plan_.begin || t >= plan_.end) continue;
          ev.push_back({t, dev0 + static_cast<std::size_t>(d), edge == 0 ? device_on_state(d) : device_off_state(d), iv.actor});
          report(t, iv.actor);
          if (d <= light_bathroom) {
            packet(t + 0.01, hub, light_bridge, "HTTP", r.integer(260, 320), "PUT /api/hub/lights/state HTTP/1.1", iv.actor);
            packet(t + 0.03, light_bridge, hub, "HTTP", r.integer(170, 210), "HTTP/1.1 200 OK", iv.actor);
          } else if (d == plug_desk || d == plug_kettle) {
            const int plug = d == plug_desk ? plug_desk_host : plug_kettle_host;
            packet(t + 0.01, hub, plug, "MQTT", r.integer(70, 90), "Publish Message [cmnd/POWER]", iv.actor);
            packet(t + 0.05, plug, hub, "MQTT", r.integer(70, 90), "Publish Message [stat/POWER]", iv.actor);
          } else if (d == tv_living_room && edge == 0) {
            packet(t + 0.5, tv, router, "DNS", r.integer(70, 90), "Standard query A cdn.example-stream.net", iv.actor);
            packet(t + 0.52, router, tv, "DNS", r.integer(100, 140), "Standard query response A 151.101.2.219", iv.actor);
            packet(t + 0.6, tv, cdn, "TLSv1.3", r.integer(500, 600), "Client Hello", iv.actor);
          } else if (d == thermostat) {
            packet(t + 0.2, thermostat_host, thermostat_cloud, "TLSv1.2", r.integer(180, 260), "Application Data", iv.actor);
          }
          // Power readings follow the plug at once.
          const int power = d == plug_kettle ? power_kettle : d == plug_desk ? power_desk : d == tv_living_room ? power_tv : -1;
          if (power >= 0)
            ev.push_back({t + r.uniform(1, 3), sen0 + static_cast<std::size_t>(power), power_text(power, edge == 0, r), iv.actor});
        }
      }
    }
    // Motion: a trigger at each entry and re-triggers at the occupancy's rate; the sensor
    // holds 1 for 90 s after the last trigger.
    for (int room = 0; room < room_count; ++room) {
      const int sensor = room_motion(room);
      if (sensor < 0) continue;
      std::vector<std::pair<double, int>> triggers;
      for (std::size_t i = 0; i < plan_.occupancy[room].size(); ++i) {
        const auto& iv = plan_.occupancy[room][i];
        triggers.push_back({iv.start, iv.actor});
        const double rate = plan_.motion_rate[room][i];
        if (rate > 0)
          for (double t = iv.start + r.exponential(kHour / rate); t < iv.end; t += r.exponential(kHour / rate))
            triggers.push_back({t, iv.actor});
      }
      std::sort(triggers.begin(), triggers.end());
      const std::size_t col = sen0 + static_cast<std::size_t>(sensor);
      ev.push_back({plan_.begin + r.uniform(1, 20) * kMinute, col, "0", 1});
      for (std::size_t i = 0; i < triggers.size();) {
        const double on = triggers[i].first;
        const int actor = triggers[i].second;
        double off = on + 90;
        std::size_t j = i + 1;
        while (j < triggers.size() && triggers[j].first < off) off = triggers[j++].first + 90;
        ev.push_back({on, col, "1", actor});
        ev.push_back({off, col, "0", actor});
        report(on, actor);
        i = j;
      }
    }
    // The front door: unlock (the lock interval), open, close.
    const std::size_t contact = sen0 + door_front_contact;
    ev.push_back({plan_.begin + r.uniform(1, 20) * kMinute, contact, "0", 1});
    for (const auto& d : plan_.doors) {
      const double open = d.first + r.uniform(3, 8);
      const double close = open + r.uniform(8, 25);
      ev.push_back({open, contact, "1", d.second});
      ev.push_back({close, contact, "0", d.second});
      report(open, d.second);
      report(close, d.second);
    }
    std::vector<CellEvent> kept;
    for (auto& e : ev)
      if (e.time < plan_.end) kept.push_back(std::move(e));
    ev = std::move(kept);
    std::stable_sort(ev.begin(), ev.end(), [](const CellEvent& a, const CellEvent& b) { return a.time < b.time; });
    device_packets_ = std::move(packets);
  }

  bool state_at(int d, double t) const { return inside(plan_.device_on[d], t); }

  static std::string power_text(int power, bool on, detail_home::Rng& r) {
    using namespace detail_home;
    if (power == power_kettle) return on ? fixed(r.uniform(1850, 2200), 1) : fixed(r.uniform(0, 0.3), 1);
    if (power == power_tv) return on ? fixed(r.uniform(95, 130), 1) : fixed(r.uniform(0.4, 0.7), 1);
    return on ? fixed(r.uniform(40, 90), 1) : fixed(r.uniform(0.8, 1.6), 1);
  }

  // ---- the packet sources and the periodic sensors --------------------------------------

  void build_sources() {
    using namespace detail_home;
    const double b = plan_.begin, e = plan_.end, sc = scale_;
    std::uint64_t id = 100;
    auto periodic = [&](Periodic::Spec spec) {
      sources_.push_back(std::make_unique<Periodic>(spec, sc, b, e, stream_seed(opt_.seed, id++)));
    };
    // The home's background traffic.
    periodic({hub, hub_cloud, "TLSv1.2", 110, 160, "Application Data", "TCP", 54, 66, "443 > 50212 [ACK]", 300});
    periodic({thermostat_host, thermostat_cloud, "TLSv1.2", 150, 230, "Application Data", "TLSv1.2", 90, 140, "Application Data", 900});
    periodic({hub, ntp_server, "NTP", 90, 90, "NTP Version 4 client", "NTP", 90, 90, "NTP Version 4 server", 3600});
    periodic({tv, ntp_server, "NTP", 90, 90, "NTP Version 4 client", "NTP", 90, 90, "NTP Version 4 server", 3600});
    periodic({plug_desk_host, hub, "MQTT", 90, 130, "Publish Message [tele/STATE]", "MQTT", 60, 60, "Publish Ack", 900});
    periodic({plug_kettle_host, hub, "MQTT", 90, 130, "Publish Message [tele/STATE]", "MQTT", 60, 60, "Publish Ack", 900});
    periodic({router, broadcast, "ARP", 42, 42, "Who has 192.168.1.20? Tell 192.168.1.1", "ARP", 42, 42, "192.168.1.20 is at 5c:aa:fd:01:02:03", 1200});
    periodic({tv, ssdp, "SSDP", 300, 360, "NOTIFY * HTTP/1.1", nullptr, 0, 0, "", 900});
    periodic({hub, mdns, "MDNS", 120, 200, "Standard query response PTR _home-assistant._tcp.local", nullptr, 0, 0, "", 900});
    periodic({hub, router, "DNS", 70, 90, "Standard query A api.hub-cloud.example", "DNS", 100, 130, "Standard query response A 52.31.18.40", 1800});
    // Traffic that follows use: streaming while the TV plays, work on the laptop, the phone.
    std::vector<Interval> tv_on = plan_.device_on[tv_living_room];
    sources_.push_back(std::make_unique<Sessions>(
        Sessions::Spec{tv, {cdn, cdn2}, "TCP", 40, 4, 12, 54, 66, 1200, 1514, 0.85,
                       "50432 > 443 [ACK]", "443 > 50432 [ACK] Len=1448"},
        tv_on, sc, stream_seed(opt_.seed, id++)));
    sources_.push_back(std::make_unique<Sessions>(
        Sessions::Spec{laptop, {work_cloud, web}, "TLSv1.3", 25, 2, 6, 80, 600, 200, 1400, 0.6,
                       "Application Data", "Application Data"},
        plan_.laptop_use, sc, stream_seed(opt_.seed, id++)));
    sources_.push_back(std::make_unique<Sessions>(
        Sessions::Spec{phone, {web, hub_cloud, cdn2}, "TLSv1.2", 15, 2, 5, 80, 400, 150, 1400, 0.6,
                       "Application Data", "Application Data"},
        plan_.phone_use, sc, stream_seed(opt_.seed, id++)));
    sources_.push_back(std::make_unique<Sessions>(
        Sessions::Spec{phone, {router}, "DNS", 8, 2, 2, 70, 90, 100, 160, 0.5,
                       "Standard query A www.example.com", "Standard query response A 142.250.185.78"},
        plan_.phone_use, sc, stream_seed(opt_.seed, id++)));
    // Actor 2's laptop and phone: unknown hosts talking to an unknown server.
    sources_.push_back(std::make_unique<Sessions>(
        Sessions::Spec{intruder_laptop, {c2_server, web}, "TLSv1.2", 60, 2, 6, 80, 500, 100, 1400, 0.5,
                       "Application Data", "Application Data"},
        plan_.intruder_use, sc, stream_seed(opt_.seed, id++)));
    sources_.push_back(std::make_unique<Sessions>(
        Sessions::Spec{intruder_phone, {router, c2_server}, "DNS", 20, 2, 2, 70, 90, 100, 160, 0.5,
                       "Standard query A update.example-c2.net", "Standard query response A 185.220.101.4"},
        plan_.intruder_use, sc, stream_seed(opt_.seed, id++)));
    sources_.push_back(std::make_unique<Sessions>(
        Sessions::Spec{phone, {c2_server}, "TLSv1.2", 60, 2, 6, 80, 500, 100, 1400, 0.5, "Application Data",
                       "Application Data"},
        plan_.phone_c2_use, sc, stream_seed(opt_.seed, id++)));
    sources_.push_back(std::make_unique<Listed>(std::move(device_packets_)));
    sources_.push_back(std::make_unique<Listed>(std::move(plan_.episode_packets)));
    for (std::size_t i = 0; i < sources_.size(); ++i)
      if (sources_[i]->peek() < kNever) heap_.push({sources_[i]->peek(), i});

    // Periodic sensors; each joins at its own time (leading empties) and now and then
    // goes unavailable for a while (an empty field that imputation must carry over).
    const std::size_t sen0 = first_sensor_column();
    auto sensor = [&](int s, double period, int decimals) {
      SensorProcess p;
      p.sensor = s;
      p.column = sen0 + static_cast<std::size_t>(s);
      p.period = period;
      p.decimals = decimals;
      p.rng = std::make_unique<Rng>(stream_seed(opt_.seed, id++));
      p.next = b + p.rng->uniform(0.2, 1.5) * period;
      sensors_.push_back(std::move(p));
    };
    sensor(temperature_living_room, 300, 1);
    sensor(temperature_bedroom, 300, 1);
    sensor(humidity_living_room, 600, 1);
    sensor(humidity_bathroom, 120, 1);
    sensor(illuminance_living_room, 120, 0);
    sensor(power_kettle, 60, 1);
    sensor(power_tv, 60, 1);
    sensor(power_desk, 60, 1);
    Rng meta(stream_seed(opt_.seed, 4));
    for (std::size_t k = 0; k < opt_.extra_sensors; ++k) {
      SensorProcess p;
      p.column = first_extra_column() + k;
      static const double periods[] = {30, 60, 120, 300, 600, 900};
      p.period = periods[meta.integer(0, 5)];
      p.decimals = meta.integer(1, 2);
      p.mean = meta.uniform(-50, 250);
      p.step = meta.uniform(0.05, 2.0);
      p.revert = meta.uniform(0.01, 0.1);
      p.value = p.mean + meta.normal(0, 3 * p.step);
      p.rng = std::make_unique<Rng>(stream_seed(opt_.seed, 1000000 + k));
      // Some extra sensors join hours late: long leading empties.
      p.next = b + p.rng->uniform(0.2, 1.5) * p.period + (meta.chance(0.1) ? meta.uniform(1, 12) * kHour : 0);
      sensors_.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < sensors_.size(); ++i) sensor_heap_.push({sensors_[i].next, i});
  }

  void apply_changes_until(double t) {
    using namespace detail_home;
    const auto& ev = plan_.cell_events;
    // Cell events and sensor reports interleave by time; at equal times events go first.
    while (true) {
      const double te = next_event_ < ev.size() ? ev[next_event_].time : kNever;
      const double ts = sensor_heap_.empty() ? kNever : sensor_heap_.top().first;
      if (std::min(te, ts) > t) break;
      if (te <= ts) {
        cells_[ev[next_event_].column] = ev[next_event_].value;
        ++next_event_;
      } else {
        const std::size_t i = sensor_heap_.top().second;
        sensor_heap_.pop();
        read_sensor(sensors_[i]);
        sensor_heap_.push({sensors_[i].next, i});
      }
    }
  }

  void read_sensor(detail_home::SensorProcess& p) {
    using namespace detail_home;
    Rng& r = *p.rng;
    const double t = p.next;
    p.next = t + p.period * r.uniform(0.85, 1.15);
    if (t < p.unavailable_until) return;
    if (r.chance(0.05 * p.period / kHour)) {  // about once a day: empty until it comes back
      cells_[p.column].clear();
      p.unavailable_until = t + r.uniform(10, 45) * kMinute;
      return;
    }
    if (p.sensor < 0) {
      p.value += p.revert * (p.mean - p.value) + r.normal(0, p.step);
      cells_[p.column] = fixed(p.value, p.decimals);
      return;
    }
    const std::size_t i = minute_index(t);
    double v = 0;
    switch (p.sensor) {
      case temperature_living_room: v = temp_living_[i] + r.normal(0, 0.05); break;
      case temperature_bedroom: v = temp_bed_[i] + r.normal(0, 0.05); break;
      case humidity_living_room: v = hum_living_[i] + r.normal(0, 0.2); break;
      case humidity_bathroom: v = hum_bath_[i] + r.normal(0, 0.3); break;
      case illuminance_living_room:
        v = std::max(0.0, daylight_[i] + (state_at(light_living_room, t) ? 160.0 : 0.0) + r.normal(0, 4));
        break;
      default: {
        const int d = p.sensor == power_kettle ? plug_kettle : p.sensor == power_tv ? tv_living_room : plug_desk;
        cells_[p.column] = power_text(p.sensor, state_at(d, t), r);
        return;
      }
    }
    cells_[p.column] = fixed(v, p.decimals);
  }

  SmartHomeOptions opt_;
  double scale_ = 1;
  std::vector<std::string> header_, cells_;
  detail_home::Plan plan_;
  std::vector<detail_home::Packet> device_packets_;
  std::vector<std::unique_ptr<detail_home::PacketSource>> sources_;
  std::priority_queue<HeapItem, std::vector<HeapItem>, Later> heap_, sensor_heap_;
  std::vector<detail_home::SensorProcess> sensors_;
  std::size_t next_event_ = 0, window_ = 0, frame_ = 0;
  double time_ = 0;
  int actor_ = 1;
  double env_begin_ = 0;
  std::vector<double> temp_living_, temp_bed_, hum_living_, hum_bath_, daylight_;
};

// The activity log as CSV: actor,activity,start,end,room,details.
inline void write_activity_log(const SmartHomeGenerator& g, std::ostream& out) {
  out << "actor,activity,start,end,room,details\n";
  for (const auto& a : g.activities())
    out << a.actor << ',' << a.activity << ',' << detail_home::format_time(a.start, g.options().epoch_timestamps)
        << ',' << detail_home::format_time(a.end, g.options().epoch_timestamps) << ',' << a.room << ','
        << a.details << '\n';
}

// The schema of the merged file in the text format of dlrm/preprocessing/schema.hpp.
inline void write_schema(const SmartHomeGenerator& g, std::ostream& out) {
  out << prep::to_text(g.schema());
}

// Writes the merged timeline as CSV, streaming: memory does not grow with the row count.
// Returns the number of rows written.
inline std::size_t write_merged_csv(SmartHomeGenerator& g, std::ostream& out) {
  std::string buffer;
  for (std::size_t i = 0; i < g.header().size(); ++i) {
    if (i) buffer += ',';
    buffer += g.header()[i];
  }
  buffer += '\n';
  std::size_t rows = 0;
  while (g.next()) {
    g.append_csv_line(buffer);
    ++rows;
    if (buffer.size() > (1u << 20)) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  if (!out) throw Error("smart home: writing the merged CSV failed; check the disk space and the output path");
  return rows;
}

// The three files of `dlrm-anomaly generate`: merged.csv, activity_log.csv, schema.txt.
// Returns the number of rows of the merged CSV.
inline std::size_t generate_smart_home(const SmartHomeOptions& options, std::ostream& merged_csv,
                                       std::ostream& activity_log_csv, std::ostream& schema_txt) {
  SmartHomeGenerator g(options);
  write_activity_log(g, activity_log_csv);
  write_schema(g, schema_txt);
  const std::size_t rows = write_merged_csv(g, merged_csv);
  if (!activity_log_csv || !schema_txt)
    throw Error("smart home: writing the activity log or the schema failed; check the output path");
  return rows;
}

}  // namespace dlrm::datasets
