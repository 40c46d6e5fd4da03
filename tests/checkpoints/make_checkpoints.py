#!/usr/bin/python3
"""Checkpoints against models, with PyTorch's own load_state_dict verdicts.

For each case: a model (what print(model) prints) and a checkpoint saved from another model,
as torch.save's zip (.pth) and/or as .safetensors (written here byte by byte: the format is
an 8-byte header length, a JSON header, the data). Then PyTorch itself loads the checkpoint
into the model, strict and not strict, and the messages it raises are recorded:
  <case>.txt                 print(model)
  <case>.pth / .safetensors  the checkpoint
  <case>.trace.json          the model traced by tools/normlab_trace.py (its module table
                             lists every module's own tensors)
  cases.json                 per case: files, the RuntimeError text of load_state_dict
                             (strict=True and strict=False; null when it loads), the keys
                             PyTorch reports missing and unexpected
Tensors are saved as one element expanded to their shape (stride 0), so a ResNet-50's
checkpoint is a few kilobytes: the shapes are real, the values are not read by these tests.
A safetensors file is loaded the way safetensors.torch.load_file loads it: a plain dict in
sorted key order, without the _metadata torch.save keeps.
Run: /usr/bin/python3 tests/checkpoints/make_checkpoints.py
"""
import json
import os
import struct
import sys
import warnings
from collections import OrderedDict

import torch
import torch.nn as nn
import torchvision.models as tvm

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import normlab_trace  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")
warnings.simplefilter("ignore")
torch.manual_seed(0)

SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
                      torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32",
                      torch.uint8: "U8", torch.bool: "BOOL"}


def tiny(sd):
    """The state_dict with every tensor one element expanded to its shape (metadata kept)."""
    out = OrderedDict((k, torch.zeros(1, dtype=v.dtype).expand(v.shape) if v.dim() else v.clone())
                      for k, v in sd.items())
    if hasattr(sd, "_metadata"):
        out._metadata = sd._metadata
    return out


def write_safetensors(path, sd):
    header, blobs, offset = {}, [], 0
    for k in sorted(sd):
        t = sd[k].contiguous()
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[k] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                     "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_message(model, sd, strict):
    try:
        result = model.load_state_dict(sd, strict=strict)
    except RuntimeError as e:
        return str(e), None
    return None, result


def conv_bn(norm, channels=8):
    return nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False), norm, nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10))


class Tagged(nn.Module):
    """A user's block with a parameter of its own, which print(model) does not show."""

    def __init__(self, channels=8):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(channels))
        self.conv = nn.Conv2d(3, channels, 3, padding=1)
        self.norm = nn.BatchNorm2d(channels)

    def forward(self, x):
        return self.norm(self.conv(x)) * self.scale.view(1, -1, 1, 1)


def resnet50_with(layer_name, replacement):
    m = tvm.resnet50()
    parent, _, child = layer_name.rpartition(".")
    setattr(m.get_submodule(parent) if parent else m, child, replacement)
    return m


def cases():
    bn = lambda **kw: conv_bn(nn.BatchNorm2d(8, **kw))  # noqa: E731
    yield "loads", bn(), bn().state_dict(), ("pth", "safetensors")
    yield "affine_trained_into_affine_false", bn(affine=False), bn().state_dict(), ("pth", "safetensors")
    yield "affine_false_into_affine", bn(), bn(affine=False).state_dict(), ("pth",)
    yield "running_stats_into_untracked", bn(track_running_stats=False), bn().state_dict(), ("pth", "safetensors")
    yield "untracked_into_running_stats", bn(), bn(track_running_stats=False).state_dict(), ("pth", "safetensors")
    sd = bn().state_dict()
    del sd["1.num_batches_tracked"]
    yield "no_num_batches_tracked", bn(), sd, ("pth", "safetensors")
    yield "num_features_mismatch", conv_bn(nn.BatchNorm2d(16), 16), conv_bn(nn.BatchNorm2d(8)).state_dict(), ("pth",)
    yield "group_norm_channels", conv_bn(nn.GroupNorm(4, 16), 16), conv_bn(nn.GroupNorm(4, 8)).state_dict(), ("pth",)
    inst = lambda **kw: conv_bn(nn.InstanceNorm2d(8, **kw))  # noqa: E731
    yield "instance_norm_tracked_into_default", inst(), inst(track_running_stats=True).state_dict(), ("pth", "safetensors")
    yield "instance_norm_affine_into_default", inst(), inst(affine=True).state_dict(), ("pth",)
    ln = lambda d: nn.Sequential(nn.Linear(16, d), nn.LayerNorm(d), nn.Linear(d, 4))  # noqa: E731
    yield "layer_norm_shape", ln(32), ln(24).state_dict(), ("pth", "safetensors")
    yield "layer_norm_no_affine", nn.Sequential(nn.Linear(16, 32), nn.LayerNorm(32, elementwise_affine=False), nn.Linear(32, 4)), ln(32).state_dict(), ("pth",)
    dp = OrderedDict(("module." + k, v) for k, v in bn().state_dict().items())
    yield "data_parallel_prefix", bn(), dp, ("pth",)
    yield "nested_checkpoint", bn(affine=False), {"model": bn().state_dict(), "epoch": 7, "lr": 0.1}, ("pth",)
    yield "custom_block_loads", nn.Sequential(Tagged(), nn.ReLU()), nn.Sequential(Tagged(), nn.ReLU()).state_dict(), ("pth",)
    yield "custom_block_affine_false", custom_block_without_affine(), \
        nn.Sequential(Tagged(), nn.ReLU()).state_dict(), ("pth",)
    yield "resnet50_loads", tvm.resnet50(), tvm.resnet50().state_dict(), ("pth",)
    yield "resnet50_affine_false", resnet50_with("layer2.1.bn2", nn.BatchNorm2d(128, affine=False)), \
        tvm.resnet50().state_dict(), ("pth",)
    yield "resnet50_untracked", resnet50_with("bn1", nn.BatchNorm2d(64, track_running_stats=False)), \
        tvm.resnet50().state_dict(), ("pth",)
    yield "resnet50_width", resnet50_with("layer1.0.bn3", nn.BatchNorm2d(128)), tvm.resnet50().state_dict(), ("pth",)
    yield "mobilenet_v2_loads", tvm.mobilenet_v2(), tvm.mobilenet_v2().state_dict(), ("pth",)
    yield "vit_b_16_layer_norm_no_affine", vit_without_affine(), tvm.vit_b_16().state_dict(), ("pth",)


def vit_without_affine():
    m = tvm.vit_b_16()
    m.encoder.ln = nn.LayerNorm(768, eps=1e-6, elementwise_affine=False)
    return m


def custom_block_without_affine():
    m = nn.Sequential(Tagged(), nn.ReLU())
    m[0].norm = nn.BatchNorm2d(8, affine=False)
    return m


def write_malformed():
    """Broken files every reader must refuse with a message (and never crash on)."""
    import zipfile
    out = os.path.join(HERE, "malformed")
    os.makedirs(out, exist_ok=True)
    good = open(os.path.join(OUT, "loads.pth"), "rb").read()
    good_st = open(os.path.join(OUT, "loads.safetensors"), "rb").read()
    files = {
        "truncated_zip.pth": good[: len(good) // 2],
        "empty.pth": b"",
        "truncated.safetensors": good_st[: len(good_st) - 40],
        "header_too_long.safetensors": struct.pack("<Q", 1 << 40) + b"{}",
        "header_not_json.safetensors": struct.pack("<Q", 8) + b"{nope!!}",
        "npy_renamed.pth": open(os.path.join(HERE, "..", "golden", "data", os.listdir(
            os.path.join(HERE, "..", "golden", "data"))[0], "x.npy"), "rb").read(),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    # A zip whose pickle names a storage the archive lacks.
    with zipfile.ZipFile(os.path.join(OUT, "loads.pth")) as z, \
            zipfile.ZipFile(os.path.join(out, "missing_storage.pth"), "w") as w:
        for item in z.infolist():
            if not item.filename.endswith("/data/1"):
                w.writestr(item, z.read(item.filename))
    # A zip that holds data.pkl twice (libzip says only "File already exists").
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(os.path.join(OUT, "loads.pth")) as z, \
                zipfile.ZipFile(os.path.join(out, "duplicate_entries.pth"), "w") as w:
            for item in z.infolist():
                w.writestr(item, z.read(item.filename))
                if item.filename.endswith("data.pkl"):
                    w.writestr(item, z.read(item.filename))
    # A zip whose data.pkl is cut short.
    with zipfile.ZipFile(os.path.join(OUT, "loads.pth")) as z, \
            zipfile.ZipFile(os.path.join(out, "truncated_pickle.pth"), "w") as w:
        for item in z.infolist():
            data = z.read(item.filename)
            w.writestr(item, data[: len(data) // 2] if item.filename.endswith("data.pkl") else data)
    # torch.save's format before PyTorch 1.6.
    torch.save(tiny(conv_bn(nn.BatchNorm2d(8)).state_dict()), os.path.join(out, "legacy_format.pth"),
               _use_new_zipfile_serialization=False)
    return sorted(os.listdir(out))


def example_input(model):
    """A small input the model runs on, for its trace."""
    first = next(m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))
    if isinstance(first, nn.Linear):
        return torch.zeros(2, first.in_features)
    side = 224 if type(model).__name__ == "VisionTransformer" else 32
    return torch.zeros(1 if side > 32 else 2, first.in_channels, side, side)


def main():
    os.makedirs(OUT, exist_ok=True)
    records = []
    for name, model, saved, formats in cases():
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(repr(model) + "\n")
        model.eval()
        normlab_trace.trace(model, example_input(model), os.path.join(OUT, name + ".trace.json"))
        sd = saved["model"] if "model" in saved and not torch.is_tensor(saved["model"]) else saved
        small = tiny(sd)
        to_save = dict(saved, model=small) if sd is not saved else small
        for fmt in formats:
            path = os.path.join(OUT, f"{name}.{fmt}")
            if fmt == "pth":
                torch.save(to_save, path)
                loaded = torch.load(path)
                state = loaded["model"] if sd is not saved else loaded
            else:
                write_safetensors(path, small)
                state = OrderedDict((k, small[k]) for k in sorted(small))  # load_file: no _metadata
            strict_message, result = load_message(model, state, True)
            loose_message, loose = load_message(model, state, False)
            records.append({
                "case": name, "model": name + ".txt", "checkpoint": f"{name}.{fmt}",
                "trace": name + ".trace.json",
                "model_class": type(model).__name__,
                "strict_error": strict_message, "non_strict_error": loose_message,
                "non_strict_missing": list(loose.missing_keys) if loose else None,
                "non_strict_unexpected": list(loose.unexpected_keys) if loose else None,
            })
    # Files a state_dict reader must refuse: they name globals a state_dict never uses, and
    # unpickling them runs the named code.
    import argparse
    refused = []
    whole = os.path.join(OUT, "refused_whole_model.pth")
    torch.save(nn.Sequential(nn.Linear(2, 2)), whole)
    refused.append({"checkpoint": "refused_whole_model.pth", "global": "torch.nn.modules.container.Sequential"})
    namespace = os.path.join(OUT, "refused_namespace.pth")
    torch.save({"model": tiny(conv_bn(nn.BatchNorm2d(8)).state_dict()), "args": argparse.Namespace(lr=0.1)}, namespace)
    refused.append({"checkpoint": "refused_namespace.pth", "global": "argparse.Namespace"})
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"torch_version": torch.__version__.split("+")[0], "cases": records,
                   "refused": refused, "malformed": write_malformed()}, f, indent=1)
    print(f"{len(records)} checkpoint cases in {OUT}")


if __name__ == "__main__":
    main()
