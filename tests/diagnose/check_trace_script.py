#!/usr/bin/python3
"""ctest `trace_script` (label python): runs tools/normlab_trace.py as a user would, on a
model file of the user's, and gives the trace to normlab-cli diagnose --trace.

Checked against PyTorch itself in the same run: the shapes the script records are those a
forward hook sees, and a model that raises is recorded with the exception PyTorch raised
when this script ran the model directly. Exits 77 (skipped) without PyTorch.

  check_trace_script.py NORMLAB_CLI TRACE_SCRIPT
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("PyTorch is not installed: skipped")
    sys.exit(77)

MODEL = '''
import torch.nn as nn

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.skip = nn.Conv2d(3, 8, 1)
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x):
        return self.bn(self.conv(x)) + self.skip(x)

def build():
    return nn.Sequential(Block(), nn.ReLU(), nn.InstanceNorm2d(16), nn.Flatten(),
                         nn.Linear(8 * 6 * 6, 4))

def broken():
    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(6))


class LayerNormChannels(nn.LayerNorm):
    """A LayerNorm over the channels of a map: it moves them last in its own forward()."""
    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class WithUnused(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.norm = LayerNormChannels(8)
        self.unused = nn.BatchNorm2d(99)

    def forward(self, x):
        return self.norm(self.conv(x))


def subclass():
    return WithUnused()
'''

# Models that take more than one tensor, keyword arguments, a list; that return a dict; that
# call a module twice; that need eval mode; and that import a module beside their file.
INPUTS_MODEL = '''
import torch
import torch.nn as nn
from helper_blocks import conv_bn


class Flow(nn.Module):  # two images
    def __init__(self):
        super().__init__()
        self.enc = conv_bn(6, 8)

    def forward(self, a, b):
        return {"flow": self.enc(torch.cat([a, b], 1))}


class Detector(nn.Module):  # a list of images, a keyword argument
    def __init__(self):
        super().__init__()
        self.body = conv_bn(3, 8)
        self.norm = nn.GroupNorm(2, 8)

    def forward(self, images, scale=1.0):
        x = self.body(torch.stack(images)) * scale
        return [self.norm(x), self.norm(x)]  # norm called twice


class Speech(nn.Module):  # waveform and lengths
    def __init__(self):
        super().__init__()
        self.front = nn.Conv1d(1, 8, 5, stride=2)
        self.norm = nn.BatchNorm1d(8)

    def forward(self, wave, lengths):
        return self.norm(self.front(wave.unsqueeze(1))), lengths


def flow():
    return Flow(), (torch.randn(1, 3, 8, 8), torch.randn(1, 3, 8, 8))


def detector():
    return Detector(), ([torch.randn(3, 8, 8), torch.randn(3, 8, 8)],), {"scale": 2.0}


def speech():
    return Speech()


def eval_only():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)).eval()  # batch 1, 1x1 maps
'''

HELPER_BLOCKS = '''
import torch.nn as nn


def conv_bn(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU())
'''


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return r.stdout


def main(cli, script):
    work = tempfile.mkdtemp(prefix="normlab-trace-")
    model_file = os.path.join(work, "my_model.py")
    with open(model_file, "w") as f:
        f.write(MODEL)
    sys.path.insert(0, work)
    import my_model  # noqa: E402

    # What PyTorch's own hooks see, for comparison.
    model = my_model.build()
    seen = {}

    def record(name):
        def hook(module, inputs, output):
            seen.setdefault(name, list(inputs[0].shape))  # returns None: output unchanged
        return hook

    for name, m in model.named_modules():
        if not list(m.children()):
            m.register_forward_hook(record(name))
    model(torch.zeros(2, 3, 6, 6))

    out = os.path.join(work, "trace.json")
    run(sys.executable, script, "--model", model_file + ":build", "--input-shape", "2,3,6,6",
        "--out", out)
    trace = json.load(open(out))
    leaves = {c["name"]: c for c in trace["calls"] if c.get("leaf", True)}
    for name, shape in seen.items():
        assert leaves[name]["inputs"][0]["shape"] == shape, (name, leaves[name], shape)
    assert trace["error"] is None

    report = json.loads(run(cli, "diagnose", "--trace", out))
    layers = {l["name"]: l for l in report["layers"]}
    for name, shape in seen.items():
        assert layers[name]["certainty"] == "exact" and layers[name]["input_shape"] == shape, name
    serious = [f for f in report["findings"] if f["severity"] in ("error", "warning")]
    # InstanceNorm2d(16) on 8 channels: PyTorch 1.13 runs it without a word (affine=False).
    assert [(f["layer"], f["code"]) for f in serious] == [("2", "num_features_mismatch")], serious

    # A model that raises: the module and PyTorch's exact words.
    try:
        my_model.broken()(torch.zeros(2, 3, 6, 6))
        sys.exit("the broken model ran")
    except RuntimeError as e:
        expected = str(e).split("\n")[0]
    out = os.path.join(work, "broken.json")
    run(sys.executable, script, "--model", model_file + ":broken", "--input-shape", "2,3,6,6",
        "--out", out)
    report = json.loads(run(cli, "diagnose", "--trace", out))
    first = [f for f in report["findings"] if f["severity"] == "error"][0]
    assert first["code"] == "pytorch_error" and first["layer"] == "1", first
    assert first["torch_message"] == expected, (first["torch_message"], expected)

    # A normalization subclass that rearranges its input ran: never said to raise; a module
    # forward() never calls is listed as not run.
    out = os.path.join(work, "subclass.json")
    run(sys.executable, script, "--model", model_file + ":subclass", "--input-shape", "2,3,6,6",
        "--out", out)
    report = json.loads(run(cli, "diagnose", "--trace", out))
    serious = [f for f in report["findings"] if f["severity"] in ("error", "warning")]
    assert not serious, serious
    layers = {l["name"]: l for l in report["layers"]}
    assert layers["unused"]["reading"] == "not run", layers["unused"]

    # Any input a real model takes, from the command line.
    with open(os.path.join(work, "inputs_model.py"), "w") as f:
        f.write(INPUTS_MODEL)
    with open(os.path.join(work, "helper_blocks.py"), "w") as f:
        f.write(HELPER_BLOCKS)
    inputs_file = os.path.join(work, "inputs_model.py")
    for function, extra, norms in [
            ("flow", [], {"enc.1": [1, 8, 8, 8]}),
            ("detector", [], {"body.1": [2, 8, 8, 8], "norm": [2, 8, 8, 8]}),
            ("speech", ["--input-shape", "2,100", "--input-shape", "long:2"], {"norm": [2, 8, 48]}),
            ("eval_only", ["--input-shape", "1,3,3,3"], {"1": [1, 4, 1, 1]})]:
        out = os.path.join(work, function + ".json")
        said = run(sys.executable, script, "--model", inputs_file + ":" + function, *extra,
                   "--out", out)
        trace = json.load(open(out))
        assert trace["error"] is None, (function, trace["error"])
        calls = [c for c in trace["calls"] if c["leaf"]]
        for name, shape in norms.items():
            assert [c["inputs"][0]["shape"] for c in calls if c["name"] == name][0] == shape, (function, name)
        if function == "detector":
            assert [c["name"] for c in calls].count("norm") == 2, "a module called twice"
            assert trace["inputs"]["kwargs"] == {"scale": {"type": "float"}}, trace["inputs"]
        if function == "speech":
            assert [i["dtype"] for i in trace["input"]] == ["float32", "int64"], trace["input"]
        if function == "eval_only":
            assert trace["training"] is False and "eval mode, as the build function left it" in said, said
        report = json.loads(run(cli, "diagnose", "--trace", out))
        assert not [f for f in report["findings"] if f["severity"] in ("error", "warning")], (function, report["findings"])

    # Activations: every norm layer's tensors, the model left as it was, and NormLab's output
    # on the captured input equal to PyTorch's.
    import numpy as np
    sys.path.insert(0, os.path.dirname(script))
    import normlab_trace  # noqa: E402
    model = my_model.build().train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    capture = os.path.join(work, "capture")
    x = torch.randn(4, 3, 6, 6)
    normlab_trace.trace(model, x, capture, activations=True)
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before), "the capture changed the model"
    manifest = json.load(open(os.path.join(capture, "capture.json")))
    norms = [n for n, m in model.named_modules() if normlab_trace._norm_kind(m)]
    assert [l["name"] for l in manifest["layers"]] == norms, (manifest["layers"], norms)
    bn = manifest["layers"][0]
    np.testing.assert_array_equal(np.load(os.path.join(capture, bn["files"]["running_mean"])),
                                  before["0.bn.running_mean"].numpy())
    health = json.loads(run(cli, "health", "--capture", capture))
    for layer in health["layers"]:
        assert layer["max_error_vs_pytorch"] is not None and layer["max_error_vs_pytorch"] < 1e-4, layer
    print("trace script: shapes as PyTorch's hooks saw them, the silent mistake and the raised "
          "error found; a capture of every norm layer that NormLab reproduces")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
