#!/usr/bin/env bash
# Fuzzes every parser that reads user bytes (tests/fuzz/fuzz_inputs.cpp: schema text,
# timestamps, CSV typed by a schema, pipeline state, model artifact) with libFuzzer under
# ASan and UBSan, for DLRM_FUZZ_SECONDS (default 120). Seeds: a small generated home, its
# schema and a small trained artifact. Not part of test.sh: a fuzzer is a search, not a
# pass/fail check. A finding lands in build/fuzz/findings/ and stops the run (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
dlrm_install_deps
command -v clang++ >/dev/null || { echo "error: fuzzing needs clang: apt-get install -y clang" >&2; exit 1; }
seconds=${DLRM_FUZZ_SECONDS:-120}
work=build/fuzz

echo "== build (clang, libFuzzer + ASan + UBSan) =="
cmake -S . -B "$work" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DDLRM_BUILD_FUZZERS=ON -DDLRM_BUILD_TESTS=OFF -DDLRM_BUILD_BENCHMARKS=OFF \
  -DDLRM_BUILD_EXAMPLES=OFF -DDLRM_INSTALL=OFF >/dev/null
cmake --build "$work" --target fuzz_inputs -j "$(nproc)"
cmake --preset release >/dev/null
cmake --build --preset release --target dlrm-anomaly -j "$(nproc)"

echo "== seeds =="
seeds=$work/seeds corpus=$work/corpus home=$work/home
rm -rf "$seeds" "$home"
mkdir -p "$seeds" "$corpus" "$work/findings"
bin=build/release/bin/dlrm-anomaly
"$bin" generate --out "$home" --days 6 --anomalous-days 2 --events-per-day 200 >/dev/null
sed -i 's/buckets=4096/buckets=8/' "$home/schema.txt"
"$bin" train --csv "$home/merged.csv" --schema "$home/schema.txt" --out "$home/m.dlrm" \
  --embedding-dim 8 --bottom 8,8 --top 8 --epochs 2 --quiet
# The first byte picks the parser (fuzz_inputs.cpp): 0 schema, 1 time, 2/3 CSV, 5 artifact.
seed() { { printf "\\$(printf '%03o' "$1")"; cat; } > "$seeds/$2"; }
seed 0 schema < "$home/schema.txt"
seed 5 artifact < "$home/m.dlrm"
printf '25-Apr-19 19:19:40' | seed 1 time_dmy
printf '%%d/%%m/%%Y %%H:%%M:%%S\n25/04/2019 19:19:40' | seed 1 time_format
printf '2019-04-25T19:19:40.25+02:00' | seed 1 time_iso
csv='ts,temp,state,flag,src,label\n1556150400,20.5,on,true,10.0.0.1,0\n1556150401,,off, FALSE ,10.0.0.2,1\n"1556150402",21,"o""n",yes,,0\n'
printf "$csv" | seed 2 csv
printf "$csv" | seed 3 csv_skip

echo "== fuzz for $seconds s =="
"$work/bin/fuzz_inputs" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$work/findings/" "$corpus" "$seeds"
