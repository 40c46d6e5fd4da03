#!/usr/bin/python3
"""Captures of small models, made by the shipped trace script, and their health figures
computed here independently (PyTorch in float64), for tst_capture.

Each model plants the conditions the health check looks for: a conv output channel switched
off (a dead BatchNorm channel), one scaled by 10^3 (exploding), one shifted by 10^4 (precision
risk), running statistics that do not describe the data (train/eval gap), padded sequences
(padding contamination), a LayerNorm subclass whose forward permutes (NormLab's output
disagrees with PyTorch's: capture_mismatch), a capture capped to its first samples.
  captures/<name>/            what normlab_trace.py --activations wrote
  captures/expected.json      per capture and layer: the figures, computed here
  captures/broken/            manifests that must be refused (missing file, a path outside,
                              a file of the wrong shape)
Run: /usr/bin/python3 tests/captures/make_captures.py
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import normlab_trace  # noqa: E402

OUT = os.path.join(HERE, "captures")
torch.manual_seed(0)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 8, 3, padding=1)
        self.bn = nn.BatchNorm1d(8)
        self.gn = nn.GroupNorm(2, 8)
        self.inorm = nn.InstanceNorm1d(8, affine=True)
        with torch.no_grad():
            self.conv.weight[1].zero_()   # channel 1: constant (its bias): dead
            self.conv.weight[3].mul_(1e3)  # channel 3: exploding
            self.conv.bias[5] += 1e4       # channel 5: mean 10^4 times its spread
            self.bn.running_mean.fill_(2.0)
            self.bn.running_var.fill_(0.25)
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        return self.inorm(self.gn(torch.relu(self.bn(self.conv(x)))))


class LayerNorm2d(nn.LayerNorm):
    """Channels-first LayerNorm (as ConvNeXt writes it): permutes around the standard one."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ScaledBatchNorm(nn.BatchNorm1d):
    """A subclass whose forward() rescales: its output is not BatchNorm's."""

    def forward(self, x):
        return 2 * super().forward(x)


class Tokens(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(6, 16)
        self.ln = nn.LayerNorm(16)
        self.bn = nn.BatchNorm1d(16)

    def forward(self, x):  # x: [N, L, 6]
        h = self.ln(self.proj(x))
        return self.bn(h.transpose(1, 2))


def batch_axes(kind, x, cfg):
    """Reduction of the statistics: returns x viewed as [slices, elements] (float64)."""
    x = x.double()
    if kind == "batch_norm":
        return x.transpose(0, 1).reshape(x.shape[1], -1)
    if kind == "instance_norm":
        return x.reshape(x.shape[0] * x.shape[1], -1)
    if kind == "group_norm":
        return x.reshape(x.shape[0] * cfg["num_groups"], -1)
    k = len(cfg["normalized_shape"])
    return x.reshape(-1, int(np.prod(x.shape[-k:])))


def figures(layer, directory, mask):
    load = lambda key: torch.from_numpy(np.load(os.path.join(directory, layer["files"][key]))).double()  # noqa: E731
    x = load("input")
    kind, cfg = layer["kind"], layer["config"]
    eps = cfg["eps"]
    rows = batch_axes(kind, x, cfg)
    mean, var = rows.mean(1), rows.var(1, unbiased=False)
    median = var.median() if var.numel() % 2 else var.sort().values[var.numel() // 2]
    out = {"name": layer["name"], "slices": rows.shape[0],
           "dead_slices": int((var <= eps).sum()),
           "exploding_slices": int(((var >= 1e4 * median) & (median > 0)).sum()),
           "max_mean_to_std": float((mean.abs() / var.sqrt())[var > 0].max()),
           "max_abs_input": float(x.abs().max())}
    w = load("weight") if "weight" in layer["files"] else None
    b = load("bias") if "bias" in layer["files"] else None
    if "running_mean" in layer["files"]:
        rm, rv = load("running_mean"), load("running_var")
        c = rm.numel()
        chan = torch.arange(rows.shape[0]) % c
        out["max_mean_gap_std"] = float(((mean - rm[chan]).abs() / (rv[chan] + eps).sqrt()).max())
        ratio = torch.maximum(var / rv[chan], rv[chan] / var)
        out["max_var_ratio"] = float(ratio.max())
        train = F.batch_norm(x, None, None, w, b, True, 0.0, eps)
        evald = F.batch_norm(x, rm, rv, w, b, False, 0.0, eps)
        out["max_output_gap"] = float((train - evald).abs().max())
    if mask is not None and layer.get("padding_axis") is not None:
        axis = layer["padding_axis"]
        shape = [1] * x.dim()
        shape[0], shape[axis] = x.shape[0], x.shape[axis]
        m = mask[: x.shape[0]].reshape(shape).expand_as(x).double()
        mrows = batch_axes(kind, m, cfg)
        n = mrows.sum(1)
        mmean = (rows * mrows).sum(1) / n
        mvar = (((rows - mmean[:, None]) ** 2) * mrows).sum(1) / n
        ok = n > 0
        out["padding_mean_shift_std"] = float(((mean - mmean).abs() / (mvar + eps).sqrt())[ok].max())
    return out


def finite(record):
    """JSON has no infinity: an infinite figure is written as the string "inf"."""
    return {k: ("inf" if isinstance(v, float) and np.isinf(v) else v) for k, v in record.items()}


def capture(name, model, x, training, mask=None, cap_mib=64, padding_axes=None):
    directory = os.path.join(OUT, name)
    shutil.rmtree(directory, ignore_errors=True)
    model.train(training)
    lengths = mask.sum(1).numpy() if mask is not None else None
    normlab_trace.trace(model, x, directory, activations=True, cap_mib=cap_mib, lengths=lengths)
    with open(os.path.join(directory, "capture.json")) as f:
        manifest = json.load(f)
    layers = []
    for layer in manifest["layers"]:
        layer["padding_axis"] = (padding_axes or {}).get(layer["name"])
        layers.append(finite(figures(layer, directory, mask)))
    return {"capture": name, "training": training, "layers": layers}


def write_broken():
    broken = os.path.join(HERE, "broken")
    shutil.rmtree(broken, ignore_errors=True)
    source = os.path.join(OUT, "convnet_train")
    cases = {}
    for case in ("missing_file", "path_outside", "wrong_shape", "not_json", "bad_config"):
        d = os.path.join(broken, case)
        shutil.copytree(source, d)
        with open(os.path.join(d, "capture.json")) as f:
            m = json.load(f)
        if case == "missing_file":
            os.remove(os.path.join(d, m["layers"][0]["files"]["input"]))
        elif case == "path_outside":
            m["layers"][0]["files"]["input"] = "../../convnet_train/" + m["layers"][0]["files"]["input"]
        elif case == "wrong_shape":
            np.save(os.path.join(d, m["layers"][0]["files"]["input"]), np.zeros((2, 2), np.float32))
        elif case == "bad_config":
            m["layers"][1]["config"]["num_groups"] = -3
        with open(os.path.join(d, "capture.json"), "w") as f:
            if case == "not_json":
                f.write("{ this is not json")
            else:
                json.dump(m, f, indent=1)
        cases[case] = "manifest" if case in ("path_outside", "not_json", "bad_config") else "layer"
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    x = torch.randn(4, 4, 12)
    mask = torch.ones(4, 12, dtype=torch.bool)
    for n, length in enumerate([12, 9, 5, 2]):
        mask[n, length:] = False
    x = x * mask[:, None, :]
    records = [
        capture("convnet_train", ConvNet(), x, True, mask, padding_axes={"bn": 2, "gn": 2, "inorm": 2}),
        capture("convnet_eval", ConvNet(), x, False),
        capture("convnet_capped", ConvNet(), torch.randn(16, 4, 12), True, cap_mib=600 / (1 << 20)),
        capture("layer_norm_2d", nn.Sequential(nn.Conv2d(3, 8, 1), LayerNorm2d(8)), torch.randn(2, 3, 5, 5), True),
        capture("scaled_batch_norm", nn.Sequential(nn.Linear(5, 6), ScaledBatchNorm(6)), torch.randn(8, 5), True),
    ]
    tokens = torch.randn(3, 7, 6)
    tmask = torch.ones(3, 7, dtype=torch.bool)
    tmask[1, 4:] = False
    tmask[2, 2:] = False
    records.append(capture("tokens_padded", Tokens(), tokens, True, tmask, padding_axes={"ln": 1, "bn": 2}))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"torch_version": torch.__version__.split("+")[0], "captures": records,
                   "broken": write_broken()}, f, indent=1)
    print(f"{len(records)} captures in {OUT}")


if __name__ == "__main__":
    main()
