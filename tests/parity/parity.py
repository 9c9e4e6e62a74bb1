#!/usr/bin/python3
"""Parity of dlrm::Dlrm with PyTorch (run by ctest as parity_pytorch).

For each interaction (dot, dot with self-interaction, cat, and dot at dimension 16 with 20
tables, the grouped dot-product path):
  1. parity_driver exports its freshly initialised weights (.npz, state_dict names);
  2. the same DLRM is built here in torch and loads them with
       model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(f).items()})
     (strict: the names and shapes must be exactly the reference ones);
  3. random batches with multi-hot and empty bags go to the driver as .npz;
  4. predictions must agree within 1e-5; then 3 training steps (Adam on the MLPs,
     SparseAdam on the sparse EmbeddingBags, BCEWithLogits mean) on both sides, and
     every weight must agree within 1e-4 relative.
"""
import argparse
import os
import subprocess
import sys

try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as e:
    sys.exit(f"parity.py: FAILED: {sys.executable} cannot import torch/numpy ({e}). "
             "Install Debian's python3-torch and python3-numpy "
             "(sudo apt-get install -y python3-torch python3-numpy; scripts/test.sh does it).")

PRED_TOL = 1e-5      # absolute, on probabilities
WEIGHT_RTOL = 1e-4   # relative, on every weight after training
LR = 0.01
STEPS = 3


class TorchDLRM(nn.Module):
    """The reference DLRM_Net structure: bot_l / top_l Sequential of Linear + ReLU
    (module indices 0, 2, 4, ...), emb_l EmbeddingBags; the last top layer is kept
    linear here (logits for BCEWithLogits; the sigmoid is applied for predictions)."""

    def __init__(self, tables, dim, bottom, top, interaction):
        super().__init__()
        self.interaction = interaction
        self.emb_l = nn.ModuleList(nn.EmbeddingBag(n, dim, mode="sum", sparse=True) for n in tables)
        self.bot_l = self._mlp(bottom, relu_last=True)
        self.top_l = self._mlp(top, relu_last=False)
        f = len(tables) + 1
        # Reference pair order: Z[i][j] for i = 1..F, j < i (j <= i with self-interaction),
        # row by row, which is what tril_indices enumerates.
        li, lj = torch.tril_indices(f, f, offset=0 if interaction == "dot_self" else -1)
        self.li, self.lj = li, lj

    @staticmethod
    def _mlp(widths, relu_last):
        layers = []
        for k in range(len(widths) - 1):
            layers.append(nn.Linear(widths[k], widths[k + 1]))
            if k + 2 < len(widths) or relu_last:
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    def forward(self, dense, indices, offsets):
        x = self.bot_l(dense)
        ly = [emb(i, o) for emb, i, o in zip(self.emb_l, indices, offsets)]
        if self.interaction == "cat":
            r = torch.cat([x] + ly, dim=1)
        else:
            t = torch.cat([x] + ly, dim=1).view(x.shape[0], -1, x.shape[1])
            z = torch.bmm(t, t.transpose(1, 2))
            r = torch.cat([x, z[:, self.li, self.lj]], dim=1)
        return self.top_l(r).squeeze(1)


def layer_widths(state, prefix):
    """[in, w0, w1, ...] from the shapes of prefix.{0,2,4,...}.weight."""
    ks = sorted(int(k.split(".")[1]) for k in state if k.startswith(prefix + ".") and k.endswith(".weight"))
    assert ks == list(range(0, 2 * len(ks), 2)), f"{prefix} module indices {ks} are not 0, 2, 4, ..."
    widths = [state[f"{prefix}.0.weight"].shape[1]]
    for k in ks:
        widths.append(state[f"{prefix}.{k}.weight"].shape[0])
    return widths


def make_batches(rng, tables, dense_width, sizes):
    """Multi-hot bags of 0..4 indices (empty bags included), random labels."""
    batches = []
    for b in sizes:
        dense = rng.standard_normal((b, dense_width)).astype(np.float32)
        label = rng.integers(0, 2, b).astype(np.float32)
        indices, offsets = [], []
        for rows in tables:
            lengths = rng.integers(0, 5, b)
            lengths[0] = max(lengths[0], 1)
            if b > 2:
                lengths[1] = 0  # always one empty bag
            off = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int32)
            idx = rng.integers(0, rows, int(lengths.sum())).astype(np.int32)
            if len(idx) > 1:
                idx[1] = idx[0]  # a duplicate index: gradients must accumulate
            indices.append(idx)
            offsets.append(off)
        batches.append((dense, indices, offsets, label))
    return batches


def save_batches(path, batches):
    arrays = {"count": np.array([len(batches)], dtype=np.int64)}
    for i, (dense, indices, offsets, label) in enumerate(batches):
        arrays[f"dense_{i}"] = dense
        arrays[f"label_{i}"] = label
        for t, (idx, off) in enumerate(zip(indices, offsets)):
            arrays[f"indices_{i}_{t}"] = idx
            arrays[f"offsets_{i}_{t}"] = off
    np.savez(path, **arrays)


def to_torch(batch):
    dense, indices, offsets, label = batch
    return (torch.from_numpy(dense), [torch.from_numpy(i.astype(np.int64)) for i in indices],
            [torch.from_numpy(o.astype(np.int64)) for o in offsets], torch.from_numpy(label))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"parity.py: FAILED: {' '.join(cmd)} exited with {r.returncode}:\n{r.stdout}{r.stderr}")


def check_interaction(driver, work, interaction, seed):
    failures = []
    wpath = os.path.join(work, f"{interaction}_init.npz")
    bpath = os.path.join(work, f"{interaction}_batches.npz")
    opath = os.path.join(work, f"{interaction}_out.npz")
    run([driver, interaction, "init", wpath, str(seed)])

    with np.load(wpath) as f:
        state = {k: f[k] for k in f.files}
    tables = [state[f"emb_l.{t}.weight"].shape[0] for t in range(sum(k.startswith("emb_l.") for k in state))]
    dim = state["emb_l.0.weight"].shape[1]
    bottom = layer_widths(state, "bot_l")
    top = layer_widths(state, "top_l")
    torch.manual_seed(seed)
    model = TorchDLRM(tables, dim, bottom, top, "dot" if interaction == "dot_wide" else interaction)
    # The user's one-liner, strict: every name and shape must be the reference's.
    with np.load(wpath) as f:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in f.items()})

    rng = np.random.default_rng(seed)
    batches = make_batches(rng, tables, bottom[0], [1, 7, 16, 33, 64])
    save_batches(bpath, batches)
    run([driver, interaction, "run", wpath, bpath, str(STEPS), repr(LR), opath])
    with np.load(opath) as f:
        out = {k: f[k] for k in f.files}

    # Predictions before training.
    worst = 0.0
    with torch.no_grad():
        for i, batch in enumerate(batches):
            d, idx, off, _ = to_torch(batch)
            p = torch.sigmoid(model(d, idx, off)).numpy()
            err = float(np.max(np.abs(p - out[f"pred_{i}"])))
            worst = max(worst, err)
            if err > PRED_TOL:
                failures.append(f"{interaction}: batch {i} (size {len(p)}) predictions differ by {err:.3g} > {PRED_TOL}")
    print(f"{interaction}: predictions on {len(batches)} batches: max |diff| {worst:.3g} (tolerance {PRED_TOL})")

    # Three training steps.
    mlp_params = list(model.bot_l.parameters()) + list(model.top_l.parameters())
    adam = torch.optim.Adam(mlp_params, lr=LR)
    sparse_adam = torch.optim.SparseAdam(list(model.emb_l.parameters()), lr=LR)
    loss_fn = nn.BCEWithLogitsLoss()
    for k in range(STEPS):
        d, idx, off, label = to_torch(batches[k])
        adam.zero_grad()
        sparse_adam.zero_grad()
        loss = loss_fn(model(d, idx, off), label)
        loss.backward()
        adam.step()
        sparse_adam.step()
        lerr = abs(float(loss) - float(out[f"loss_{k}"][0]))
        if lerr > 1e-5 * max(1.0, abs(float(loss))):
            failures.append(f"{interaction}: loss of step {k}: torch {float(loss):.7g}, dlrm {float(out[f'loss_{k}'][0]):.7g}")
    worst_rel, worst_name = 0.0, ""
    for name, v in model.state_dict().items():
        ours = out[name]
        theirs = v.numpy()
        if ours.shape != theirs.shape:
            failures.append(f"{interaction}: {name} has shape {ours.shape}, torch {theirs.shape}")
            continue
        # Relative to the element, with a floor of 1e-4 of the tensor's scale so that
        # weights that are (near) zero do not turn rounding noise into a failure.
        scale = max(float(np.max(np.abs(theirs))), 1e-12)
        denom = np.maximum(np.abs(theirs), 1e-4 * scale)
        rel = float(np.max(np.abs(ours - theirs) / denom))
        if rel > worst_rel:
            worst_rel, worst_name = rel, name
        if rel > WEIGHT_RTOL:
            failures.append(f"{interaction}: {name} after {STEPS} steps differs by {rel:.3g} relative > {WEIGHT_RTOL}")
    err = 0.0
    with torch.no_grad():
        for i, batch in enumerate(batches):
            d, idx, off, _ = to_torch(batch)
            p = torch.sigmoid(model(d, idx, off)).numpy()
            err = max(err, float(np.max(np.abs(p - out[f"after_{i}"]))))
    if err > PRED_TOL:
        failures.append(f"{interaction}: predictions after training differ by {err:.3g} > {PRED_TOL}")
    print(f"{interaction}: weights after {STEPS} Adam/SparseAdam steps: max relative diff {worst_rel:.3g} "
          f"({worst_name}; tolerance {WEIGHT_RTOL}); predictions after training: max |diff| {err:.3g}")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", required=True, help="path of the parity_driver executable")
    ap.add_argument("--work", required=True, help="directory for the exchanged .npz files")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(1)
    failures = []
    for seed, interaction in enumerate(["dot", "dot_self", "cat", "dot_wide"], start=1):
        failures += check_interaction(args.driver, args.work, interaction, seed)
    if failures:
        print("parity.py: FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("parity.py: dlrm matches PyTorch for dot, dot_self, cat and dot_wide")
    return 0


if __name__ == "__main__":
    sys.exit(main())
