// CSV parse throughput (MB/s) on a wide file, and splitting one 30-column event.
//
//   bench_csv --make-wide FILE [--mb N]   write a deterministic wide CSV (520 columns,
//                                         >= N MB, default 200): numbers, categories,
//                                         empty fields, quoted fields now and then
//   bench_csv --csv FILE [benchmark flags]  benchmark reading FILE
//   bench_csv [benchmark flags]           the same on a 16 MB wide CSV made in memory
//
// Counters: mb_per_s = file bytes / wall time. BM_CsvTyped (first, so that
// scripts/bench.sh takes it) reads every field and parses every numeric-looking one
// (parse_number: std::from_chars semantics), the like-for-like comparison with
// pandas.read_csv (bench/peer/csv_peer.py), which types every column; BM_CsvTokenize
// only hands out the fields (string_views).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "dlrm/preprocessing/csv.hpp"

namespace {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

constexpr int kColumns = 520;

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) out += buf[--n];
}

// One row of the wide file. Column j % 10: 0-4 decimals, 5-6 integers, 7 a category,
// 8 often empty, 9 text, quoted (with a comma or a doubled quote) now and then.
void wide_row(SplitMix64& rng, std::string& out) {
  static const char* const words[] = {"kitchen", "hall",  "bath", "on",   "off",    "open",
                                      "closed",  "idle",  "tcp",  "udp",  "high",   "low"};
  for (int j = 0; j < kColumns; ++j) {
    if (j) out += ',';
    const std::uint64_t r = rng.next();
    switch (j % 10) {
      case 0: case 1: case 2: case 3: case 4:
        if (r & 1) out += '-';
        append_uint(out, (r >> 1) % 100);
        out += '.';
        {
          std::uint64_t frac = (r >> 8) % 10000;
          out += static_cast<char>('0' + frac / 1000);
          out += static_cast<char>('0' + frac / 100 % 10);
          out += static_cast<char>('0' + frac / 10 % 10);
          out += static_cast<char>('0' + frac % 10);
        }
        break;
      case 5: case 6:
        append_uint(out, r % 70000);
        break;
      case 7:
        out += words[r % 12];
        break;
      case 8:
        if (r % 10 < 3) break;  // empty
        append_uint(out, r % 1000);
        break;
      default:
        if (r % 50 == 0) {
          out += "\"a, ";
          out += words[(r >> 8) % 12];
          out += '"';
        } else if (r % 50 == 1) {
          out += "\"say \"\"";
          out += words[(r >> 8) % 12];
          out += "\"\"\"";
        } else {
          out += 'x';
          append_uint(out, (r >> 8) % 5000);
        }
    }
  }
  out += '\n';
}

std::string wide_header() {
  std::string h;
  for (int j = 0; j < kColumns; ++j) {
    if (j) h += ',';
    h += 'c';
    h += std::to_string(j);
  }
  h += '\n';
  return h;
}

int make_wide(const std::string& path, double megabytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::cerr << "cannot write " << path << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  SplitMix64 rng{42};
  std::string chunk = wide_header();
  const auto target = static_cast<std::uint64_t>(megabytes * 1e6);
  std::uint64_t written = 0, rows = 0;
  while (written + chunk.size() < target) {
    wide_row(rng, chunk);
    ++rows;
    if (chunk.size() > (1u << 22)) {
      std::fwrite(chunk.data(), 1, chunk.size(), f);
      written += chunk.size();
      chunk.clear();
    }
  }
  std::fwrite(chunk.data(), 1, chunk.size(), f);
  written += chunk.size();
  std::fclose(f);
  std::cout << "wrote " << path << ": " << rows << " rows, " << kColumns << " columns, "
            << written << " bytes\n";
  return 0;
}

std::string g_csv_path;     // --csv FILE
std::string g_memory_csv;   // otherwise: made in memory

std::uint64_t input_bytes() {
  if (g_csv_path.empty()) return g_memory_csv.size();
  std::ifstream in(g_csv_path, std::ios::binary | std::ios::ate);
  return static_cast<std::uint64_t>(in.tellg());
}

template <class Work>
void run_over_input(benchmark::State& state, Work work) {
  const std::uint64_t bytes = input_bytes();
  std::uint64_t checksum = 0;
  for (auto _ : state) {
    if (g_csv_path.empty()) {
      std::istringstream in(g_memory_csv);
      dlrm::prep::CsvReader reader(in, "memory.csv");
      checksum += work(reader);
    } else {
      dlrm::prep::CsvReader reader(g_csv_path);
      checksum += work(reader);
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.counters["mb_per_s"] = benchmark::Counter(
      static_cast<double>(bytes) * static_cast<double>(state.iterations()) / 1e6,
      benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}


void BM_CsvTyped(benchmark::State& state) {
  run_over_input(state, [](dlrm::prep::CsvReader& reader) {
    std::vector<std::string_view> fields;
    std::uint64_t numbers = 0;
    double sum = 0;
    while (reader.next(fields))
      for (auto f : fields) {
        if (f.empty()) continue;
        const char c = f[0];
        if ((c >= '0' && c <= '9') || c == '-' || c == '.') {
          if (auto v = dlrm::prep::parse_number(f)) {
            sum += *v;
            ++numbers;
          }
        }
      }
    benchmark::DoNotOptimize(sum);
    return numbers;
  });
}
BENCHMARK(BM_CsvTyped)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

void BM_CsvTokenize(benchmark::State& state) {
  run_over_input(state, [](dlrm::prep::CsvReader& reader) {
    std::vector<std::string_view> fields;
    std::uint64_t n = 0;
    while (reader.next(fields)) n += fields.size() + fields.back().size();
    return n;
  });
}
BENCHMARK(BM_CsvTokenize)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

// The single event that is the reader's part of the live path: one 30-column line split.
void BM_SplitLine30(benchmark::State& state) {
  std::string line =
      "1556219980.25,192.168.1.195,41040,185.244.25.235,80,tcp,,3.139211,0,0,S0,,,0,S,3,180,0,0,,"
      "\"living room, east\",on,off,21.5,48.2,1013.25,0,1,kitchen,\"say \"\"hi\"\"\"\r\n";
  dlrm::prep::LineSplitter split;
  std::size_t fields = 0;
  for (auto _ : state) {
    const auto& f = split.split(line);
    fields += f.size();
    benchmark::DoNotOptimize(f.data());
  }
  if (fields != 30 * static_cast<std::size_t>(state.iterations()))
    state.SkipWithError("the line did not split into 30 fields");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SplitLine30);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest{argv[0]};
  std::string make_path;
  double megabytes = 200;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--make-wide" && i + 1 < argc) make_path = argv[++i];
    else if (a == "--mb" && i + 1 < argc) megabytes = std::stod(argv[++i]);
    else if (a == "--csv" && i + 1 < argc) g_csv_path = argv[++i];
    else rest.push_back(argv[i]);
  }
  if (!make_path.empty()) return make_wide(make_path, megabytes);
  if (g_csv_path.empty()) {
    SplitMix64 rng{42};
    g_memory_csv = wide_header();
    while (g_memory_csv.size() < 16'000'000) wide_row(rng, g_memory_csv);
  } else if (!std::ifstream(g_csv_path)) {
    std::cerr << "cannot open " << g_csv_path << "\n";
    return 1;
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
