// Single-event transform of the live Stream for a 30-column schema (target: <= 2 us),
// and the batch transform's throughput on the same schema.
//   build/<dir>/bin/bench_pipeline --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "dlrm/preprocessing.hpp"

using namespace dlrm::prep;

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
  s += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = s;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string number(double x) {
  char buf[64];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
}

// 30 columns: ts, uid (drop), 18 numeric, 5 categorical, 4 hashed, label; 4 windows.
struct Fixture {
  Schema schema;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // raw fields
  std::vector<std::string> lines;              // the same rows as CSV lines
  Table table;

  explicit Fixture(std::size_t n) {
    auto add = [&](const std::string& name, Role role, Impute impute = Impute::none, std::size_t buckets = 0) {
      ColumnSpec c;
      c.name = name;
      c.role = role;
      c.impute = impute;
      c.buckets = buckets;
      schema.columns.push_back(c);
      header.push_back(name);
    };
    add("ts", Role::time);
    add("uid", Role::drop);
    for (int i = 0; i < 18; ++i) add("sensor" + std::to_string(i), Role::numeric, i % 2 ? Impute::ffill : Impute::none);
    schema.columns[2].missing_indicator = true;
    for (int i = 0; i < 5; ++i) add("state" + std::to_string(i), Role::categorical, Impute::ffill);
    add("src", Role::hashed, Impute::none, 4096);
    add("dst", Role::hashed, Impute::none, 4096);
    add("proto", Role::hashed, Impute::none, 64);
    add("info", Role::hashed, Impute::none, 1024);
    add("label", Role::label);
    schema.positive = {"1"};
    auto window = [&](const char* name, WindowKind kind, const char* key, const char* value, double s) {
      WindowSpec w;
      w.name = name;
      w.kind = kind;
      w.key = key;
      w.value = value;
      w.seconds = s;
      schema.windows.push_back(w);
    };
    window("pkts_src", WindowKind::count, "src", "", 10);
    window("bytes_src", WindowKind::sum, "src", "sensor0", 10);
    window("dsts_src", WindowKind::distinct, "src", "dst", 30);
    window("since_state0", WindowKind::since_change, "", "state0", 0);

    std::uint64_t s = 42;
    double t = 1556150400;
    table.source = "bench";
    for (const auto& c : schema.columns) {
      if (c.role == Role::numeric) table.numeric.push_back(NumericColumn{c.name, {}});
      if (c.role == Role::categorical || c.role == Role::hashed) {
        TextColumn tc;
        tc.name = c.name;
        table.text.push_back(tc);
      }
    }
    std::vector<std::vector<std::string>> interned(table.text.size());
    for (std::size_t r = 0; r < n; ++r) {
      t += double(splitmix(s) % 100) / 1000.0;
      std::vector<std::string> f;
      f.push_back(number(t));
      f.push_back("u" + std::to_string(r));
      for (int i = 0; i < 18; ++i)
        f.push_back(splitmix(s) % 10 == 0 ? "" : number(double(splitmix(s) % 100000) / 100.0));
      const char* states[] = {"on", "off", "idle", "open", "closed", ""};
      for (int i = 0; i < 5; ++i) f.push_back(states[splitmix(s) % 6]);
      f.push_back("10.0.0." + std::to_string(splitmix(s) % 40));
      f.push_back("192.168.1." + std::to_string(splitmix(s) % 200));
      f.push_back(splitmix(s) % 2 ? "TCP" : "UDP");
      f.push_back("Standard query 0x" + std::to_string(splitmix(s) % 5000));
      f.push_back(splitmix(s) % 10 == 0 ? "1" : "0");
      // the Table load_table() would make of it
      table.time.push_back(t);
      table.line.push_back(r + 2);
      table.label.push_back(f.back() == "1" ? 1 : 0);
      std::size_t ni = 0, ti = 0;
      for (std::size_t c = 0; c < schema.columns.size(); ++c) {
        const Role role = schema.columns[c].role;
        if (role == Role::numeric) {
          table.numeric[ni++].values.push_back(f[c].empty() ? std::nan("") : *parse_number(f[c]));
        } else if (role == Role::categorical || role == Role::hashed) {
          TextColumn& col = table.text[ti];
          std::uint32_t code = 0;
          if (!f[c].empty()) {
            for (std::uint32_t k = 1; k < col.values.size(); ++k)
              if (col.values[k] == f[c]) code = k;
            if (code == 0) {
              code = static_cast<std::uint32_t>(col.values.size());
              col.values.push_back(f[c]);
            }
          }
          col.codes.push_back(code);
          ++ti;
        }
      }
      std::string line;
      for (std::size_t c = 0; c < f.size(); ++c) line += (c ? "," : "") + f[c];
      lines.push_back(line);
      rows.push_back(std::move(f));
    }
  }
};

const Fixture& fixture() {
  static const Fixture f(4096);
  return f;
}

// One live event: fields (already split) -> dense floats + indices, with the time field
// rewritten each time so that the timeline keeps moving forward.
void BM_StreamEvent(benchmark::State& state) {
  const Fixture& fx = fixture();
  Pipeline p(fx.schema);
  std::vector<std::size_t> train(fx.table.rows());
  for (std::size_t i = 0; i < train.size(); ++i) train[i] = i;
  p.fit(fx.table, train);
  Pipeline::Stream s = p.stream(fx.header);
  std::vector<std::vector<std::string_view>> fields;
  for (const auto& r : fx.rows) fields.emplace_back(r.begin(), r.end());
  std::vector<float> dense(p.dense_width());
  std::vector<std::int32_t> idx(s.tables());
  char time_buf[64];
  double t = fx.table.time.back() + 1, when = 0;
  std::size_t k = 0;
  for (auto _ : state) {
    std::vector<std::string_view>& f = fields[k];
    t += 0.01;
    f[0] = std::string_view(time_buf, static_cast<std::size_t>(std::to_chars(time_buf, time_buf + 64, t).ptr - time_buf));
    benchmark::DoNotOptimize(s.transform(f, k + 2, dense.data(), idx.data(), &when));
    benchmark::ClobberMemory();
    if (++k == fields.size()) k = 0;
  }
  state.counters["columns"] = double(fx.header.size());
  state.counters["dense"] = double(p.dense_width());
  state.counters["tables"] = double(s.tables());
}
BENCHMARK(BM_StreamEvent);

// The same from the raw CSV line: LineSplitter (csv.hpp) + Stream.
void BM_StreamLine(benchmark::State& state) {
  const Fixture& fx = fixture();
  Pipeline p(fx.schema);
  std::vector<std::size_t> train(fx.table.rows());
  for (std::size_t i = 0; i < train.size(); ++i) train[i] = i;
  p.fit(fx.table, train);
  Pipeline::Stream s = p.stream(fx.header);
  LineSplitter splitter;
  std::vector<std::string> lines = fx.lines;
  std::vector<float> dense(p.dense_width());
  std::vector<std::int32_t> idx(s.tables());
  double t = fx.table.time.back() + 1, when = 0;
  std::vector<std::string_view> f;
  std::size_t k = 0;
  std::string line;
  line.reserve(4096);
  for (auto _ : state) {
    t += 0.01;
    char time_buf[64];
    const auto end = std::to_chars(time_buf, time_buf + 64, t).ptr;
    const std::string& l = lines[k];
    line.assign(time_buf, end);
    line.append(l, l.find(','), std::string::npos);
    const auto& fields = splitter.split(line);
    benchmark::DoNotOptimize(s.transform(fields, k + 2, dense.data(), idx.data(), &when));
    benchmark::ClobberMemory();
    if (++k == lines.size()) k = 0;
  }
}
BENCHMARK(BM_StreamLine);

// Batch transform of all 4096 rows (rows/s).
void BM_TransformBatch(benchmark::State& state) {
  const Fixture& fx = fixture();
  Pipeline p(fx.schema);
  std::vector<std::size_t> rows(fx.table.rows());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  p.fit(fx.table, rows);
  for (auto _ : state) {
    Encoded e = p.transform(fx.table, rows);
    benchmark::DoNotOptimize(e.dense.data());
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(rows.size()));
}
BENCHMARK(BM_TransformBatch)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
