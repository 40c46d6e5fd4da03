#!/usr/bin/python3
"""Speed of normlab-cli bench against PyTorch, measured in the same run.

    /usr/bin/python3 tests/bench/compare_pytorch.py [--cli build/app/normlab-cli] [--repeat 30]
    python3 tests/bench/compare_pytorch.py --device cuda      # on a machine with a GPU

With --device cuda both sides run on the GPU: NormLab with --backend cuda (its kernels'
time between CUDA events), PyTorch timed with CUDA events around each step, the copy
bandwidth from a device-to-device copy of 256 MB, and added: LayerNorm 64 columns at 1 M
rows, 4096 columns at 256 K rows, BatchNorm 64 channels x (32*56*56), and the LayerNorm /
RMSNorm 4096x4096 cases forward alone and forward + backward. --only TEXT runs the cases
whose title contains TEXT.

Forward + backward, float32, training mode, PyTorch limited to as many threads as NormLab
uses. The two alternate in --rounds rounds of --repeat iterations each (so that both meet
the same machine noise); each reports the median over rounds of its per-round median. Prints a Markdown table with median times, their ratio, and GB/s by minimum bytes
(NormLab's own bytes_moved for both) next to the copy bandwidth measured here
(torch.Tensor.copy_ of 256 MB, counted as read + write). Needs python3-torch; never part
of the build or the test suite.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F


def time_torch(step, repeat, device, warmup=3):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeat):
        if device == "cuda":
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            step()
            stop.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(stop))
        else:
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def copy_bandwidth(device):
    src = torch.empty(64 * 1024 * 1024, dtype=torch.float32, device=device).normal_()
    dst = torch.empty_like(src)
    ms = time_torch(lambda: dst.copy_(src), 10, device)
    return 2 * src.numel() * 4 / (ms * 1e-3) / 1e9


def torch_step(kind, shape, device, backward=True, lengths=None):
    x = torch.randn(shape, device=device, requires_grad=backward)
    dy = torch.randn(shape, device=device)
    C = shape[1]

    def run(forward):
        if not backward:
            return lambda: forward()
        return lambda: forward().backward(dy)
    if kind == "layer_norm":
        w = torch.ones(shape[-1], device=device, requires_grad=backward)
        b = torch.zeros(shape[-1], device=device, requires_grad=backward)
        return run(lambda: F.layer_norm(x, shape[-1:], w, b))
    if kind == "rms_norm":
        w = torch.ones(shape[-1], device=device, requires_grad=backward)
        eps = torch.finfo(torch.float32).eps
        return run(lambda: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w)
    if kind == "batch_norm":
        m = torch.nn.BatchNorm2d(C).to(device).train()
        return run(lambda: m(x))
    if kind == "group_norm":
        m = torch.nn.GroupNorm(32, C).to(device)
        return run(lambda: m(x))
    if kind == "instance_norm":
        m = torch.nn.InstanceNorm2d(C, affine=True).to(device)
        return run(lambda: m(x))
    if kind == "masked_instance_norm":
        w = torch.ones(C, device=device, requires_grad=backward)
        b = torch.zeros(C, device=device, requires_grad=backward)
        L = torch.tensor(lengths, device=device)
        mask = (torch.arange(shape[-1], device=device)[None, :] < L[:, None]).to(x.dtype)[:, None, :]

        def forward():
            n = mask.sum(-1, keepdim=True)
            mean = (x * mask).sum(-1, keepdim=True) / n
            var = ((x - mean) ** 2 * mask).sum(-1, keepdim=True) / n
            return ((x - mean) / torch.sqrt(var + 1e-5) * w[:, None] + b[:, None]) * mask
        return run(forward)
    raise ValueError(kind)


LN = {"variant": "layer_norm", "normalized_shape": [1024]}
RMS = {"variant": "rms_norm", "normalized_shape": [1024]}
# (title, kind, shape, spec, backward)
CASES = [
    ("LayerNorm 4096x1024", "layer_norm", (4096, 1024), LN, True),
    ("RMSNorm 4096x1024", "rms_norm", (4096, 1024), RMS, True),
    ("BatchNorm2d 16x64x56x56", "batch_norm", (16, 64, 56, 56), {"variant": "batch_norm"}, True),
    ("GroupNorm(32) 16x64x56x56", "group_norm", (16, 64, 56, 56), {"variant": "group_norm", "num_groups": 32}, True),
    ("InstanceNorm2d(affine) 16x64x56x56", "instance_norm", (16, 64, 56, 56), {"variant": "instance_norm", "affine": True}, True),
    ("masked InstanceNorm 32x64x1024", "masked_instance_norm", (32, 64, 1024), {"variant": "instance_norm", "affine": True}, True),
]
LN4K = {"variant": "layer_norm", "normalized_shape": [4096]}
RMS4K = {"variant": "rms_norm", "normalized_shape": [4096]}
LN64 = {"variant": "layer_norm", "normalized_shape": [64]}
CUDA_CASES = [
    ("LayerNorm 1Mx64", "layer_norm", (1048576, 64), LN64, True),
    ("LayerNorm 256Kx4096", "layer_norm", (262144, 4096), LN4K, True),
    ("BatchNorm2d 32x64x56x56 (64 x 32*56*56)", "batch_norm", (32, 64, 56, 56), {"variant": "batch_norm"}, True),
    ("LayerNorm 4096x4096", "layer_norm", (4096, 4096), LN4K, False),
    ("LayerNorm 4096x4096", "layer_norm", (4096, 4096), LN4K, True),
    ("RMSNorm 4096x4096", "rms_norm", (4096, 4096), RMS4K, False),
    ("RMSNorm 4096x4096", "rms_norm", (4096, 4096), RMS4K, True),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.path.join(os.path.dirname(__file__), "../../build/app/normlab-cli"))
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--only", help="run only the cases whose title contains this text")
    args = ap.parse_args()
    threads = os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    lengths = rng.integers(256, 1025, size=32).astype(np.int64)
    bandwidth = copy_bandwidth(args.device)
    rows = []
    cases = CASES + (CUDA_CASES if args.device == "cuda" else [])
    if args.only:
        cases = [c for c in cases if args.only in c[0]]
    with tempfile.TemporaryDirectory() as tmp:
        lengths_path = os.path.join(tmp, "lengths.npy")
        np.save(lengths_path, lengths)
        for title, kind, shape, spec, backward in cases:
            spec_path = os.path.join(tmp, "spec.json")
            with open(spec_path, "w") as f:
                json.dump(spec, f)
            cmd = [args.cli, "bench", "--spec", spec_path, "--shape", ",".join(map(str, shape)),
                   "--repeat", str(args.repeat), "--backend", args.device]
            if backward:
                cmd.append("--backward")
            if kind.startswith("masked"):
                cmd += ["--lengths", lengths_path]
            step = torch_step(kind, shape, args.device, backward, lengths.tolist())
            ours_rounds, theirs_rounds = [], []
            for _ in range(args.rounds):
                ours = json.loads(subprocess.check_output(cmd))
                ours_rounds.append(ours["median_ms"])
                theirs_rounds.append(time_torch(step, args.repeat, args.device))
            ours["median_ms"] = statistics.median(ours_rounds)
            theirs = statistics.median(theirs_rounds)
            gbs = ours["bytes_moved"] / 1e9
            rows.append((f"{title} {'fwd+bwd' if backward else 'forward'}", ours["median_ms"], theirs, theirs / ours["median_ms"], gbs / (ours["median_ms"] * 1e-3),
                         gbs / (theirs * 1e-3)))
    where = (torch.cuda.get_device_name(0) if args.device == "cuda"
             else f"threads: NormLab {threads}, PyTorch {torch.get_num_threads()}")
    print(f"{where} (torch {torch.__version__}); "
          f"measured copy bandwidth {bandwidth:.1f} GB/s (read + write); "
          f"{args.rounds} alternating rounds of {args.repeat} iterations\n")
    print("| case (float32, train) | NormLab median ms | PyTorch median ms | PyTorch/NormLab | NormLab GB/s "
          "| % of copy | PyTorch GB/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.2f}x | {r[4]:.1f} | {100 * r[4] / bandwidth:.0f}% "
              f"| {r[5]:.1f} |")


if __name__ == "__main__":
    main()
