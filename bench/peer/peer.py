#!/usr/bin/python3
"""The PyTorch peer of bench/bench_model.cpp: the same DLRM models (same shapes, same
optimizers, same thread count, the same generated inputs), timed for training and
prediction. Prints one JSON list of records to stdout (or --out):
  {"config", "phase": "train" | "predict" | "predict_one", "batch", "threads",
   "samples_per_s" (from the median step), "median_us", "samples_per_s_mean"}

Run as bench.sh does:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peer/peer.py --threads 2
"""
import argparse
import json
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn as nn
except ImportError as e:  # pragma: no cover
    sys.exit(f"peer.py: PyTorch is missing ({e}); install python3-torch")

# The two benchmark configurations, as in bench/bench_model.cpp.
CONFIGS = {
    "kaggle": dict(dense=13, tables=[100_000] * 26, dim=16, bottom=[512, 256, 64, 16],
                   top=[512, 256, 1], optimizer="sgd", lr=0.01),
    "smart_home": dict(dense=32,
                       tables=[2, 3, 4, 6, 8, 12, 16, 32, 64, 128, 256, 512, 1024, 2048, 3000, 4096],
                       dim=16, bottom=[64, 32, 16], top=[128, 64, 1], optimizer="adam", lr=1e-3),
}

# ---- the shared input generator (bench_model.cpp has the same one) ----------------------
# value(stream, i) = mix64(seed * GOLDEN + (stream << 40) + i), splitmix64's finaliser.
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix64(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def stream(seed, s, first, count):
    i = np.arange(first, first + count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return mix64(np.uint64(seed) * GOLDEN + (np.uint64(s) << np.uint64(40)) + i)


def make_batch(cfg, batch, k, seed=1):
    """Batch number k: samples k*batch .. (k+1)*batch-1, one-hot bags."""
    first = k * batch
    d = cfg["dense"]
    dense = (stream(seed, 1, first * d, batch * d) >> np.uint64(40)).astype(np.float32)
    dense = (dense * np.float32(1.0 / (1 << 24))).reshape(batch, d)
    label = (stream(seed, 2, first, batch) >> np.uint64(63)).astype(np.float32)
    indices = [(stream(seed, 100 + t, first, batch) % np.uint64(rows)).astype(np.int64)
               for t, rows in enumerate(cfg["tables"])]
    offsets = np.arange(batch, dtype=np.int64)
    return (torch.from_numpy(dense), [torch.from_numpy(i) for i in indices],
            torch.from_numpy(offsets), torch.from_numpy(label))


# ---- the model -------------------------------------------------------------------------
def mlp(width_in, widths, relu_last):
    layers = []
    for n, w in enumerate(widths):
        layers.append(nn.Linear(width_in, w))
        if n + 1 < len(widths) or relu_last:
            layers.append(nn.ReLU())
        width_in = w
    return nn.Sequential(*layers)


class DLRM(nn.Module):
    """DLRM_Net of the reference: bottom MLP (ReLU everywhere), sum EmbeddingBags, dot
    interaction without self pairs, top MLP with a sigmoid applied outside (logits kept)."""

    def __init__(self, dense, tables, dim, bottom, top):
        super().__init__()
        self.emb_l = nn.ModuleList(nn.EmbeddingBag(n, dim, mode="sum", sparse=True) for n in tables)
        self.bot_l = mlp(dense, bottom, relu_last=True)
        f = len(tables) + 1
        self.top_l = mlp(bottom[-1] + f * (f - 1) // 2, top, relu_last=False)
        self.register_buffer("li", torch.tril_indices(f, f, offset=-1)[0], persistent=False)
        self.register_buffer("lj", torch.tril_indices(f, f, offset=-1)[1], persistent=False)

    def forward(self, dense, indices, offsets):
        x = self.bot_l(dense)
        ly = [e(i, offsets) for e, i in zip(self.emb_l, indices)]
        t = torch.cat([x] + ly, dim=1).view(x.shape[0], -1, x.shape[1])
        z = torch.bmm(t, t.transpose(1, 2))
        r = torch.cat([x, z[:, self.li, self.lj]], dim=1)
        return self.top_l(r).squeeze(1)


def build(cfg):
    torch.manual_seed(0)
    model = DLRM(cfg["dense"], cfg["tables"], cfg["dim"], cfg["bottom"], cfg["top"])
    mlp_params = list(model.bot_l.parameters()) + list(model.top_l.parameters())
    if cfg["optimizer"] == "sgd":
        # Dense SGD and sparse SGD: torch.optim.SGD takes the sparse table gradients too.
        optimizers = [torch.optim.SGD(model.parameters(), lr=cfg["lr"])]
    else:
        optimizers = [torch.optim.Adam(mlp_params, lr=cfg["lr"]),
                      torch.optim.SparseAdam(list(model.emb_l.parameters()), lr=cfg["lr"])]
    return model, optimizers


def timed(fn, min_time, warmup=3):
    """Runs fn until min_time seconds have passed; returns per-call times (seconds)."""
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start >= min_time and len(times) >= 5:
            return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-time", type=float, default=1.0, help="seconds per measurement")
    ap.add_argument("--configs", default="kaggle,smart_home")
    ap.add_argument("--batches", default="1,32,128,2048")
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    records = []
    for name in args.configs.split(","):
        cfg = CONFIGS[name]
        model, optimizers = build(cfg)
        loss_fn = nn.BCEWithLogitsLoss()
        for batch in [int(b) for b in args.batches.split(",")]:
            pool = [make_batch(cfg, batch, k) for k in range(4)]
            step = [0]

            def train():
                dense, indices, offsets, label = pool[step[0] % len(pool)]
                step[0] += 1
                for o in optimizers:
                    o.zero_grad(set_to_none=True)
                loss = loss_fn(model(dense, indices, offsets), label)
                loss.backward()
                for o in optimizers:
                    o.step()

            def predict():
                dense, indices, offsets, _ = pool[step[0] % len(pool)]
                step[0] += 1
                with torch.inference_mode():  # PyTorch's fastest no-autograd path
                    return torch.sigmoid(model(dense, indices, offsets))

            for phase, fn in (("train", train), ("predict", predict)):
                times = timed(fn, args.min_time)
                # Throughput from the median step: PyTorch's occasional slow steps (its
                # thread pools waking up, seen at 2-4x the median here) are not held
                # against it. samples_per_s_mean keeps the plain average for reference.
                median = float(np.median(times))
                rec = dict(config=name, phase=phase, batch=batch, threads=args.threads,
                           samples_per_s=batch / median, median_us=median * 1e6,
                           samples_per_s_mean=batch * len(times) / sum(times))
                records.append(rec)
                print(f"peer {name:10s} {phase:8s} batch {batch:5d}: "
                      f"{rec['samples_per_s']:12.0f} samples/s  median {rec['median_us']:10.1f} us",
                      file=sys.stderr)
            if name == "smart_home" and batch == 1:
                # Single event: the serving path, latency is what counts.
                times = timed(predict, args.min_time, warmup=20)
                med = float(np.median(times) * 1e6)
                records.append(dict(config=name, phase="predict_one", batch=1, threads=args.threads,
                                    samples_per_s=1e6 / med, median_us=med))
                print(f"peer {name:10s} predict_one         : median {med:10.1f} us", file=sys.stderr)
    text = json.dumps(records, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
