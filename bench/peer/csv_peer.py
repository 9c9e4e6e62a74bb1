#!/usr/bin/env python3
"""The peer for bench_csv: pandas.read_csv on the same file, as MB/s.

Usage: /usr/bin/python3 bench/peer/csv_peer.py FILE [--repeat N]
Prints one JSON object: {"peer_mb_per_s": x, ...}. pandas' default C engine with its
default type inference (every column typed), the like-for-like twin of BM_CsvTyped.
Reports the best of N runs (default 1: a 200 MB file takes a while).
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    import pandas as pd

    size = os.path.getsize(args.file)
    best = None
    shape = None
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        frame = pd.read_csv(args.file, low_memory=False)
        elapsed = time.perf_counter() - start
        shape = frame.shape
        del frame
        best = elapsed if best is None else min(best, elapsed)
    print(json.dumps({
        "peer_mb_per_s": size / 1e6 / best,
        "seconds": best,
        "bytes": size,
        "rows": shape[0],
        "columns": shape[1],
        "pandas": pd.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
