#!/usr/bin/env bash
# Benchmarks dlrm against its PyTorch peer on the same models and inputs.
#   1. installs missing Debian packages (scripts/deps.sh), builds the release preset's
#      benchmarks;
#   2. runs bench_kernels and bench_model (Google Benchmark), then bench/peer/peer.py;
#   3. prints a ratio table and writes build/release/bench/peer.json, a list of
#      {config, phase, batch, threads, dlrm_samples_per_s, pytorch_samples_per_s, ...}.
# If the CSV benchmark exists (build/release/bin/bench_csv and bench/peer/csv_peer.py),
# it runs too and adds a {phase: "csv_parse", dlrm_mb_per_s, peer_mb_per_s} record.
# bench_pipeline times the single-event transform of a 30-column schema (records
# transform_one from split fields, transform_line from the raw line). Last, dlrm-anomaly
# scores the default synthetic home event by event (parsing and preprocessing included)
# and adds a {phase: "score", events_per_s, p50_us, p99_us} record.
#
# Environment: DLRM_BENCH_THREADS (default 2), DLRM_BENCH_MIN_TIME (seconds per
# measurement, default 0.5), DLRM_BENCH_REPETITIONS (bench_model repetitions whose median
# is taken, default 3), DLRM_BENCH_SKIP_KERNELS=1 to skip bench_kernels.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
dlrm_install_deps

threads=${DLRM_BENCH_THREADS:-2}
min_time=${DLRM_BENCH_MIN_TIME:-0.5}
repetitions=${DLRM_BENCH_REPETITIONS:-3}
out=build/release/bench
bin=build/release/bin
python=/usr/bin/python3

echo "== building the release benchmarks =="
cmake --preset release >/dev/null
targets=(bench_model bench_kernels bench_pipeline dlrm-anomaly)
target_list=$(cmake --build --preset release --target help 2>/dev/null || true)
if grep -qw bench_csv <<<"$target_list"; then
  targets+=(bench_csv)
fi
cmake --build --preset release -j "$(nproc)" --target "${targets[@]}"
mkdir -p "$out"

if [ "${DLRM_BENCH_SKIP_KERNELS:-0}" != 1 ]; then
  echo "== bench_kernels (threads $threads) =="
  "$bin/bench_kernels" --threads="$threads" --benchmark_min_time="$min_time" \
    --benchmark_out="$out/kernels.json" --benchmark_out_format=json
fi

echo "== bench_model (threads $threads) =="
# Repeated, and the median repetition taken: this shared machine has passing slow spells.
"$bin/bench_model" --threads="$threads" --benchmark_min_time="$min_time" \
  --benchmark_repetitions="$repetitions" --benchmark_out="$out/model.json" \
  --benchmark_out_format=json | tee "$out/model.txt"

echo "== PyTorch peer (threads $threads) =="
# Only the peer runs without the OpenBLAS tuning variables, so that PyTorch runs at its best.
# Its median step over as long as bench_model's repetitions take.
peer_time=$(awk "BEGIN { print $min_time * $repetitions }")
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" bench/peer/peer.py \
  --threads "$threads" --min-time "$peer_time" --out "$out/pytorch.json"

csv_json=""
if [ -x "$bin/bench_csv" ] && [ -f bench/peer/csv_peer.py ]; then
  echo "== CSV parse: bench_csv vs bench/peer/csv_peer.py =="
  # The synthetic home at the real file's width: 561 columns, 67,793 rows, 226 MB.
  "$bin/dlrm-anomaly" generate --out "$out/wide_home" --days 5 --events-per-day 20000 \
    --extra-sensors 530 >/dev/null
  wide="$out/wide_home/merged.csv"
  "$bin/bench_csv" --csv "$wide" --benchmark_format=json > "$out/csv.json"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" bench/peer/csv_peer.py "$wide" \
    > "$out/csv_peer.json"
  csv_json="$out/csv.json"
else
  echo "== CSV parse comparison skipped: needs $bin/bench_csv and bench/peer/csv_peer.py =="
fi

echo "== bench_pipeline (single-event transform, 30-column schema) =="
"$bin/bench_pipeline" --benchmark_min_time="$min_time" \
  --benchmark_out="$out/pipeline.json" --benchmark_out_format=json

echo "== dlrm-anomaly score on the default home (parse + preprocess + predict, per event) =="
home="$out/home"
"$bin/dlrm-anomaly" generate --out "$home" >/dev/null
"$bin/dlrm-anomaly" train --csv "$home/merged.csv" --schema "$home/schema.txt" \
  --out "$home/model.dlrm" --quiet
"$bin/dlrm-anomaly" score --model "$home/model.dlrm" --csv "$home/merged.csv" --stats \
  > /dev/null 2> "$out/score.log"
tail -n 1 "$out/score.log"

"$python" - "$out" "$threads" "$csv_json" <<'EOF'
import json, sys
out, threads, csv_json = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def runs(path):
    with open(path) as f:
        data = json.load(f)
    result, medians = {}, {}
    for b in data["benchmarks"]:
        name = b["run_name"].removesuffix("/real_time")
        if b.get("run_type", "iteration") == "iteration":
            result[name] = b
        elif b.get("aggregate_name") == "median":
            medians[name] = b
    result.update(medians)  # with repetitions: the median repetition, counters included
    return result

ours = runs(f"{out}/model.json")
with open(f"{out}/pytorch.json") as f:
    theirs = json.load(f)

records = []
for p in theirs:
    if p["phase"] == "predict_one":
        name = f"{p['config']}/predict_one"
    else:
        name = f"{p['config']}/{p['phase']}/batch:{p['batch']}/threads:{p['threads']}"
    b = ours.get(name)
    if b is None:
        print(f"bench.sh: no dlrm result for {name}", file=sys.stderr)
        continue
    rec = dict(config=p["config"], phase=p["phase"], batch=p["batch"], threads=p["threads"],
               dlrm_samples_per_s=b["samples_per_s"], pytorch_samples_per_s=p["samples_per_s"],
               ratio=b["samples_per_s"] / p["samples_per_s"])
    if p["phase"] == "predict_one":
        rec["dlrm_median_us"] = b["median_us"]
        rec["pytorch_median_us"] = p["median_us"]
        rec["ratio"] = p["median_us"] / b["median_us"]
    records.append(rec)

if csv_json:
    with open(csv_json) as f:
        rates = [b["mb_per_s"] for b in json.load(f)["benchmarks"] if "mb_per_s" in b]
    with open(f"{out}/csv_peer.json") as f:
        peer = json.load(f)["peer_mb_per_s"]
    if rates:
        records.append(dict(config="wide_home_csv", phase="csv_parse", batch=None, threads=1,
                            dlrm_mb_per_s=rates[0], peer_mb_per_s=peer, ratio=rates[0] / peer))

pipeline = runs(f"{out}/pipeline.json")
for name, phase in (("BM_StreamEvent", "transform_one"), ("BM_StreamLine", "transform_line")):
    if name in pipeline:
        b = pipeline[name]
        ns = b["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
        records.append(dict(config="schema_30_columns", phase=phase, batch=1, threads=1,
                            dlrm_ns_per_event=ns))

import re
with open(f"{out}/score.log") as f:
    m = re.search(r"scored (\d+) events .* ([0-9.]+) events/s; latency per event p50 ([0-9.]+) us, "
                  r"p99 ([0-9.]+) us", f.read())
if m:
    records.append(dict(config="smart_home_default", phase="score", batch=1, threads=1,
                        events=int(m[1]), events_per_s=float(m[2]), p50_us=float(m[3]),
                        p99_us=float(m[4])))

with open(f"{out}/peer.json", "w") as f:
    json.dump(records, f, indent=1)
    f.write("\n")

print()
print(f"{'config':<11} {'phase':<12} {'batch':>6} {'thr':>3} {'dlrm':>14} {'pytorch':>14} {'ratio':>8}")
for r in records:
    if r["phase"] == "csv_parse":
        print(f"{r['config']:<11} {r['phase']:<12} {'':>6} {r['threads']:>3} "
              f"{r['dlrm_mb_per_s']:>10.1f} MB/s {r['peer_mb_per_s']:>10.1f} MB/s {r['ratio']:>7.2f}x")
    elif r["phase"].startswith("transform_"):
        what = "fields" if r["phase"] == "transform_one" else "CSV line"
        print(f"{r['config']:<11} {r['phase']:<12} {'':>6} {r['threads']:>3} "
              f"{r['dlrm_ns_per_event'] / 1e3:>11.2f} us per event ({what} to model inputs, no peer)")
    elif r["phase"] == "score":
        print(f"{r['config']:<11} {r['phase']:<12} {'':>6} {r['threads']:>3} "
              f"{r['events_per_s']:>10.0f} ev/s  p50 {r['p50_us']:.1f} us, p99 {r['p99_us']:.1f} us "
              f"(dlrm-anomaly score, {r['events']} events, no peer)")
    elif r["phase"] == "predict_one":
        print(f"{r['config']:<11} {r['phase']:<12} {r['batch']:>6} {r['threads']:>3} "
              f"{r['dlrm_median_us']:>11.2f} us {r['pytorch_median_us']:>11.2f} us {r['ratio']:>7.1f}x"
              "  (median latency)")
    else:
        print(f"{r['config']:<11} {r['phase']:<12} {r['batch']:>6} {r['threads']:>3} "
              f"{r['dlrm_samples_per_s']:>10.0f} /s  {r['pytorch_samples_per_s']:>10.0f} /s  {r['ratio']:>7.1f}x")

train = ours.get(f"kaggle/train/batch:2048/threads:{threads}")
gemm = ours.get(f"gemm/n:2048/threads:{threads}")
if train and gemm:
    t, g = train["flop_per_s"], gemm["flop_per_s"]
    print(f"\nkaggle train_step at batch 2048: {t / 1e9:.1f} GFLOP/s = {100 * t / g:.1f}% of the "
          f"2048^3 Eigen GEMM ({g / 1e9:.1f} GFLOP/s), {threads} threads")
print(f"\nwrote {out}/peer.json ({len(records)} records)")
EOF
