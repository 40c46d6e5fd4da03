#!/usr/bin/python3
"""Traces for `normlab-cli diagnose --trace`, written by tools/normlab_trace.py itself.

  traces/residual_block.json   a custom residual block, then an InstanceNorm2d(16) on 8
                               channels (silent in PyTorch 1.13: a true warning)
  traces/bn_mismatch.json      Conv2d(3, 8) then BatchNorm2d(16): PyTorch raises in module 1
  traces/resnet18.json         torchvision's ResNet-18, batch 2: no mistake
  traces/architectures/*.json  every model and mutated copy of make_architectures.py (the
                               static reading's corpus), traced in training mode
Run: /usr/bin/python3 tests/diagnose/make_traces.py
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision.models as tvm

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import normlab_trace  # noqa: E402
import make_architectures as corpus  # noqa: E402


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.skip = nn.Conv2d(3, 8, 1)

    def forward(self, x):
        return self.bn(self.conv(x)) + self.skip(x)


def main():
    out = os.path.join(HERE, "traces")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    models = {
        "residual_block": (nn.Sequential(Block(), nn.ReLU(), nn.InstanceNorm2d(16), nn.Flatten(),
                                         nn.Linear(8 * 8 * 8, 4)), (2, 3, 8, 8)),
        "bn_mismatch": (nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(16)), (2, 3, 8, 8)),
        "resnet18": (tvm.resnet18(), (2, 3, 224, 224)),
    }
    for name, (model, shape) in models.items():
        doc = normlab_trace.trace(model.train(), torch.zeros(shape), os.path.join(out, name + ".json"))
        print(name, len(doc["calls"]), "calls", doc["error"])
    trace_corpus(os.path.join(out, "architectures"))


def trace_corpus(out):
    os.makedirs(out, exist_ok=True)
    builders = {name: (build, shape, dtype) for name, build, shape, dtype in corpus.MODELS}
    jobs = [(name, build, shape, dtype, None) for name, build, shape, dtype in corpus.MODELS]
    jobs += [(f"{base}_{label}", *builders[base], mutate)
             for base, label, mutate in corpus.MUTATIONS]
    for name, build, shape, dtype, mutate in jobs:
        torch.manual_seed(0)
        model = build()
        if mutate:
            mutate(model)
        x = torch.zeros(shape, dtype=torch.long) if dtype == "long" else torch.randn(shape)
        doc = normlab_trace.trace(model.train(), x, os.path.join(out, name + ".json"))
        print(name, len(doc["calls"]), "calls", doc["error"] and doc["error"]["message"][:60])


if __name__ == "__main__":
    main()
