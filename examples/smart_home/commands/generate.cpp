// dlrm-anomaly generate: the deterministic synthetic smart home (datasets/smart_home.hpp)
// as DIR/merged.csv, DIR/activity_log.csv and DIR/schema.txt.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app.hpp"
#include "dlrm/datasets/smart_home.hpp"
#include "dlrm/error.hpp"

namespace app {

int run_generate(const GenerateArgs& a) {
  dlrm::datasets::SmartHomeOptions o;
  if (a.days) o.days = *a.days;
  if (a.anomalous_days) o.anomalous_days = *a.anomalous_days;
  o.seed = a.seed;
  if (a.events_per_day) o.events_per_day = static_cast<double>(*a.events_per_day);
  if (a.extra_sensors) o.extra_sensors = *a.extra_sensors;
  if (a.anomaly_strength) o.anomaly_strength = *a.anomaly_strength;
  o.epoch_timestamps = a.epoch_timestamps;

  dlrm::datasets::SmartHomeGenerator::check_options(o);  // before any file is created

  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) throw dlrm::Error(a.out + ": cannot create the directory: " + ec.message());
  const std::filesystem::path dir(a.out);
  auto open = [](const std::filesystem::path& p) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    if (!f) throw dlrm::Error(p.string() + ": cannot create the file; check the permissions");
    return f;
  };
  std::ofstream merged = open(dir / "merged.csv");
  std::ofstream log = open(dir / "activity_log.csv");
  std::ofstream schema = open(dir / "schema.txt");
  const std::size_t rows = dlrm::datasets::generate_smart_home(o, merged, log, schema);
  merged.close();
  log.close();
  schema.close();
  if (!merged || !log || !schema)
    throw dlrm::Error(a.out + ": writing the files failed (disk full?)");
  std::printf("wrote %s: %zu rows over %g days (the last %g by actor 2), seed %llu\n",
              (dir / "merged.csv").string().c_str(), rows, o.days, o.anomalous_days,
              static_cast<unsigned long long>(o.seed));
  return 0;
}

}  // namespace app
