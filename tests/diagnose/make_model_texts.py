#!/usr/bin/python3
"""Golden data for the shape/affine debugger (`normlab-cli diagnose`).

For every case this script builds a PyTorch model, writes what `print(model)` prints to
models/<case>.txt, runs the model once in training mode on a random input of the case's
shape, and records in cases.json what PyTorch itself did:
  - for every leaf module that ran: its dotted name (named_modules), type, and the shapes of
    its first input and its output, captured with forward hooks;
  - the exception PyTorch raised (type, message, and the module it was inside), or none;
  - the Python warnings it emitted.
Run with Debian's PyTorch (1.13):  /usr/bin/python3 tests/diagnose/make_model_texts.py

`expect_codes` / `expect_unknown` are what the case is about (written here by hand, from the
design of the engine, not from its output): finding codes the engine must report, and whether
some shapes must come out unknown (a module the engine cannot know).

PyTorch 2.x prints runs of identical ModuleList entries as `(0-3): 4 x Block(...)`; 1.13 does
not, so `compress_repeats` re-implements that 2.x repr on the 1.13 text for the cases marked
`print_2x` (the model and its recorded run are unchanged).
"""
import json
import os
import re
import warnings

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class BasicBlock(nn.Module):
    """torchvision's ResNet BasicBlock: the downsample branch takes the block's input."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + (self.downsample(x) if self.downsample is not None else x))


class Stack(nn.Module):
    """Runs a ModuleList in order (a repeated-block encoder)."""

    def __init__(self, blocks, head):
        super().__init__()
        self.layers = nn.ModuleList(blocks)
        self.head = head

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.head(x)


class Seq(nn.Module):
    """A custom container whose forward runs its children in printed order."""

    def __init__(self, **children):
        super().__init__()
        for name, module in children.items():
            self.add_module(name, module)

    def forward(self, x):
        for module in self.children():
            x = module(x)
        return x


class Swish(nn.Module):
    """A leaf the engine cannot know."""

    def forward(self, x):
        return x * torch.sigmoid(x)


class SqueezeTime(nn.Module):
    """A leaf that changes the shape in a way only its code knows."""

    def forward(self, x):
        return x.mean(dim=-1)


def conv_bn(cin, cout, bias=False):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=bias), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


CASES = []


def case(name, shape, build, expect_codes=(), expect_unknown=False, dtype="float", print_2x=False,
         text_edit=None):
    CASES.append(dict(name=name, shape=shape, build=build, expect_codes=list(expect_codes),
                      expect_unknown=expect_unknown, dtype=dtype, print_2x=print_2x,
                      text_edit=text_edit))


# ---- models that run and are right -------------------------------------------------------
case("vgg_bn", [2, 3, 32, 32], lambda: nn.Sequential(
    *conv_bn(3, 16), nn.MaxPool2d(2), *conv_bn(16, 32), nn.MaxPool2d(2, 2),
    nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(32, 10), nn.Dropout(0.5)))
case("resnet_blocks", [2, 16, 16, 16], lambda: nn.Sequential(
    BasicBlock(16, 16), BasicBlock(16, 32, stride=2), BasicBlock(32, 32),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10)))
case("unet_decoder_gn", [2, 64, 8, 8], lambda: nn.Sequential(
    nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.GroupNorm(8, 32), nn.SiLU(),
    nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(32, 16, 3, padding=1),
    nn.GroupNorm(4, 16), nn.SiLU(), nn.Upsample(size=(40, 40), mode="bilinear"),
    nn.Conv2d(16, 3, 1), nn.Tanh()))
case("text_encoder_ln", [2, 12], lambda: nn.Sequential(
    nn.Embedding(1000, 64, padding_idx=0), nn.LayerNorm(64), nn.Linear(64, 256), nn.GELU(),
    nn.Dropout(0.1), nn.Linear(256, 64), nn.LayerNorm(64, elementwise_affine=False)),
    dtype="long")
case("audio_conv1d", [4, 1, 1000], lambda: nn.Sequential(
    nn.Conv1d(1, 32, 9, stride=2, padding=4), nn.BatchNorm1d(32), nn.ReLU(),
    nn.Conv1d(32, 32, 3, padding="same", dilation=2), nn.InstanceNorm1d(32, affine=True),
    nn.AvgPool1d(4), nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True),
    nn.AdaptiveMaxPool1d(16), nn.Flatten(), nn.Linear(512, 8)))
case("video_conv3d", [2, 3, 8, 16, 16], lambda: nn.Sequential(
    nn.Conv3d(3, 8, (3, 3, 3), padding=1), nn.BatchNorm3d(8), nn.ReLU(),
    nn.MaxPool3d((1, 2, 2)), nn.Conv3d(8, 8, 3, stride=(1, 2, 2)), nn.InstanceNorm3d(8),
    nn.AdaptiveAvgPool3d((2, None, 1)), nn.Flatten(1)))
case("mlp_bn1d", [8, 20], lambda: nn.Sequential(
    nn.Linear(20, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 64),
    nn.BatchNorm1d(64, momentum=None), nn.LeakyReLU(0.2), nn.Linear(64, 3), nn.Softmax(dim=1)))
case("dcgan_generator", [2, 100, 1, 1], lambda: nn.Sequential(
    nn.ConvTranspose2d(100, 64, 4, 1, 0, bias=False), nn.BatchNorm2d(64), nn.ReLU(True),
    nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(True),
    nn.ConvTranspose2d(32, 3, 4, 2, 1, output_padding=0, bias=False), nn.Tanh()))
case("repeated_blocks_2x_print", [2, 16], lambda: Stack(
    [nn.Sequential(nn.Linear(16, 16), nn.LayerNorm(16), nn.ReLU()) for _ in range(4)],
    nn.Linear(16, 2)), print_2x=True)
case("nested_encoder_decoder", [2, 3, 16, 16], lambda: Seq(
    encoder=Seq(stem=nn.Sequential(*conv_bn(3, 8)),
                down=Seq(pool=nn.MaxPool2d(2), conv=nn.Conv2d(8, 16, 3, padding=1),
                         norm=nn.GroupNorm(4, 16))),
    decoder=nn.Sequential(nn.Upsample(scale_factor=2.0), nn.Conv2d(16, 8, 3, padding=1),
                          nn.InstanceNorm2d(8, affine=True), nn.Conv2d(8, 1, 1))))
case("transformer_layer", [10, 2, 32], lambda: nn.Sequential(
    nn.TransformerEncoderLayer(32, 4, dim_feedforward=64), nn.LayerNorm(32)))
case("pixel_shuffle_upsampler", [2, 8, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(8, 32, 3, padding=1), nn.PixelShuffle(2), nn.BatchNorm2d(8), nn.ZeroPad2d(1),
    nn.Conv2d(8, 4, 3), nn.Identity()))

# ---- mistakes PyTorch does not report ----------------------------------------------------
case("instance_norm_mismatch_silent", [2, 256, 16, 16], lambda: nn.Sequential(
    nn.Conv2d(256, 512, 3, padding=1), nn.InstanceNorm2d(1024), nn.ReLU()),
    expect_codes=["num_features_mismatch"])
case("batch_norm_mismatch_untracked_silent", [4, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 6, 3), nn.BatchNorm2d(12, affine=False, track_running_stats=False)),
    expect_codes=["num_features_mismatch", "eval_uses_batch_stats"])
case("batch_norm1d_on_nlc_coincident", [4, 32], lambda: nn.Sequential(
    nn.Embedding(50, 32), nn.Linear(32, 32), nn.BatchNorm1d(32)),
    expect_codes=["batch_norm_channels_last"], dtype="long")
case("layer_norm_over_width", [2, 3, 16, 32], lambda: nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1), nn.LayerNorm(32)),
    expect_codes=["layer_norm_trailing_axis"])
case("instance_norm1d_2d_input", [4, 16], lambda: nn.Sequential(
    nn.Linear(16, 32), nn.InstanceNorm1d(32)),
    expect_codes=["instance_norm_unbatched"])
case("batch_of_one_spatial", [1, 3, 16, 16], lambda: nn.Sequential(
    nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8)),
    expect_codes=["batch_of_one"])
case("group_norm_one_group", [2, 16, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(16, 16, 3, padding=1), nn.GroupNorm(1, 16)),
    expect_codes=["group_norm_one_group"])
case("conv_bias_before_bn", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 8, 3, bias=True), nn.BatchNorm2d(8)),
    expect_codes=["conv_bias_before_norm"])
case("unknown_modules", [2, 4, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(4, 8, 3), Swish(), nn.BatchNorm2d(8), SqueezeTime(), nn.BatchNorm1d(8)),
    expect_unknown=True)

# ---- mistakes PyTorch raises -------------------------------------------------------------
case("instance_norm_mismatch_affine", [2, 256, 16, 16], lambda: nn.Sequential(
    nn.Conv2d(256, 512, 3, padding=1), nn.InstanceNorm2d(1024, affine=True), nn.ReLU()),
    expect_codes=["num_features_mismatch"])
case("instance_norm_mismatch_affine_batch1", [1, 64, 8, 8], lambda: nn.Sequential(
    nn.InstanceNorm2d(32, affine=True)), expect_codes=["num_features_mismatch"])
case("instance_norm_mismatch_tracked", [2, 16, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(16, 8, 1), nn.InstanceNorm2d(16, track_running_stats=True)),
    expect_codes=["num_features_mismatch"])
case("batch_norm_channel_mismatch", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 32, 3), nn.BatchNorm2d(64)), expect_codes=["num_features_mismatch"])
case("batch_norm_mismatch_untracked_affine", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 6, 3), nn.BatchNorm2d(12, track_running_stats=False)),
    expect_codes=["num_features_mismatch"])
case("batch_norm1d_on_nlc", [4, 10], lambda: nn.Sequential(
    nn.Embedding(50, 32), nn.Linear(32, 64), nn.BatchNorm1d(64)),
    expect_codes=["batch_norm_channels_last"], dtype="long")
case("batch_norm2d_after_linear", [4, 20], lambda: nn.Sequential(
    nn.Linear(20, 8), nn.BatchNorm2d(8)), expect_codes=["wrong_rank"])
case("batch_norm1d_on_image", [4, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 8, 3), nn.BatchNorm1d(8)), expect_codes=["wrong_rank"])
case("layer_norm_mismatch", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 64, 3, padding=1), nn.LayerNorm(64)),
    expect_codes=["normalized_shape_mismatch"])
case("layer_norm_shape_list_mismatch", [2, 4, 8, 8], lambda: nn.Sequential(
    nn.LayerNorm([8, 9])), expect_codes=["normalized_shape_mismatch"])
case("group_norm_indivisible_input", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 30, 3), nn.GroupNorm(8, 32, affine=False)),
    expect_codes=["group_norm_divisibility"])
case("group_norm_channel_mismatch", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 24, 3), nn.GroupNorm(4, 32)), expect_codes=["num_features_mismatch"])
case("group_norm_constructor", [2, 30, 8, 8], lambda: nn.Sequential(nn.GroupNorm(5, 30)),
     expect_codes=["group_norm_divisibility"],
     text_edit=("GroupNorm(5, 30", "GroupNorm(4, 30", lambda: nn.GroupNorm(4, 30)))
case("batch_of_one_training", [1, 20], lambda: nn.Sequential(
    nn.Linear(20, 64), nn.BatchNorm1d(64)), expect_codes=["batch_of_one"])
case("instance_norm_one_spatial", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 64, 3), nn.AdaptiveAvgPool2d(1), nn.InstanceNorm2d(64)),
    expect_codes=["single_spatial_element"])
case("instance_norm1d_2d_input_affine", [4, 16], lambda: nn.Sequential(
    nn.Linear(16, 32), nn.InstanceNorm1d(32, affine=True)),
    expect_codes=["instance_norm_unbatched"])
case("conv_channel_mismatch", [2, 3, 32, 32], lambda: nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.Conv2d(32, 64, 3)),
    expect_codes=["in_channels_mismatch"])
case("linear_in_features_mismatch", [2, 3, 8, 8], lambda: nn.Sequential(
    nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(128, 10)),
    expect_codes=["in_features_mismatch"])


def compress_repeats(text):
    """PyTorch 2.x ModuleList.__repr__: consecutive identical children print once as
    `(first-last): count x <repr>`."""
    lines = text.split("\n")
    out, i = [], 0
    child = re.compile(r"^(\s*)\((\d+)\): (.*)$")
    while i < len(lines):
        m = child.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = m.group(1)

        def block(j):
            # lines of the child starting at j: to the line closing it at the same indent
            mm = child.match(lines[j])
            body = [mm.group(3)]
            k = j + 1
            if mm.group(3).endswith("("):
                while not lines[k].startswith(indent + ")"):
                    body.append(lines[k])
                    k += 1
                body.append(lines[k])
                k += 1
            return int(mm.group(2)), body, k

        first, body, j = block(i)
        last = first
        while j < len(lines):
            mm = child.match(lines[j])
            if not mm or mm.group(1) != indent:
                break
            n, b, k = block(j)
            if b != body:
                break
            last, j = n, k
        count = last - first + 1
        if count > 1:
            out.append(f"{indent}({first}-{last}): {count} x {body[0]}")
        else:
            out.append(f"{indent}({first}): {body[0]}")
        out.extend(body[1:])
        i = j
    return "\n".join(out)


def run_case(c):
    model = c["build"]()
    text = str(model)
    constructor_error = None
    if c["text_edit"]:
        old, new, make = c["text_edit"]
        assert old in text
        text = text.replace(old, new)
        try:
            make()
        except Exception as e:  # the constructor is where PyTorch stops this one
            constructor_error = dict(type=type(e).__name__, message=str(e))
    if c["print_2x"]:
        text = compress_repeats(text)
    model.train()
    layers, entered = [], []

    def pre_hook(name):
        def hook(module, inputs):
            entered.append(name)
        return hook

    def hook(name):
        def record(module, inputs, output):
            if any(l["name"] == name for l in layers):
                return
            out = output[0] if isinstance(output, tuple) else output
            layers.append(dict(name=name, type=type(module).__name__,
                               input_shape=list(inputs[0].shape), output_shape=list(out.shape)))
        return record

    for name, module in model.named_modules():
        if name and not list(module.children()):
            module.register_forward_pre_hook(pre_hook(name))
            module.register_forward_hook(hook(name))
    if c["dtype"] == "long":
        x = torch.randint(1, 50, c["shape"])
    else:
        x = torch.randn(c["shape"])
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if constructor_error:
            error = dict(constructor_error, layer=entered[-1] if entered else "0")
            # the module was built with a valid group count: only the text is wrong
            error["layer"] = "0"
        else:
            try:
                model(x)
            except Exception as e:
                error = dict(type=type(e).__name__, message=str(e), layer=entered[-1])
    return text, dict(name=c["name"], input_shape=c["shape"], input_dtype=c["dtype"],
                      layers=layers, error=error,
                      warnings=[str(w.message) for w in caught],
                      expect_codes=c["expect_codes"], expect_unknown=c["expect_unknown"],
                      torch_version=torch.__version__.split("+")[0])


def main():
    os.makedirs(os.path.join(HERE, "models"), exist_ok=True)
    records = []
    for c in CASES:
        text, record = run_case(c)
        with open(os.path.join(HERE, "models", c["name"] + ".txt"), "w") as f:
            f.write(text + "\n")
        records.append(record)
        status = record["error"]["message"][:70] if record["error"] else "runs"
        print(f"{c['name']:40s} {status}")
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(records, f, indent=1)


if __name__ == "__main__":
    main()
