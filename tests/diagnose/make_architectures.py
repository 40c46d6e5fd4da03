#!/usr/bin/python3
"""Real architectures for the debugger: texts, PyTorch's own shapes, injected mistakes.

For each model (torchvision 0.14's classifiers, no weights, and models written here: a
GPT-style language model, a BERT-style encoder, a UNet with skip concatenations, a GAN
generator, an audio encoder), in training mode on a zero input of its real shape:
  architectures/<name>.txt   what print(model) prints
  architectures.json         per model: the input shape; every leaf module that ran (dotted
                             name, type, the input shapes of its calls, first output shape),
                             from forward hooks;
                             the exception PyTorch raised (type, first line, the innermost
                             module it was raised in) or null; the finding code a mutated copy
                             is about (written here, by the mistake injected, not from NormLab).
Mutated copies inject one mistake each into a real model: a BatchNorm2d with twice the
channels, a GroupNorm whose groups do not divide the channels, a LayerNorm over the wrong
size, an InstanceNorm2d(affine=False) of the wrong size (silent in 1.13), a BatchNorm1d on
[N, L, C] tokens. Run: /usr/bin/python3 tests/diagnose/make_architectures.py
"""
import json
import os
import warnings

import torch
import torch.nn as nn
import torchvision.models as tvm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "architectures")
warnings.simplefilter("ignore")
torch.manual_seed(0)


class GPTBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab=1000, ctx=64, d=128, layers=3, heads=4):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(ctx, d)
        self.drop = nn.Dropout(0.1)
        self.h = nn.ModuleList([GPTBlock(d, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        pos = torch.arange(idx.shape[1])
        x = self.drop(self.wte(idx) + self.wpe(pos))
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class BertEmbeddings(nn.Module):
    def __init__(self, vocab=1000, ctx=64, d=96):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, d)
        self.position_embeddings = nn.Embedding(ctx, d)
        self.token_type_embeddings = nn.Embedding(2, d)
        self.LayerNorm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).expand_as(ids)
        x = self.word_embeddings(ids) + self.position_embeddings(pos) + \
            self.token_type_embeddings(torch.zeros_like(ids))
        return self.dropout(self.LayerNorm(x))


class Bert(nn.Module):
    def __init__(self, d=96, layers=2, norm=None):
        super().__init__()
        self.embeddings = BertEmbeddings(d=d)
        layer = nn.TransformerEncoderLayer(d, 4, 4 * d, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.pooler = nn.Linear(d, d)

    def forward(self, ids):
        return self.pooler(self.encoder(self.embeddings(ids))[:, 0])


class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout, norm=nn.BatchNorm2d):
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1, bias=False), norm(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), norm(cout), nn.ReLU(inplace=True))


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cin // 2, 2, stride=2)
        self.conv = DoubleConv(cin, cout)

    def forward(self, x, skip):
        return self.conv(torch.cat([skip, self.up(x)], dim=1))


class UNet(nn.Module):
    def __init__(self, c=3, classes=2, w=16):
        super().__init__()
        self.inc = DoubleConv(c, w)
        self.down1 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(w, 2 * w))
        self.down2 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(2 * w, 4 * w))
        self.up1 = Up(4 * w, 2 * w)
        self.up2 = Up(2 * w, w)
        self.outc = nn.Conv2d(w, classes, 1)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        return self.outc(self.up2(self.up1(x3, x2), x1))


def generator(z=64, w=32):
    return nn.Sequential(
        nn.ConvTranspose2d(z, 4 * w, 4, 1, 0, bias=False), nn.BatchNorm2d(4 * w), nn.ReLU(True),
        nn.ConvTranspose2d(4 * w, 2 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(True),
        nn.ConvTranspose2d(2 * w, w, 4, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(True),
        nn.ConvTranspose2d(w, 3, 4, 2, 1, bias=False), nn.Tanh())


class ResConv1d(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv1d(c, c, 3, padding=1)
        self.norm1 = nn.GroupNorm(8, c)
        self.act = nn.SiLU()
        self.conv2 = nn.Conv1d(c, c, 3, padding=1)
        self.norm2 = nn.GroupNorm(8, c)

    def forward(self, x):
        return x + self.norm2(self.conv2(self.act(self.norm1(self.conv1(x)))))


class AudioEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.frontend = nn.Sequential(nn.Conv1d(1, 32, 10, stride=5), nn.BatchNorm1d(32), nn.GELU(),
                                      nn.Conv1d(32, 64, 3, stride=2), nn.BatchNorm1d(64), nn.GELU())
        self.blocks = nn.Sequential(ResConv1d(64), ResConv1d(64))
        self.proj = nn.Linear(64, 32)

    def forward(self, x):
        return self.proj(self.blocks(self.frontend(x)).transpose(1, 2))


def torchvision(name, **kw):
    return lambda: getattr(tvm, name)(**kw)


MODELS = [
    ("resnet18", torchvision("resnet18"), (2, 3, 224, 224), "float"),
    ("resnet50", torchvision("resnet50"), (2, 3, 224, 224), "float"),
    ("resnext50_32x4d", torchvision("resnext50_32x4d"), (2, 3, 224, 224), "float"),
    ("wide_resnet50_2", torchvision("wide_resnet50_2"), (2, 3, 224, 224), "float"),
    ("densenet121", torchvision("densenet121"), (2, 3, 224, 224), "float"),
    ("mobilenet_v2", torchvision("mobilenet_v2"), (2, 3, 224, 224), "float"),
    ("mobilenet_v3_small", torchvision("mobilenet_v3_small"), (2, 3, 224, 224), "float"),
    ("efficientnet_b0", torchvision("efficientnet_b0"), (2, 3, 224, 224), "float"),
    ("efficientnet_v2_s", torchvision("efficientnet_v2_s"), (2, 3, 224, 224), "float"),
    ("regnet_y_400mf", torchvision("regnet_y_400mf"), (2, 3, 224, 224), "float"),
    ("shufflenet_v2_x1_0", torchvision("shufflenet_v2_x1_0"), (2, 3, 224, 224), "float"),
    ("squeezenet1_0", torchvision("squeezenet1_0"), (2, 3, 224, 224), "float"),
    ("mnasnet0_5", torchvision("mnasnet0_5"), (2, 3, 224, 224), "float"),
    ("convnext_tiny", torchvision("convnext_tiny"), (2, 3, 224, 224), "float"),
    ("vit_b_16", torchvision("vit_b_16"), (2, 3, 224, 224), "float"),
    ("swin_t", torchvision("swin_t"), (2, 3, 224, 224), "float"),
    ("googlenet", torchvision("googlenet", aux_logits=False, init_weights=False), (2, 3, 224, 224), "float"),
    ("inception_v3", torchvision("inception_v3", aux_logits=False, init_weights=False), (2, 3, 299, 299), "float"),
    ("vgg11_bn", torchvision("vgg11_bn"), (2, 3, 224, 224), "float"),
    ("alexnet", torchvision("alexnet"), (2, 3, 224, 224), "float"),
    ("resnet18_batch1", torchvision("resnet18"), (1, 3, 224, 224), "float"),
    ("mobilenet_v3_small_batch1", torchvision("mobilenet_v3_small"), (1, 3, 224, 224), "float"),
    ("gpt_lm", GPT, (2, 64), "long"),
    ("bert_encoder", Bert, (2, 48), "long"),
    ("unet", UNet, (2, 3, 64, 64), "float"),
    ("dcgan_generator", generator, (2, 64, 1, 1), "float"),
    ("audio_encoder", AudioEncoder, (2, 1, 16000), "float"),
]


def first_of(model, kind):
    for name, m in model.named_modules():
        if type(m) is kind:
            return name, m
    return None, None


def replace(model, name, new):
    parent = model
    parts = name.split(".")
    for p in parts[:-1]:
        parent = getattr(parent, p)
    setattr(parent, parts[-1], new)


def wrong_batch_norm(model):
    name, m = first_of(model, nn.BatchNorm2d)
    if m is None:
        return None
    replace(model, name, nn.BatchNorm2d(2 * m.num_features))
    return name, "num_features_mismatch"


def wrong_group_norm(model):
    name, m = first_of(model, nn.GroupNorm)
    if m is None:
        return None
    c = m.num_channels
    groups = next(g for g in (3, 5, 7, 11) if c % g)  # does not divide the input's channels
    replace(model, name, nn.GroupNorm(groups, groups * (c // groups)))
    return name, "group_norm_divisibility"


def wrong_layer_norm(model):
    name, m = first_of(model, nn.LayerNorm)
    if m is None:
        return None
    replace(model, name, nn.LayerNorm(m.normalized_shape[-1] * 2))
    return name, "normalized_shape_mismatch"


def silent_instance_norm(model):
    name, m = first_of(model, nn.BatchNorm2d)
    if m is None:
        return None
    replace(model, name, nn.InstanceNorm2d(2 * m.num_features))
    return name, "num_features_mismatch"


def batch_norm_on_tokens(model):
    name, m = first_of(model, nn.LayerNorm)
    if m is None:
        return None
    replace(model, name, nn.BatchNorm1d(m.normalized_shape[-1]))
    return name, "batch_norm_channels_last"


MUTATIONS = [
    ("resnet18", "bn_channels", wrong_batch_norm),
    ("densenet121", "bn_channels", wrong_batch_norm),
    ("mobilenet_v2", "bn_channels", wrong_batch_norm),
    ("efficientnet_b0", "bn_channels", wrong_batch_norm),
    ("googlenet", "bn_channels", wrong_batch_norm),
    ("unet", "bn_channels", wrong_batch_norm),
    ("resnet18", "silent_instance_norm", silent_instance_norm),
    ("vgg11_bn", "silent_instance_norm", silent_instance_norm),
    ("audio_encoder", "group_norm_channels", wrong_group_norm),
    ("gpt_lm", "layer_norm_size", wrong_layer_norm),
    ("bert_encoder", "layer_norm_size", wrong_layer_norm),
    ("convnext_tiny", "layer_norm_size", wrong_layer_norm),
    ("gpt_lm", "batch_norm_on_tokens", batch_norm_on_tokens),
]


def run(model, shape, dtype):
    model.train()
    layers, stack, raised = {}, [], None
    handles = []
    for name, m in model.named_modules():
        if list(m.children()) and not isinstance(m, nn.MultiheadAttention):
            continue

        def pre(mod, inp, name=name):
            stack.append(name)

        def post(mod, inp, out, name=name):
            stack.pop()
            first = next((t for t in inp if torch.is_tensor(t)), None)
            o = out[0] if isinstance(out, tuple) else out
            shape = list(first.shape) if first is not None else None
            if name in layers:  # a module called again (one ReLU used three times)
                if shape not in layers[name]["input_shapes"]:
                    layers[name]["input_shapes"].append(shape)
                return
            layers[name] = {"type": type(mod).__name__, "input_shapes": [shape],
                            "output_shape": list(o.shape) if torch.is_tensor(o) else None}
        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    x = torch.zeros(shape, dtype=torch.long) if dtype == "long" else torch.randn(shape)
    try:
        model(x)
    except Exception as e:  # noqa: BLE001 -- recording PyTorch's exception is the point
        raised = {"type": type(e).__name__, "message": str(e).split("\n")[0],
                  "layer": stack[-1] if stack else ""}
    for h in handles:
        h.remove()
    return [dict(name=k, **v) for k, v in layers.items()], raised


def main():
    os.makedirs(OUT, exist_ok=True)
    builders = {name: (build, shape, dtype) for name, build, shape, dtype in MODELS}
    cases = []
    for name, build, shape, dtype in MODELS:
        model = build()
        layers, raised = run(model, shape, dtype)
        assert raised is None, (name, raised)
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(str(model) + "\n")
        cases.append(dict(name=name, input_shape=list(shape), layers=layers, error=None,
                          mistake=None))
    for base, label, mutate in MUTATIONS:
        build, shape, dtype = builders[base]
        model = build()
        layer, code = mutate(model)
        layers, raised = run(model, shape, dtype)
        name = f"{base}_{label}"
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(str(model) + "\n")
        cases.append(dict(name=name, input_shape=list(shape), layers=layers, error=raised,
                          mistake={"layer": layer, "code": code}))
    with open(os.path.join(HERE, "architectures.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=0)
        f.write("\n")
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
