#!/usr/bin/python3
"""Trains curb's pedestrian intent model (CNN per frame + GRU over time) on a `curb dataset` folder and
exports two ONNX graphs plus a JSON model card. The only Python in curb: training and export.

Run through `curb train intent --data DIR --out models/intent.onnx` (which calls /usr/bin/python3).

Outputs, for --out X.onnx:
  X.onnx        full sequence: rasters [B,T,C,S,S] float32 (uint8/255), features [B,T,F] float32 (raw SI)
                → probabilities [B,T,H]
  X.step.onnx   streaming step: raster [B,C,S,S], features [B,F], hidden [B,G] → probabilities [B,H], hidden_out [B,G]
  X.card.json   the model card (inputs/outputs, raster spec, data, command, metrics)
With --no-raster the raster inputs are absent (a GRU on kinematic features only, a baseline).
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np

# oneDNN (PyTorch's CPU convolutions) picks its kernels by the CPU's instruction set: on an AVX-512
# machine its float sums run in another order than on an AVX2 one, and the same data, seed and
# command trained another model (epoch 1 loss 0.2055 against 0.2042). Capped at AVX2, which x86-64
# machines of the last decade have (oneDNN takes the lesser of the cap and the CPU), a rebuild gives
# the same bytes on either. Set before torch is imported; an explicit setting is kept.
os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX2")

import torch  # noqa: E402 (after the oneDNN cap)
from torch import nn  # noqa: E402

HIDDEN = 64


def load_dataset(d):
    h = json.load(open(os.path.join(d, "header.json")))
    if h.get("format") != "curb-intent-dataset":
        sys.exit(f"{d}: not a curb-intent-dataset")
    n = h["n"]
    a = h["arrays"]

    def arr(name, dtype):
        x = np.fromfile(os.path.join(d, a[name]["file"]), dtype=np.dtype(dtype).newbyteorder("<"))
        return x.reshape(a[name]["shape"]) if n > 0 else x.reshape([0] + a[name]["shape"][1:])

    return {
        "header": h,
        "rasters": arr("rasters", np.uint8),
        "features": arr("features", np.float32),
        "labels": arr("labels", np.uint8),
        "meta": arr("meta", np.float32),
        "meta_columns": a["meta"]["columns"],
        "sequences": h["sequences"],
    }


def card_data_summary(d):
    """What the card says of a dataset: its manifest without the per-scenario lists, plus the sha256 of
    manifest.json, which holds them (sim/dataset/cardDataSummary.ts writes the same object)."""
    path = os.path.join(d, "manifest.json")
    if not os.path.isfile(path):
        sys.exit(f"{d}: no manifest.json (a dataset folder written by curb dataset has one)")
    raw = open(path, "rb").read()
    m = json.loads(raw)
    scenarios = m.pop("scenarios", None)
    counts = {k: v for k, v in (m.pop("counts", None) or {}).items() if k != "perScenario"}
    return {**m, "scenarioCount": len(scenarios) if isinstance(scenarios, list) else 0, "counts": counts,
            "manifestSha256": hashlib.sha256(raw).hexdigest()}


class IntentNet(nn.Module):
    def __init__(self, channels, n_features, n_horizons, feat_mean, feat_std, use_raster=True):
        super().__init__()
        self.use_raster = use_raster
        self.register_buffer("feat_mean", torch.tensor(feat_mean, dtype=torch.float32))
        self.register_buffer("feat_std", torch.tensor(feat_std, dtype=torch.float32))
        if use_raster:
            self.cnn = nn.Sequential(
                nn.Conv2d(channels, 16, 3, stride=2, padding=1), nn.ReLU(),
                nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
                nn.Conv2d(32, 48, 3, stride=2, padding=1), nn.ReLU(),
                nn.Conv2d(48, 64, 3, stride=2, padding=1), nn.ReLU(),
                nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 64), nn.ReLU(),
            )
        self.feat = nn.Sequential(nn.Linear(n_features, 32), nn.ReLU())
        self.gru = nn.GRU((64 if use_raster else 0) + 32, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, n_horizons)
        # Per-horizon Platt scaling (logit·a + b), identity while training, fitted on validation afterwards.
        self.register_buffer("cal_a", torch.ones(n_horizons))
        self.register_buffer("cal_b", torch.zeros(n_horizons))

    def encode(self, rasters, features):
        # rasters [B,T,C,S,S] or None; features [B,T,F] → [B,T,D]
        f = self.feat((features - self.feat_mean) / self.feat_std)
        if not self.use_raster:
            return f
        b, t = rasters.shape[0], rasters.shape[1]
        z = self.cnn(rasters.reshape((b * t,) + tuple(rasters.shape[2:]))).reshape(b, t, 64)
        return torch.cat([z, f], dim=-1)

    def forward(self, rasters, features, h0=None):
        y, h = self.gru(self.encode(rasters, features), h0)
        return self.head(y) * self.cal_a + self.cal_b, h  # logits [B,T,H], hidden [1,B,G]


class FullGraph(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, rasters, features):
        return torch.sigmoid(self.net(rasters, features)[0])


class FullGraphNoRaster(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, features):
        return torch.sigmoid(self.net(None, features)[0])


class StepGraph(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, raster, features, hidden):
        logits, h = self.net(raster.unsqueeze(1), features.unsqueeze(1), hidden.unsqueeze(0))
        return torch.sigmoid(logits[:, 0]), h[0]


class StepGraphNoRaster(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, features, hidden):
        logits, h = self.net(None, features.unsqueeze(1), hidden.unsqueeze(0))
        return torch.sigmoid(logits[:, 0]), h[0]


def roc_auc(y, p):
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    pos = y.sum()
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    ps = p[order]
    ranks = np.empty(len(p))
    i = 0
    while i < len(ps):  # average ranks of ties
        j = i
        while j + 1 < len(ps) and ps[j + 1] == ps[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def metrics(y, p, threshold=0.5):
    y = np.asarray(y).astype(bool)
    yhat = np.asarray(p) >= threshold
    tp = int((y & yhat).sum()); fp = int((~y & yhat).sum()); fn = int((y & ~yhat).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"auc": roc_auc(y, p), "f1": f1, "precision": prec, "recall": rec, "positives": int(y.sum()), "n": int(len(y))}


def predict_logits(net, ds, use_raster):
    """Full-sequence logits for every frame of ds, in dataset order."""
    net.eval()
    out = np.zeros(ds["labels"].shape, dtype=np.float32)
    with torch.no_grad():
        for s in ds["sequences"]:
            a, n = s["start"], s["length"]
            f = torch.from_numpy(ds["features"][a:a + n]).unsqueeze(0)
            r = torch.from_numpy(ds["rasters"][a:a + n].astype(np.float32) / 255.0).unsqueeze(0) if use_raster else None
            out[a:a + n] = net(r, f)[0][0].numpy()
    return out


def predict_sequences(net, ds, use_raster):
    return 1.0 / (1.0 + np.exp(-predict_logits(net, ds, use_raster)))


def fit_platt(net, ds, use_raster):
    """Per-horizon a, b minimising the unweighted BCE of sigmoid(a·logit + b) on ds (undoes pos_weight's bias)."""
    z = torch.from_numpy(predict_logits(net, ds, use_raster)).double()
    y = torch.from_numpy(ds["labels"].astype(np.float64))
    a = torch.ones(z.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(z.shape[1], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, b], lr=0.5, max_iter=200, line_search_fn="strong_wolfe")
    lossf = nn.BCEWithLogitsLoss()

    def closure():
        opt.zero_grad()
        loss = lossf(z * a + b, y)
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        net.cal_a.copy_((net.cal_a.double() * a).float())
        net.cal_b.copy_((net.cal_b.double() * a + b).float())
    return a.detach().numpy().tolist(), b.detach().numpy().tolist()


def pre_entry(ds):
    return ds["meta"][:, ds["meta_columns"].index("pre_entry")] == 1


def scores(p, ds, horizons, thresholds=None):
    """Metrics per horizon of probabilities p (dataset order) on every frame and on pre-entry frames, at thresholds["1s"] … (default 0.5)."""
    pre = pre_entry(ds)
    res = {}
    for k, h in enumerate(horizons):
        t = (thresholds or {}).get(f"{h}s", 0.5)
        res[f"{h}s"] = {"all": metrics(ds["labels"][:, k], p[:, k], t), "preEntry": metrics(ds["labels"][pre, k], p[pre, k], t)}
    return res


def evaluate(net, ds, use_raster, horizons, thresholds=None):
    return scores(predict_sequences(net, ds, use_raster), ds, horizons, thresholds)


OPERATING_THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(9)]  # 0.2 … 0.6


def choose_thresholds(p, ds, horizons):
    """Per head the threshold with the best pre-entry F1 for probabilities p on ds (validation; ties: nearest 0.5)."""
    pre = pre_entry(ds)
    best, f1s = {}, {}
    for k, h in enumerate(horizons):
        f1 = {t: metrics(ds["labels"][pre, k], p[pre, k], t)["f1"] for t in OPERATING_THRESHOLDS}
        best[f"{h}s"] = max(OPERATING_THRESHOLDS, key=lambda t: (f1[t], -abs(t - 0.5)))
        f1s[f"{h}s"] = {str(t): f for t, f in f1.items()}
    return best, f1s


def batches(seqs, rng, batch, window):
    """Random windows (length ≤ window, random start) of shuffled sequences, grouped in batches."""
    idx = rng.permutation(len(seqs))
    for i in range(0, len(idx), batch):
        chunk = []
        for j in idx[i:i + batch]:
            s = seqs[j]
            n = s["length"]
            if n > window:
                off = int(rng.integers(0, n - window + 1))
                chunk.append((s["start"] + off, window))
            else:
                chunk.append((s["start"], n))
        yield chunk


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="training dataset folder (curb dataset)")
    ap.add_argument("--val", help="validation dataset folder; default: the last 20%% of --data's seeds")
    ap.add_argument("--test", help="held-out test dataset folder (metrics go to the card)")
    ap.add_argument("--out", required=True, help="X.onnx; writes X.onnx, X.step.onnx, X.card.json")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--window", type=int, default=80, help="training window, frames")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-raster", action="store_true", help="kinematic features only (baseline)")
    ap.add_argument("--no-calibrate", action="store_true", help="skip Platt scaling on the validation set")
    ap.add_argument("--mirror", action=argparse.BooleanOptionalAction, default=True,
                    help="mirror half of the training windows left-right (raster columns, ego_lateral_m)")
    ap.add_argument("--command", default=None, help="the command line to record in the card")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    rng = np.random.default_rng(args.seed)
    t_start = time.time()

    train = load_dataset(args.data)
    # Read before training, so a folder without its manifest fails now rather than after the epochs.
    data_info = {"data": card_data_summary(args.data), "val": args.val and card_data_summary(args.val),
                 "test": args.test and card_data_summary(args.test)}
    spec = train["header"]["spec"]
    horizons = spec["horizonsS"]
    C, S, F, H = len(spec["channels"]), spec["sizePx"], len(spec["features"]), len(horizons)
    use_raster = not args.no_raster
    if args.val:
        val = load_dataset(args.val)
        if val["header"]["spec"] != spec:
            sys.exit("--val was built with a different raster spec than --data")
        train_seqs = train["sequences"]
    else:
        seeds = sorted({s["seed"] for s in train["sequences"]})
        cut = seeds[int(len(seeds) * 0.8)] if len(seeds) > 1 else None
        train_seqs = [s for s in train["sequences"] if cut is None or s["seed"] < cut]
        val_seqs = [s for s in train["sequences"] if cut is not None and s["seed"] >= cut] or train["sequences"]
        val = dict(train, sequences=val_seqs)
        val_idx = np.concatenate([np.arange(s["start"], s["start"] + s["length"]) for s in val_seqs])
        val = {**val, "labels": train["labels"][val_idx], "meta": train["meta"][val_idx], "features": train["features"][val_idx],
               "rasters": train["rasters"][val_idx], "sequences": [], }
        o = 0
        for s in val_seqs:
            val["sequences"].append({**s, "start": o})
            o += s["length"]
    if not train_seqs:
        sys.exit("no training sequences")

    tr_idx = np.concatenate([np.arange(s["start"], s["start"] + s["length"]) for s in train_seqs])
    feats = train["features"][tr_idx]
    feat_mean = feats.mean(0)
    feat_std = np.maximum(feats.std(0), 1e-3)
    labels = train["labels"][tr_idx].astype(np.float64)
    pos = labels.sum(0)
    pos_weight = np.clip((len(labels) - pos) / np.maximum(pos, 1), 1.0, 30.0)
    pre_col = train["meta_columns"].index("pre_entry")
    lateral_col = spec["features"].index("ego_lateral_m")

    net = IntentNet(C, F, H, feat_mean, feat_std, use_raster)
    n_params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, args.epochs))
    bce = nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor(pos_weight, dtype=torch.float32))
    print(f"train: {len(train_seqs)} sequences, {len(tr_idx)} frames; val: {len(val['sequences'])} sequences; "
          f"params {n_params}; pos_weight {np.round(pos_weight, 2).tolist()}", flush=True)

    best = None
    history = []
    for epoch in range(args.epochs):
        net.train()
        t0 = time.time()
        total = 0.0
        steps = 0
        for chunk in batches(train_seqs, rng, args.batch, args.window):
            T = max(n for _, n in chunk)
            B = len(chunk)
            f = np.zeros((B, T, F), np.float32)
            y = np.zeros((B, T, H), np.float32)
            w = np.zeros((B, T, 1), np.float32)
            r = np.zeros((B, T, C, S, S), np.float32) if use_raster else None
            mirror = rng.random(len(chunk)) < 0.5 if args.mirror else np.zeros(len(chunk), bool)
            for b, (a, n) in enumerate(chunk):
                f[b, :n] = train["features"][a:a + n]
                # Padding frames repeat the last real frame (never read: weight 0).
                f[b, n:] = f[b, n - 1]
                y[b, :n] = train["labels"][a:a + n]
                # Anticipation frames (before the road entry) count double: they are what intent is for.
                w[b, :n, 0] = 1.0 + train["meta"][a:a + n, pre_col]
                if use_raster:
                    r[b, :n] = train["rasters"][a:a + n] / 255.0
                if mirror[b]:
                    # The street seen in a mirror (left-hand traffic): columns flip, and so does the
                    # one left/right-signed feature; every other feature is a distance, speed or flag.
                    if use_raster:
                        r[b, :n] = r[b, :n, :, :, ::-1].copy()
                    f[b, :n, lateral_col] = -f[b, :n, lateral_col]
            logits, _ = net(torch.from_numpy(r) if use_raster else None, torch.from_numpy(f))
            loss = (bce(logits, torch.from_numpy(y)) * torch.from_numpy(w)).sum() / torch.from_numpy(w).sum() / H
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += float(loss)
            steps += 1
        sched.step()
        vm = evaluate(net, val, use_raster, horizons)
        # Model selection: anticipation quality first (F1 and AUC before the road entry), then every frame.
        score = float(np.nanmean([vm[f"{h}s"]["preEntry"]["f1"] + vm[f"{h}s"]["preEntry"]["auc"] + vm[f"{h}s"]["all"]["f1"] for h in horizons]))
        history.append({"epoch": epoch + 1, "loss": total / max(1, steps), "valScore": score, "seconds": round(time.time() - t0, 1)})
        print(f"epoch {epoch + 1}/{args.epochs} loss {total / max(1, steps):.4f} val: AUC@1s pre-entry {vm['1s']['preEntry']['auc']:.4f} "
              f"F1@1s pre-entry {vm['1s']['preEntry']['f1']:.3f} "
              f"F1@1s all {vm['1s']['all']['f1']:.3f} ({time.time() - t0:.1f} s)", flush=True)
        if best is None or score > best[0]:
            best = (score, {k: v.clone() for k, v in net.state_dict().items()}, vm, epoch + 1)

    net.load_state_dict(best[1])
    net.eval()
    calibration = None
    if not args.no_calibrate:
        ca, cb = fit_platt(net, val, use_raster)
        calibration = {"method": "Platt scaling per horizon on the validation set (unweighted BCE)", "a": ca, "b": cb}
        print(f"calibration a {np.round(ca, 3).tolist()} b {np.round(cb, 3).tolist()}", flush=True)
    p_val = predict_sequences(net, val, use_raster)
    thresholds, f1_by_threshold = choose_thresholds(p_val, val, horizons)
    print(f"thresholds {thresholds} (val pre-entry F1@1s by threshold: "
          f"{', '.join(f'{t}: {f:.3f}' for t, f in f1_by_threshold['1s'].items())})", flush=True)
    val_metrics = scores(p_val, val, horizons, thresholds)
    print(f"val (calibrated): AUC@1s pre-entry {val_metrics['1s']['preEntry']['auc']:.4f} F1@1s pre-entry {val_metrics['1s']['preEntry']['f1']:.3f} "
          f"F1@1s all {val_metrics['1s']['all']['f1']:.3f}", flush=True)
    test_metrics = None
    test_info = None
    if args.test:
        test = load_dataset(args.test)
        if test["header"]["spec"] != spec:
            sys.exit("--test was built with a different raster spec than --data")
        test_metrics = evaluate(net, test, use_raster, horizons, thresholds)
        test_info = data_info["test"]
        print(f"test: AUC@1s pre-entry {test_metrics['1s']['preEntry']['auc']:.4f}, F1@1s pre-entry {test_metrics['1s']['preEntry']['f1']:.3f}, "
              f"F1@1s all {test_metrics['1s']['all']['f1']:.3f}")

    out = args.out
    base = out[:-5] if out.endswith(".onnx") else out
    full_path, step_path, card_path = base + ".onnx", base + ".step.onnx", base + ".card.json"
    os.makedirs(os.path.dirname(os.path.abspath(full_path)), exist_ok=True)
    T_ex, B_ex = 3, 2
    ex_r = torch.zeros(B_ex, T_ex, C, S, S)
    ex_f = torch.zeros(B_ex, T_ex, F)
    ex_h = torch.zeros(B_ex, HIDDEN)
    opset = 14
    if use_raster:
        torch.onnx.export(FullGraph(net), (ex_r, ex_f), full_path, opset_version=opset,
                          input_names=["rasters", "features"], output_names=["probabilities"],
                          dynamic_axes={"rasters": {0: "B", 1: "T"}, "features": {0: "B", 1: "T"}, "probabilities": {0: "B", 1: "T"}})
        torch.onnx.export(StepGraph(net), (ex_r[:, 0], ex_f[:, 0], ex_h), step_path, opset_version=opset,
                          input_names=["raster", "features", "hidden"], output_names=["probabilities", "hidden_out"],
                          dynamic_axes={"raster": {0: "B"}, "features": {0: "B"}, "hidden": {0: "B"}, "probabilities": {0: "B"}, "hidden_out": {0: "B"}})
    else:
        torch.onnx.export(FullGraphNoRaster(net), (ex_f,), full_path, opset_version=opset,
                          input_names=["features"], output_names=["probabilities"],
                          dynamic_axes={"features": {0: "B", 1: "T"}, "probabilities": {0: "B", 1: "T"}})
        torch.onnx.export(StepGraphNoRaster(net), (ex_f[:, 0], ex_h), step_path, opset_version=opset,
                          input_names=["features", "hidden"], output_names=["probabilities", "hidden_out"],
                          dynamic_axes={"features": {0: "B"}, "hidden": {0: "B"}, "probabilities": {0: "B"}, "hidden_out": {0: "B"}})

    def sha(p):
        return hashlib.sha256(open(p, "rb").read()).hexdigest()

    raster_norm = "uint8 raster / 255, channel-major, row 0 = ahead of the pedestrian (see rasterSpec.ts)"
    feat_norm = "raw SI values in spec.features order; normalised inside the graph by (x - mean) / std"
    full_inputs = ([{"name": "rasters", "dtype": "float32", "shape": ["B", "T", C, S, S], "normalisation": raster_norm}] if use_raster else []) + [
        {"name": "features", "dtype": "float32", "shape": ["B", "T", F], "units": "SI (see spec.features)", "normalisation": feat_norm}]
    step_inputs = ([{"name": "raster", "dtype": "float32", "shape": ["B", C, S, S], "normalisation": raster_norm}] if use_raster else []) + [
        {"name": "features", "dtype": "float32", "shape": ["B", F], "units": "SI (see spec.features)", "normalisation": feat_norm},
        {"name": "hidden", "dtype": "float32", "shape": ["B", HIDDEN], "normalisation": "zeros at track birth, then hidden_out of the previous frame"}]
    card = {
        "format": "curb-model-card",
        "formatVersion": 1,
        "model": "intent_cnn_gru" if use_raster else "intent_gru_kinematic",
        "task": "P(pedestrian enters the road outside a crosswalk within h), h in spec.horizonsS",
        "usesRaster": use_raster,
        "hiddenSize": HIDDEN,
        "graphs": {
            "full": {"file": os.path.basename(full_path), "sha256": sha(full_path), "opset": opset, "inputs": full_inputs,
                      "outputs": [{"name": "probabilities", "dtype": "float32", "shape": ["B", "T", H], "units": "probability per horizon"}]},
            "step": {"file": os.path.basename(step_path), "sha256": sha(step_path), "opset": opset, "inputs": step_inputs,
                      "outputs": [{"name": "probabilities", "dtype": "float32", "shape": ["B", H], "units": "probability per horizon"},
                                  {"name": "hidden_out", "dtype": "float32", "shape": ["B", HIDDEN]}]},
        },
        "featureNormalisation": {"mean": [float(x) for x in feat_mean], "std": [float(x) for x in feat_std]},
        "rasterSpec": spec,
        "training": {
            "command": args.command or " ".join(sys.argv),
            "data": data_info["data"],
            "val": data_info["val"] or "last 20% of the training seeds",
            "test": test_info,
            "trainSequences": len(train_seqs),
            "trainFrames": int(len(tr_idx)),
            "epochs": args.epochs, "bestEpoch": best[3], "batch": args.batch, "windowFrames": args.window, "lr": args.lr,
            "seed": args.seed, "mirror": args.mirror, "posWeight": [float(x) for x in pos_weight], "calibration": calibration, "history": history,
            "torch": torch.__version__, "onednnMaxCpuIsa": os.environ["ONEDNN_MAX_CPU_ISA"], "seconds": round(time.time() - t_start, 1), "parameters": int(n_params),
        },
        # A first choice by F1 alone, the warning at the 1 s head; `curb tune intent` chooses the warning head by lead time.
        "operatingPoint": {
            "thresholds": thresholds, "warningHorizonS": 1, "chosenOn": "val",
            "rule": "train_intent.py: per head the best pre-entry F1 among 0.2, 0.25, ..., 0.6 (ties: nearest 0.5); the warning at the 1 s head",
            "valF1ByThreshold": f1_by_threshold,
        },
        "quality": {
            "thresholds": thresholds,
            "note": "preEntry = frames before the pedestrian first steps onto the road (any behaviour; never, for one who stays on the sidewalk); all = every frame",
            "val": val_metrics,
            "test": test_metrics,
        },
    }
    with open(card_path, "w") as fh:
        json.dump(card, fh, indent=1)
    sizes = {p: os.path.getsize(p) for p in (full_path, step_path)}
    print(json.dumps({"full": full_path, "step": step_path, "card": card_path, "bytes": sizes, "bestEpoch": best[3]}))


if __name__ == "__main__":
    main()
