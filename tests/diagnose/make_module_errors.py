#!/usr/bin/env python3
"""Writes module_errors.json: single modules on inputs, as PyTorch (1.13 here) runs them.

Each case is one module built from a constructor string, printed with repr() (what
print(model) shows for it) and run on a zero input of the case's shape. The file records the
output shape, or the exception PyTorch raised with its first line. tst_diagnose reads every
case as `Sequential((0): <repr>)` and must give the same shape, or raise at layer 0 with the
same words (or say it stops without words where NormLab does not model them).

Hostile arguments are the point: non-positive strides, kernels, dilations and factors,
padding larger than a window, outputs of size zero or below, sizes that overflow 64 bits.
Modules that crash PyTorch itself (PixelShuffle(2**32): r*r wraps to 0) are not run here;
tst_diagnose tests them by hand.

Run: /usr/bin/python3 tests/diagnose/make_module_errors.py
"""
import json
import os
import warnings

import torch
import torch.nn as nn

warnings.simplefilter("ignore")

BIG = 2 ** 62
CASES = [
    # convolutions
    ("Conv2d(3, 8, 3, stride=(0, 0))", (2, 3, 8, 8)),
    ("Conv2d(3, 8, 3, stride=-1)", (2, 3, 8, 8)),
    ("Conv2d(3, 8, 3, dilation=0)", (2, 3, 8, 8)),
    ("Conv2d(3, 8, 3, padding=-1)", (2, 3, 8, 8)),
    ("Conv2d(3, 8, 3, stride=(0, 0))", (3, 8, 8)),
    ("Conv2d(3, 8, 9)", (2, 3, 8, 8)),
    ("Conv2d(3, 8, 3, padding=1, stride=2)", (2, 3, 7, 9)),
    ("Conv1d(3, 8, 5, padding=2, dilation=2)", (2, 3, 11)),
    ("Conv3d(3, 4, 3, stride=(1, 2, 3))", (1, 3, 5, 7, 9)),
    ("Conv2d(3, 8, 3, padding='same', dilation=2)", (2, 3, 7, 7)),
    ("ConvTranspose2d(3, 8, 1, padding=3)", (2, 3, 2, 2)),
    ("ConvTranspose1d(3, 8, 1, padding=3)", (2, 3, 2)),
    ("ConvTranspose3d(3, 8, 1, padding=3)", (2, 3, 2, 2, 2)),
    ("ConvTranspose2d(3, 8, 3, stride=0)", (2, 3, 2, 2)),
    ("ConvTranspose2d(3, 8, 3, padding=-1)", (2, 3, 4, 4)),
    ("ConvTranspose2d(3, 8, 3, output_padding=-1)", (2, 3, 4, 4)),
    ("ConvTranspose2d(3, 8, 3, stride=1, output_padding=1)", (2, 3, 2, 2)),
    ("ConvTranspose1d(3, 8, 3, stride=1, output_padding=1)", (2, 3, 4)),
    ("ConvTranspose3d(3, 8, 3, stride=1, output_padding=1)", (2, 3, 4, 4, 4)),
    ("ConvTranspose2d(3, 8, 3, dilation=0)", (2, 3, 4, 4)),
    ("ConvTranspose1d(3, 8, 3, dilation=0)", (2, 3, 4)),
    ("ConvTranspose3d(3, 8, 3, dilation=0)", (2, 3, 4, 4, 4)),
    ("ConvTranspose2d(3, 8, 4, stride=2, padding=1, output_padding=1)", (2, 3, 5, 5)),
    (f"Conv2d(3, 8, 3, padding={BIG})", (2, 3, 4, 4)),
    (f"ConvTranspose2d(3, 8, 3, stride={BIG})", (2, 3, 4, 4)),
    # pooling
    ("MaxPool2d(kernel_size=0, stride=0)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=0, stride=1)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=2, stride=0)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=2, stride=-1)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=2, padding=3)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=2, padding=-1)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=2, dilation=0)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=9)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=9)", (3, 4, 4)),
    ("MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)", (2, 3, 8, 8)),
    ("MaxPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=True)", (2, 3, 9, 10)),
    ("MaxPool3d(kernel_size=0)", (2, 3, 8, 8, 8)),
    ("MaxPool3d(kernel_size=0, stride=1)", (2, 3, 8, 8, 8)),
    ("MaxPool3d(kernel_size=2, dilation=0)", (2, 3, 8, 8, 8)),
    ("MaxPool3d(kernel_size=9)", (2, 3, 8, 8, 8)),
    ("AvgPool2d(kernel_size=0)", (2, 3, 8, 8)),
    ("AvgPool2d(kernel_size=0, stride=1)", (2, 3, 8, 8)),
    ("AvgPool2d(kernel_size=2, stride=0)", (2, 3, 8, 8)),
    ("AvgPool2d(kernel_size=2, padding=3)", (2, 3, 8, 8)),
    ("AvgPool2d(kernel_size=9)", (2, 3, 8, 8)),
    ("AvgPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=True)", (2, 3, 8, 8)),
    ("AvgPool1d(kernel_size=0)", (2, 3, 8)),
    ("AvgPool1d(kernel_size=0, stride=1)", (2, 3, 8)),
    ("AvgPool1d(kernel_size=2, padding=3)", (2, 3, 8)),
    ("AvgPool1d(kernel_size=9)", (2, 3, 8)),
    ("AvgPool3d(kernel_size=0, stride=1)", (2, 3, 8, 8, 8)),
    ("AvgPool3d(kernel_size=2, padding=3)", (2, 3, 8, 8, 8)),
    ("AvgPool3d(kernel_size=9)", (2, 3, 8, 8, 8)),
    ("AdaptiveAvgPool2d((-1, -1))", (2, 3, 8, 8)),
    ("AdaptiveAvgPool2d(0)", (2, 3, 8, 8)),
    ("AdaptiveAvgPool2d((None, 3))", (2, 3, 8, 8)),
    ("AdaptiveMaxPool2d(-2)", (2, 3, 8, 8)),
    ("AdaptiveAvgPool1d(-2)", (2, 3, 8)),
    ("AdaptiveAvgPool3d(-2)", (2, 3, 8, 8, 8)),
    (f"AdaptiveAvgPool2d({BIG})", (2, 3, 8, 8)),
    # reshaping
    ("PixelShuffle(3)", (2, 16, 8, 8)),
    ("PixelShuffle(0)", (2, 16, 8, 8)),
    ("PixelShuffle(-2)", (2, 16, 8, 8)),
    ("PixelShuffle(2)", (2, 16, 8, 8)),
    ("PixelUnshuffle(3)", (2, 16, 8, 8)),
    ("PixelUnshuffle(3)", (2, 16, 9, 8)),
    ("PixelUnshuffle(0)", (2, 16, 8, 8)),
    ("PixelUnshuffle(2)", (2, 16, 8, 8)),
    ("Upsample(scale_factor=1e300)", (2, 3, 8, 8)),
    ("Upsample(scale_factor=float('nan'))", (2, 3, 8, 8)),
    ("Upsample(scale_factor=float('inf'))", (2, 3, 8, 8)),
    ("Upsample(scale_factor=0.01)", (2, 3, 8, 8)),
    ("Upsample(scale_factor=-2.0)", (2, 3, 8, 8)),
    ("Upsample(scale_factor=2.5)", (2, 3, 8, 8)),
    ("Upsample(size=-1)", (2, 3, 8, 8)),
    ("Upsample(size=(4, -1))", (2, 3, 8, 8)),
    ("Upsample(size=0)", (2, 3, 8, 8)),
    ("Upsample(size=-1)", (2, 3, 8)),
    ("Upsample(size=-1)", (2, 3, 8, 8, 8)),
    ("Upsample(size=(5, 6), mode='bilinear')", (2, 3, 8, 8)),
    (f"Unflatten(1, ({BIG}, 4))", (2, 8, 8)),
    ("Unflatten(1, (0, 4))", (2, 8, 8)),
    ("Unflatten(1, (2, -1))", (2, 8, 8)),
    ("Unflatten(-1, (2, 4))", (2, 8, 8)),
    ("Flatten()", (2, 3, 8, 8)),
    ("Flatten(0, 2)", (2, 3, 8, 8)),
    # padding
    ("ReflectionPad2d(9)", (2, 3, 8, 8)),
    ("ReflectionPad2d((1, 2, 3, 4))", (2, 3, 8, 8)),
    ("ReplicationPad2d(2)", (2, 3, 8, 8)),
    ("ZeroPad2d((1, 0, 2, 3))", (2, 3, 8, 8)),
    ("ConstantPad1d(3, 0.5)", (2, 3, 8)),
    # normalization layers that PyTorch refuses on one value per group / channel
    ("GroupNorm(3, 3)", (1, 3)),
    ("GroupNorm(2, 4)", (1, 3)),
    ("GroupNorm(2, 4)", (2, 4)),
    ("BatchNorm1d(3)", (1, 3)),
    # linear
    ("Linear(in_features=8, out_features=4, bias=True)", (2, 5, 8)),
    ("Linear(in_features=7, out_features=4, bias=True)", (2, 5, 8)),
]


def shape_list(t):
    return [int(d) for d in t]


def main():
    out = []
    for constructor, shape in CASES:
        module = eval("nn." + constructor)
        case = {"constructor": constructor, "module": repr(module), "input_shape": list(shape),
                "output_shape": None, "error": None}
        try:
            with torch.no_grad():
                case["output_shape"] = shape_list(module(torch.zeros(shape)).shape)
        except Exception as e:  # noqa: BLE001 -- recording what PyTorch raises is the point
            case["error"] = {"type": type(e).__name__, "message": str(e).split("\n")[0]}
        out.append(case)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "module_errors.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
