#!/usr/bin/python3
"""scikit-learn baselines for dlrm-anomaly on the IoT-23 captures, on exactly the same
split and features.

For each capture, dlrm-anomaly trains (supervised, per_class split) and exports the
transformed inputs of every row (`dlrm-anomaly export --csv F --inputs X.npz`: dense,
indices_{t}, offsets_{t}, label, part, score). The baselines read those arrays: the dense
features as they are, each categorical / hashed index one-hot encoded (columns seen in
the training part only), trained on part 0 and scored on part 2 (the test part), the same
rows the DLRM's ROC-AUC and PR-AUC are computed on.

    /usr/bin/python3 bench/peer/iot23_baselines.py \
        --bin build/release/bin/dlrm-anomaly --data ../shared/data/iot23 --work build/iot23

or, for arrays exported already:  iot23_baselines.py --inputs X.npz [X2.npz ...]
"""
import argparse
import glob
import os
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

DENSE_LIMIT = 4000  # one-hot columns beyond which HistGradientBoosting gets the most frequent


def features(npz):
    """Dense block + one-hot of every table's indices, as CSR, columns seen in training."""
    dense = npz["dense"].astype(np.float64)
    n = dense.shape[0]
    part = npz["part"]
    train = part == 0
    tables = sorted(int(k.split("_")[1]) for k in npz.files if k.startswith("indices_"))
    blocks = [sp.csr_matrix(dense)]
    for t in tables:
        idx = npz[f"indices_{t}"].astype(np.int64)
        off = npz[f"offsets_{t}"].astype(np.int64)
        if off.size == n:  # B offsets: the last bag ends at the end of indices
            off = np.append(off, idx.size)
        off = off - off[0]
        rows = np.repeat(np.arange(n), np.diff(off))
        width = int(idx.max()) + 1 if idx.size else 1
        m = sp.csr_matrix((np.ones(idx.size), (rows, idx)), shape=(n, width))
        seen = np.unique(m[train].nonzero()[1])
        blocks.append(m[:, seen])
    return sp.hstack(blocks, format="csr"), npz["label"].astype(np.int64), part


def scores(y_true, s):
    return roc_auc_score(y_true, s), average_precision_score(y_true, s)


def baselines(path, seed):
    npz = np.load(path)
    x, y, part = features(npz)
    tr, te = part == 0, part == 2
    out = {"rows": (int(tr.sum()), int(te.sum())), "positives": (int(y[tr].sum()), int(y[te].sum()))}
    out["dlrm"] = scores(y[te], npz["score"][te])
    t0 = time.time()
    lr = LogisticRegression(max_iter=2000, class_weight="balanced")
    lr.fit(x[tr], y[tr])
    out["logistic"] = scores(y[te], lr.predict_proba(x[te])[:, 1])
    rf = RandomForestClassifier(n_estimators=200, class_weight="balanced", n_jobs=2,
                                random_state=seed)
    rf.fit(x[tr], y[tr])
    out["random_forest"] = scores(y[te], rf.predict_proba(x[te])[:, 1])
    xd = x
    if x.shape[1] > DENSE_LIMIT:  # keep the most frequent columns for the dense-only model
        freq = np.asarray((x[tr] != 0).sum(axis=0)).ravel()
        xd = x[:, np.sort(np.argsort(-freq)[:DENSE_LIMIT])]
    hgb = HistGradientBoostingClassifier(random_state=seed, class_weight="balanced")
    hgb.fit(xd[tr].toarray(), y[tr])
    out["hist_gradient_boosting"] = scores(y[te], hgb.predict_proba(xd[te].toarray())[:, 1])
    out["features"] = x.shape[1]
    out["seconds"] = time.time() - t0
    return out


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="build/release/bin/dlrm-anomaly")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__),
                                                   "../../../shared/data/iot23"))
    ap.add_argument("--work", default="build/iot23")
    ap.add_argument("--inputs", nargs="*", help="exported X.npz files (skip training)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train-args", default="", help="extra arguments for dlrm-anomaly train")
    args = ap.parse_args()

    jobs = []  # (name, npz path or None, note)
    if args.inputs:
        jobs = [(os.path.basename(p), p, "") for p in args.inputs]
    else:
        files = sorted(glob.glob(os.path.join(args.data, "*.csv")))
        if not files:
            print(f"skipped: no IoT-23 captures found in {args.data}")
            return 0
        os.makedirs(args.work, exist_ok=True)
        for f in files:
            name = os.path.basename(f).replace("-labeled.csv", "")
            model = os.path.join(args.work, name + ".dlrm")
            inputs = os.path.join(args.work, name + ".inputs.npz")
            cmd = [args.bin, "train", "--csv", f, "--time", "ts", "--label", "label",
                   "--positive", "Malicious", "--drop", "uid,detailed-label",
                   "--mode", "supervised", "--split", "per_class", "--out", model,
                   "--seed", str(args.seed), "--quiet"] + args.train_args.split()
            t0 = time.time()
            rc, _, err = run(cmd)
            if rc != 0:
                jobs.append((name, None, "refused: " + err.strip().splitlines()[-1]))
                continue
            train_s = time.time() - t0
            rc, _, err = run([args.bin, "export", "--model", model, "--npz",
                              os.path.join(args.work, name + ".weights.npz"), "--csv", f,
                              "--inputs", inputs])
            if rc != 0:
                jobs.append((name, None, "export failed: " + err.strip()))
                continue
            jobs.append((name, inputs, f"dlrm train {train_s:.1f} s"))

    cols = ["dlrm", "logistic", "random_forest", "hist_gradient_boosting"]
    print("ROC-AUC / PR-AUC on the test part (per_class split), same features for all")
    print(f"{'capture':<28} {'train/test rows':>16} " +
          " ".join(f"{c:>21}" for c in ["dlrm-anomaly", "LogisticRegression", "RandomForest",
                                         "HistGradientBoosting"]))
    for name, path, note in jobs:
        if path is None:
            print(f"{name:<28} {note}")
            continue
        r = baselines(path, args.seed)
        cells = " ".join(f"{r[c][0]:>10.4f} {r[c][1]:>10.4f}" for c in cols)
        best = max(r[c][0] for c in cols[1:])
        print(f"{name:<28} {r['rows'][0]:>7}/{r['rows'][1]:<8} {cells}"
              f"   dROC vs best {r['dlrm'][0] - best:+.4f}; {r['features']} features; {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
