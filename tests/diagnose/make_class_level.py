#!/usr/bin/python3
"""Class-level mistakes for the debugger: a block class with one wrong normalization size,
so that every instance has it (the most common real mistake). For each model, the clean and
the mutated text (class_level/<name>_clean.txt, <name>_mistake.txt) and, from PyTorch 1.13
itself: the layers that hold the mistake (every instance of the class) and what PyTorch does
when the model runs (the exception and its first line, or silent / warns).
Run: /usr/bin/python3 tests/diagnose/make_class_level.py
"""
import json
import os
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "class_level")
import torch, torch.nn as nn
class Res(nn.Module):
    def __init__(s, c, half=False):
        super().__init__()
        s.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False); s.bn1 = nn.BatchNorm2d(c); s.relu = nn.ReLU(True)
        s.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False); s.bn2 = nn.BatchNorm2d(c // 2 if half else c)
    def forward(s, x): return s.relu(x + s.bn2(s.conv2(s.relu(s.bn1(s.conv1(x))))))
class ResNetish(nn.Module):
    def __init__(s, half):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU())
        s.blocks = nn.Sequential(*[Res(32, half) for _ in range(3)])
        s.head = nn.Linear(32, 10)
    def forward(s, x): return s.head(s.blocks(s.stem(x)).mean((2, 3)))
class TBlock(nn.Module):
    def __init__(s, d, twice=False):
        super().__init__()
        s.norm1 = nn.LayerNorm(d); s.attn = nn.MultiheadAttention(d, 4, batch_first=True)
        s.norm2 = nn.LayerNorm(2 * d if twice else d)
        s.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
    def forward(s, x):
        h = s.norm1(x); x = x + s.attn(h, h, h)[0]; return x + s.mlp(s.norm2(x))
class T(nn.Module):
    def __init__(s, twice):
        super().__init__(); s.emb = nn.Embedding(100, 64); s.layers = nn.ModuleList([TBlock(64, twice) for _ in range(4)]); s.ln_f = nn.LayerNorm(64)
    def forward(s, x):
        x = s.emb(x)
        for l in s.layers: x = l(x)
        return s.ln_f(x)
class GRes(nn.Module):
    def __init__(s, dim, bad=False):
        super().__init__()
        s.conv_block = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(2 * dim if bad else dim), nn.ReLU(True), nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim))
    def forward(s, x): return x + s.conv_block(x)
class G(nn.Module):
    def __init__(s, bad):
        super().__init__(); s.model = nn.Sequential(nn.Conv2d(3, 64, 7, padding=3), nn.InstanceNorm2d(64), nn.ReLU(True), *[GRes(64, bad) for _ in range(3)], nn.Conv2d(64, 3, 7, padding=3))
    def forward(s, x): return s.model(x)
CASES = [("residual_bn_half", ResNetish, [2, 3, 32, 32], "float"), ("transformer_ln_twice", T, [2, 16], "long"), ("generator_instance_norm_twice", G, [1, 3, 64, 64], "float")]


def norm_sizes(model):
    out = {}
    for name, m in model.named_modules():
        for attr in ("num_features", "normalized_shape"):
            if hasattr(m, attr):
                out[name] = repr(getattr(m, attr))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, make, shape, dtype in CASES:
        torch.manual_seed(0)
        clean, bad = make(False), make(True)
        x = torch.zeros(shape, dtype=torch.long) if dtype == "long" else torch.randn(shape)
        clean(x)  # the clean model runs
        a, b = norm_sizes(clean), norm_sizes(bad)
        layers = sorted(k for k in a if a[k] != b[k])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                bad(x)
                action, exception, message = ("warns" if caught else "silent"), "", ""
            except Exception as e:  # noqa: BLE001 -- PyTorch's exception is the truth
                action, exception, message = "raises", type(e).__name__, str(e).split("\n")[0]
        for variant, model in (("clean", clean), ("mistake", bad)):
            with open(os.path.join(OUT, f"{name}_{variant}.txt"), "w") as f:
                f.write(str(model) + "\n")
        cases.append({"name": name, "input_shape": shape, "mistake_layers": layers,
                      "torch": {"version": torch.__version__.split("+")[0], "action": action,
                                "exception": exception, "message": message}})
    with open(os.path.join(HERE, "class_level.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
