#!/usr/bin/python3
"""Captures of a small trained network, for the health report's ranking (tst_capture).

A conv net (three BatchNorm2d) is trained for 300 SGD steps on synthetic images whose classes
differ in their channel means, so that its running statistics describe the training data.
Then, with the shipped trace script, in eval mode (as a model is used), on fresh data from
the same distribution:
  trained/healthy_bN/      batch N = 8, 32, 64: no layer may warn
  trained/drifted/         bn2's running_mean moved by 1.5 running stds in half its channels
                           (planted): bn2 is the first divergence, bn1 has no warning, bn3 is
                           inherited (its input already differs)
  trained/forgot_eval/     the same healthy model captured in training mode: no warning
  trained.json             per capture: the planted layer (or null), the layers that may warn,
                           the inherited ones; written here from what was planted
Run: /usr/bin/python3 tests/captures/make_trained_captures.py
"""
import json
import os
import shutil
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import normlab_trace  # noqa: E402

OUT = os.path.join(HERE, "trained")
torch.manual_seed(0)
torch.set_num_threads(1)
CLASSES = torch.randn(4, 3) * 0.8  # per-class channel means


def batch(n, generator):
    labels = torch.randint(0, 4, (n,), generator=generator)
    x = torch.randn(n, 3, 8, 8, generator=generator) + CLASSES[labels][:, :, None, None]
    return x, labels


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.conv2, self.bn2 = nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.conv3, self.bn3 = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn2(self.conv2(x)))
        x = torch.relu(self.bn3(self.conv3(x)))
        return self.head(x.mean((2, 3)))


def capture(model, x, name):
    path = os.path.join(OUT, name)
    if os.path.exists(path):
        shutil.rmtree(path)
    normlab_trace.trace(model, (x,), path, activations=True)


def main():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    model = Net()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    g = torch.Generator().manual_seed(1)
    for _ in range(300):
        x, y = batch(32, g)
        loss = nn.functional.cross_entropy(model(x), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    model.eval()
    cases = []
    test = torch.Generator().manual_seed(2)
    for n in (8, 32, 64):
        capture(model, batch(n, test)[0], f"healthy_b{n}")
        cases.append({"capture": f"healthy_b{n}", "planted": None, "inherited": []})
    drifted = Net()
    drifted.load_state_dict(model.state_dict())
    drifted.eval()
    with torch.no_grad():
        std = drifted.bn2.running_var.sqrt()
        drifted.bn2.running_mean[::2] += 1.5 * std[::2]
    capture(drifted, batch(32, test)[0], "drifted")
    cases.append({"capture": "drifted", "planted": "bn2", "inherited": ["bn3"]})
    model.train()
    capture(model, batch(32, test)[0], "forgot_eval")
    model.eval()
    cases.append({"capture": "forgot_eval", "planted": None, "inherited": []})
    with open(os.path.join(HERE, "trained.json"), "w") as f:
        json.dump({"torch": torch.__version__.split("+")[0], "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
