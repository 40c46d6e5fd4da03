#!/usr/bin/python3
"""corpus2: model texts for `normlab-cli diagnose`, with PyTorch's own truth, and a held-out half.

For each model (torchvision 0.14's detection family, RAFT-small, two quantizable classifiers,
and architectures written in archs.py from their papers), in its natural mode (training,
detection models in eval), at batch 2 and batch 1:
  texts/<name>.txt        str(model), exactly
  corpus2.json            the input shapes; for every normalization module (isinstance of
                          _BatchNorm, _InstanceNorm, LayerNorm, GroupNorm, or a class name with
                          "Norm" in it, torchvision's *NormActivation conv blocks excepted) its
                          dotted name, class, which dims its check reads, and the shape of the
                          first tensor its forward received (every call listed when there are
                          several), from forward pre-hooks on every module; the modules never
                          called; the exception PyTorch raised, if any.
Mutations (texts/<name>__<mutation>.txt): a mistake in a block class (every instance of it),
two unrelated mistakes in one model, or an InstanceNorm2d(affine=False) of the wrong size.
Each mistake is also run ALONE, and at each of its layers alone, to record what PyTorch does
there: raises (type, first line), warns, or silent.
Variants (texts/<name>__<variant>.txt, texts/<name>__<mutation>__<variant>.txt): the text
wrapped in one more class (`wrapper`), one `(name): Sequential(` block cut out at column 0
(`fragment`), lines of a Sequential replaced by `... ...` (`elided`).
Models are split into two halves, `tuned` and `held_out`, alternating by sorted name.

Run: /usr/bin/python3 tests/diagnose/corpus2/make_corpus2.py   (about 2.5 minutes, 1 thread)
"""
import json
import os
import re
import sys
import time
import traceback
import warnings
from collections import defaultdict

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torchvision  # noqa: E402
from torch.nn.modules.batchnorm import _BatchNorm  # noqa: E402
from torch.nn.modules.instancenorm import _InstanceNorm  # noqa: E402
from torchvision.models import detection as D  # noqa: E402
from torchvision.models import optical_flow as OF  # noqa: E402
from torchvision.models import quantization as Q  # noqa: E402
from torchvision.ops.misc import FrozenBatchNorm2d  # noqa: E402

import archs as A  # noqa: E402

torch.set_num_threads(1)
TEXTS = os.path.join(HERE, "texts")
BATCHES = (2, 1)


# --------------------------------------------------------------------------------------
# normalization modules
# --------------------------------------------------------------------------------------
def is_norm(m):
    if isinstance(m, (_BatchNorm, _InstanceNorm, nn.LayerNorm, nn.GroupNorm)):
        return True
    name = type(m).__name__
    return "Norm" in name and not name.endswith("NormActivation")


def norm_check(m):
    """Which dims of the received tensor the layer's check reads."""
    if hasattr(m, "norm_check"):
        return m.norm_check
    if isinstance(m, nn.LayerNorm):
        if type(m).forward is nn.LayerNorm.forward:
            return "trailing:%d" % len(m.normalized_shape)
        return "channel"  # torchvision's LayerNorm2d permutes NCHW itself
    return "channel"


def norm_size(m):
    if isinstance(m, (_BatchNorm, _InstanceNorm, FrozenBatchNorm2d)):
        return m.num_features if hasattr(m, "num_features") else m.weight.shape[0]
    if isinstance(m, nn.GroupNorm):
        return m.num_channels
    if isinstance(m, nn.LayerNorm):
        s = tuple(m.normalized_shape)
        return s[0] if len(s) == 1 else s
    if isinstance(m, (A.LayerNorm2d, A.RMSNorm, A.LayerNorm)):
        return m.weight.shape[0]
    raise TypeError(type(m).__name__)


def renorm(m, n):
    """The same layer, configured as before, built for size n."""
    if isinstance(m, FrozenBatchNorm2d):
        return FrozenBatchNorm2d(n, eps=m.eps)
    if isinstance(m, (_BatchNorm, _InstanceNorm)):
        return type(m)(n, eps=m.eps, momentum=m.momentum, affine=m.affine,
                       track_running_stats=m.track_running_stats)
    if isinstance(m, nn.GroupNorm):
        return nn.GroupNorm(m.num_groups, n, eps=m.eps, affine=m.affine)
    if isinstance(m, nn.LayerNorm):
        return type(m)(n, eps=m.eps, elementwise_affine=m.elementwise_affine)
    if isinstance(m, A.LayerNorm2d):
        return A.LayerNorm2d(n, eps=m.eps)
    if isinstance(m, A.RMSNorm):
        return A.RMSNorm(n, eps=m.eps)
    raise TypeError(type(m).__name__)


# --------------------------------------------------------------------------------------
# running a model with hooks on every module
# --------------------------------------------------------------------------------------
def first_line(msg):
    msg = str(msg).strip()
    return msg.splitlines()[0] if msg else ""


def run(model, args, kwargs):
    names = {}
    for n, mod in model.named_modules():
        names.setdefault(id(mod), n)
    calls = defaultdict(list)
    stack = []
    handles = []

    def pre(mod, inp):
        n = names[id(mod)]
        stack.append(n)
        # the first positional argument's shape (None when it is not a tensor: a list of maps, ...)
        calls[n].append(list(inp[0].shape) if inp and torch.is_tensor(inp[0]) else None)

    def post(mod, inp, out):
        stack.pop()

    for n, mod in model.named_modules():
        handles.append(mod.register_forward_pre_hook(pre))
        handles.append(mod.register_forward_hook(post))
    raised = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.manual_seed(1)
        try:
            with torch.no_grad():
                model(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 -- what PyTorch raised is the record
            raised = {"exception": type(e).__name__, "message": first_line(e),
                      "raised_in": stack[-1] if stack else None}
    for h in handles:
        h.remove()
    warns = []
    for w in caught:
        s = "%s: %s" % (w.category.__name__, first_line(w.message))
        if s not in warns:
            warns.append(s)
    return dict(calls), raised, warns


def swap(model, old, new):
    """Replace every reference to module `old` in the tree (a module may be registered twice)."""
    done = 0
    for mod in list(model.modules()):
        for k, v in list(mod._modules.items()):
            if v is old:
                mod._modules[k] = new
                done += 1
    assert done, "module not found"


class Patched:
    """Apply {name: new_module} for the duration of a with-block."""

    def __init__(self, model, changes):
        self.model, self.changes, self.undo = model, changes, []

    def __enter__(self):
        for name, new in self.changes.items():
            old = self.model.get_submodule(name)
            new.train(old.training)
            swap(self.model, old, new)
            self.undo.append((old, new))
        return self.model

    def __exit__(self, *exc):
        for old, new in reversed(self.undo):
            swap(self.model, new, old)
        return False


# --------------------------------------------------------------------------------------
# reading str(model) back: each module's lines
# --------------------------------------------------------------------------------------
ENTRY = re.compile(r"^( *)\(([^()]+)\): ([A-Za-z_][\w.]*)\((.*)$")


def parse_tree(text):
    """{dotted name: (first line, last line, indent, type)} for every module printed."""
    lines = text.split("\n")
    out = {"": (0, len(lines) - 1, 0, lines[0].split("(")[0])}
    stack = [""]
    for i, line in enumerate(lines[1:], 1):
        s = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if s == ")":
            name = stack.pop()
            if name:
                a, _, ind, typ = out[name]
                out[name] = (a, i, ind, typ)
            continue
        m = ENTRY.match(line)
        if not m:
            continue
        key, typ, rest = m.group(2), m.group(3), m.group(4)
        full = key if stack[-1] == "" else stack[-1] + "." + key
        if full in out:  # printed twice (a module registered under two names): keep the first
            full = full + "#dup%d" % i
        if rest == "":
            out[full] = (i, None, indent, typ)
            stack.append(full)
        else:
            out[full] = (i, i, indent, typ)
    return out


def children_of(tree, name):
    pre = name + "." if name else ""
    kids = [n for n in tree if n.startswith(pre) and n != name and "." not in n[len(pre):] and "#" not in n]
    return sorted(kids, key=lambda n: tree[n][0])


def inside(name, block):
    return block == "" or name == block or name.startswith(block + ".")


# --------------------------------------------------------------------------------------
# mistakes
# --------------------------------------------------------------------------------------
def each(cls_name, attr):
    """targets: `attr` of every instance of class cls_name (a class-level mistake)."""
    def targets(model):
        out = []
        for n, m in model.named_modules():
            if type(m).__name__ == cls_name:
                a = attr(m) if callable(attr) else attr
                t = n + "." + a if n and a else a
                if a is not None and is_norm(model.get_submodule(t)):
                    out.append(t)
        return out
    return targets


def names(*ns):
    return lambda model: list(ns)


def resize(fn):
    """make: the same norm built for fn(size) (None when that is its size already)."""
    def make(old):
        n = fn(norm_size(old))
        return None if n == norm_size(old) else renorm(old, n)
    return make


def replace(fn):
    return lambda old: fn(old)


def mistake(mid, kind, description, targets, make):
    return {"id": mid, "kind": kind, "description": description, "targets": targets, "make": make}


half = resize(lambda n: n // 2)
double = resize(lambda n: 2 * n)


def to(n):
    return resize(lambda _: n)


def instnorm(n, affine=False):
    return replace(lambda old: nn.InstanceNorm2d(n, affine=affine, track_running_stats=False))


# --------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------
def images(b, c=3, h=224, w=224):
    return lambda: ((torch.rand(b, c, h, w),), {})


def det_images(b):
    return ([torch.rand(3, 224, 224) for _ in range(b)],), {}


def freeze_bn(module):
    """What the detection builders build once a backbone is pretrained: FrozenBatchNorm2d."""
    for name, child in list(module.named_children()):
        if isinstance(child, nn.BatchNorm2d):
            setattr(module, name, FrozenBatchNorm2d(child.num_features, eps=child.eps))
        else:
            freeze_bn(child)
    return module


DET_SMALL = dict(rpn_pre_nms_top_n_test=50, rpn_post_nms_top_n_test=20, box_detections_per_img=5)
DET_NOTE = ("input is a list of B images 3x224x224; GeneralizedRCNNTransform resizes and batches them "
            "before the backbone; the text-level input given to normlab is the batched B,3,224,224")


def build_rcnn(fn, frozen=True, **kw):
    def build():
        m = fn(weights=None, weights_backbone=None, **kw)
        if frozen:
            freeze_bn(m.backbone.body)
        return m
    return build


def mb_project(m):
    """torchvision InvertedResidual: the projection's BatchNorm (last Conv2dNormActivation)."""
    return "block.%d.1" % (len(m.block) - 1)


def qmb_last_bn(m):
    return "conv.%d" % (len(m.conv) - 1)


SPECS = {}


def spec(name, source, build, inputs, mode="train", tool_input=None, note=None, mutations=None):
    SPECS[name] = dict(name=name, source=source, build=build, inputs=inputs, mode=mode,
                       tool_input=tool_input, note=note, mutations=mutations or {})


# ---- torchvision: detection, optical flow, quantizable classifiers --------------------
spec("maskrcnn_resnet50_fpn",
     "torchvision.models.detection.maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, min_size=224, "
     "max_size=224), backbone.body BatchNorm2d -> FrozenBatchNorm2d as with a pretrained backbone",
     build_rcnn(D.maskrcnn_resnet50_fpn, min_size=224, max_size=224, **DET_SMALL), det_images, mode="eval",
     tool_input=lambda b: [b, 3, 224, 224], note=DET_NOTE,
     mutations={
         "bottleneck_bn2_half": [mistake("bottleneck_bn2_half", "class",
                                         "every Bottleneck's bn2 (FrozenBatchNorm2d) built for half its width",
                                         each("Bottleneck", "bn2"), half)],
         "two_mistakes": [
             mistake("downsample_bn_in", "single", "layer3.0.downsample.1 built for the block's input (512)",
                     names("backbone.body.layer3.0.downsample.1"), to(512)),
             mistake("layer1_bn3_planes", "single", "layer1.2.bn3 built for the bottleneck width (64)",
                     names("backbone.body.layer1.2.bn3"), to(64))],
         "instnorm_silent": [mistake("instnorm_silent", "instnorm",
                                     "layer2.1.bn2 replaced by InstanceNorm2d(256, affine=False) (gets 128)",
                                     names("backbone.body.layer2.1.bn2"), instnorm(256))],
     })
spec("keypointrcnn_resnet50_fpn",
     "torchvision.models.detection.keypointrcnn_resnet50_fpn(weights=None, weights_backbone=None, min_size=224, "
     "max_size=224), backbone.body BatchNorm2d -> FrozenBatchNorm2d as with a pretrained backbone",
     build_rcnn(D.keypointrcnn_resnet50_fpn, min_size=224, max_size=224, **DET_SMALL), det_images, mode="eval",
     tool_input=lambda b: [b, 3, 224, 224], note=DET_NOTE,
     mutations={
         "two_mistakes": [
             mistake("stem_bn_double", "single", "backbone.body.bn1 built for 128", names("backbone.body.bn1"),
                     to(128)),
             mistake("layer4_bn1_in", "single", "layer4.0.bn1 built for the block's input (1024)",
                     names("backbone.body.layer4.0.bn1"), to(1024))],
     })
spec("retinanet_resnet50_fpn",
     "torchvision.models.detection.retinanet_resnet50_fpn(weights=None, weights_backbone=None, min_size=224, "
     "max_size=224), backbone.body BatchNorm2d -> FrozenBatchNorm2d as with a pretrained backbone",
     build_rcnn(D.retinanet_resnet50_fpn, min_size=224, max_size=224, detections_per_img=5, topk_candidates=50),
     det_images, mode="eval", tool_input=lambda b: [b, 3, 224, 224], note=DET_NOTE,
     mutations={
         "bottleneck_bn3_planes": [mistake("bottleneck_bn3_planes", "class",
                                           "every Bottleneck's bn3 built for planes instead of planes*4",
                                           each("Bottleneck", "bn3"), resize(lambda n: n // 4))],
         "two_mistakes": [
             mistake("downsample_bn_in", "single", "layer2.0.downsample.1 built for the block's input (256)",
                     names("backbone.body.layer2.0.downsample.1"), to(256)),
             mistake("layer4_bn2_out", "single", "layer4.2.bn2 built for the block's output (2048)",
                     names("backbone.body.layer4.2.bn2"), to(2048))],
     })
spec("fcos_resnet50_fpn",
     "torchvision.models.detection.fcos_resnet50_fpn(weights=None, weights_backbone=None, min_size=224, "
     "max_size=224) (BatchNorm2d, as built without weights)",
     build_rcnn(D.fcos_resnet50_fpn, frozen=False, min_size=224, max_size=224, detections_per_img=5,
                topk_candidates=50),
     det_images, mode="eval", tool_input=lambda b: [b, 3, 224, 224], note=DET_NOTE,
     mutations={
         "head_gn_half": [mistake("head_gn_half", "class",
                                  "every GroupNorm of the FCOS head towers built for 128 channels",
                                  lambda m: [n for n, x in m.named_modules()
                                             if isinstance(x, nn.GroupNorm) and n.startswith("head.")],
                                  to(128))],
         "two_mistakes": [
             mistake("stem_bn_half", "single", "backbone.body.bn1 built for 32", names("backbone.body.bn1"), to(32)),
             mistake("reg_gn_double", "single", "head.regression_head.conv.7 GroupNorm built for 512",
                     names("head.regression_head.conv.7"), to(512))],
     })
spec("fasterrcnn_mobilenet_v3_large_320_fpn",
     "torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None) "
     "(min_size 320), backbone.body BatchNorm2d -> FrozenBatchNorm2d as with a pretrained backbone",
     build_rcnn(D.fasterrcnn_mobilenet_v3_large_320_fpn, **DET_SMALL), det_images, mode="eval",
     tool_input=lambda b: [b, 3, 224, 224],
     note=DET_NOTE + " (this model resizes to 320 before its backbone)",
     mutations={
         "project_bn_hidden": [mistake("project_bn_hidden", "class",
                                       "every InvertedResidual's projection BN built for the expanded width",
                                       each("InvertedResidual", mb_project), None)],
         "two_mistakes": [
             mistake("stem_bn_double", "single", "backbone.body.0.1 built for 32", names("backbone.body.0.1"),
                     to(32)),
             mistake("dw_bn_out", "single", "backbone.body.13.block.1.1 built for the block's output (160)",
                     names("backbone.body.13.block.1.1"), to(160))],
     })
spec("ssdlite320_mobilenet_v3_large",
     "torchvision.models.detection.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None)",
     lambda: D.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, detections_per_img=5,
                                              topk_candidates=50),
     det_images, mode="eval", tool_input=lambda b: [b, 3, 224, 224],
     note=DET_NOTE + " (this model resizes to 320x320 before its backbone)",
     mutations={
         "two_mistakes": [
             mistake("stem_bn_double", "single", "backbone.features.0.0.1 built for 32",
                     names("backbone.features.0.0.1"), to(32)),
             mistake("cls_head_bn_half", "single", "head.classification_head.module_list.1.0.1 built for half",
                     names("head.classification_head.module_list.1.0.1"), half)],
     })
spec("raft_small",
     "torchvision.models.optical_flow.raft_small(weights=None), forward(img1, img2, num_flow_updates=3)",
     lambda: OF.raft_small(weights=None),
     lambda b: ((torch.rand(b, 3, 128, 128), torch.rand(b, 3, 128, 128)), {"num_flow_updates": 3}),
     tool_input=lambda b: [b, 3, 128, 128],
     note="input is two images Bx3x128x128; the feature encoder gets both, concatenated on the batch dim",
     mutations={
         "bottleneck_norm3_half": [mistake("bottleneck_norm3_half", "class",
                                           "every BottleneckBlock's third InstanceNorm2d (affine=False) built "
                                           "for half its width",
                                           each("BottleneckBlock", "convnormrelu3.1"), half)],
         "two_mistakes": [
             mistake("stem_in_double", "single", "feature_encoder.convnormrelu.1 InstanceNorm2d built for 64",
                     names("feature_encoder.convnormrelu.1"), to(64)),
             mistake("downsample_in_affine", "single",
                     "feature_encoder.layer2.0.downsample.1 replaced by InstanceNorm2d(32, affine=True)",
                     names("feature_encoder.layer2.0.downsample.1"), instnorm(32, affine=True))],
     })
spec("quant_mobilenet_v2", "torchvision.models.quantization.mobilenet_v2(weights=None, quantize=False)",
     lambda: Q.mobilenet_v2(weights=None, quantize=False), lambda b: images(b)(),
     mutations={
         "project_bn_hidden": [mistake("project_bn_hidden", "class",
                                       "every QuantizableInvertedResidual's last BatchNorm2d built for the "
                                       "hidden width",
                                       each("QuantizableInvertedResidual", qmb_last_bn), None)],
         "two_mistakes": [
             mistake("stem_bn_in", "single", "features.0.1 built for 3", names("features.0.1"), to(3)),
             mistake("head_bn_half", "single", "features.18.1 built for 640", names("features.18.1"), to(640))],
     })
spec("quant_resnet18", "torchvision.models.quantization.resnet18(weights=None, quantize=False)",
     lambda: Q.resnet18(weights=None, quantize=False), lambda b: images(b)(),
     mutations={
         "basicblock_bn2_half": [mistake("basicblock_bn2_half", "class",
                                         "every QuantizableBasicBlock's bn2 built for half its width",
                                         each("QuantizableBasicBlock", "bn2"), half)],
         "instnorm_silent": [mistake("instnorm_silent", "instnorm",
                                     "layer2.0.bn1 replaced by InstanceNorm2d(64, affine=False) (gets 128)",
                                     names("layer2.0.bn1"), instnorm(64))],
     })

# ---- written here (archs.py) ---------------------------------------------------------
spec("hrnet_small", "archs.HRNetSmall: HRNet (Wang et al. 2019), stem, layer1, two multi-branch stages",
     A.HRNetSmall, lambda b: images(b, 3, 64, 64)(),
     mutations={
         "basicblock_bn2_half": [mistake("basicblock_bn2_half", "class", "every BasicBlock's bn2 built for half",
                                         each("BasicBlock", "bn2"), half)],
         "two_mistakes": [
             mistake("fuse_bn_src", "single",
                     "stage2.0.fuse_layers.1.0.0.1 (16 -> 32 down-sampling fuse) built for the source width 16",
                     names("stage2.0.fuse_layers.1.0.0.1"), to(16)),
             mistake("head_bn_double", "single", "last_layer.1 built for 224", names("last_layer.1"), to(224))],
         "instnorm_silent": [mistake("instnorm_silent", "instnorm",
                                     "transition1.0.1 replaced by InstanceNorm2d(32, affine=False) (gets 16)",
                                     names("transition1.0.1"), instnorm(32))],
     })
spec("unet_plusplus", "archs.NestedUNet: U-Net++ (Zhou et al. 2018), deep supervision", A.NestedUNet,
     lambda b: images(b, 3, 32, 32)(),
     mutations={
         "vggblock_bn2_double": [mistake("vggblock_bn2_double", "class",
                                         "every VGGBlock's second BatchNorm2d built for twice its width",
                                         each("VGGBlock", "block.4"), double)],
         "two_mistakes": [
             mistake("conv2_1_bn1_in", "single", "conv2_1.block.1 built for the concatenated input (192)",
                     names("conv2_1.block.1"), to(192)),
             mistake("conv0_3_bn2_double", "single", "conv0_3.block.4 built for 32", names("conv0_3.block.4"),
                     to(32))],
     })
spec("yolo_pan", "archs.YoloPAN: YOLOv5-style CSP backbone + SPPF + PAN neck; one nn.Sequential routed by `f` "
     "(not run in printed order)", A.YoloPAN, lambda b: images(b, 3, 64, 64)(),
     mutations={
         "bottleneck_cv2_half": [mistake("bottleneck_cv2_half", "class",
                                         "every YoloBottleneck's cv2.bn built for half", each("YoloBottleneck",
                                                                                               "cv2.bn"), half)],
         "two_mistakes": [
             mistake("lateral_bn_in", "single", "model.8.bn built for its input (128)", names("model.8.bn"),
                     to(128)),
             mistake("pan_c3_bn_double", "single", "model.18.cv3.bn built for 128", names("model.18.cv3.bn"),
                     to(128))],
     })
spec("dit", "archs.DiT: Diffusion Transformer (Peebles & Xie 2023), adaLN-Zero blocks", A.DiT,
     lambda b: ((torch.randn(b, 4, 16, 16), torch.randint(0, 1000, (b,)), torch.randint(0, 10, (b,))), {}),
     note="forward(x, t, y): x is the input given to normlab; t, y are [B] integer tensors",
     mutations={
         "block_norm2_double": [mistake("block_norm2_double", "class", "every DiTBlock's norm2 built for 2*hidden",
                                        each("DiTBlock", "norm2"), double)],
         "two_mistakes": [
             mistake("final_norm_half", "single", "final_layer.norm_final built for 32",
                     names("final_layer.norm_final"), half),
             mistake("block2_norm1_mlp", "single", "blocks.2.norm1 built for the MLP width (256)",
                     names("blocks.2.norm1"), to(256))],
     })
spec("mae", "archs.MaskedAutoencoderViT: MAE (He et al. 2022), 75% masking, light decoder",
     A.MaskedAutoencoderViT, lambda b: images(b, 3, 32, 32)(),
     mutations={
         "block_norm2_double": [mistake("block_norm2_double", "class",
                                        "every Block's norm2 built for twice its width (encoder and decoder)",
                                        each("Block", "norm2"), double)],
         "two_mistakes": [
             mistake("decoder_norm_enc", "single", "decoder_norm built for the encoder width (64)",
                     names("decoder_norm"), to(64)),
             mistake("bn_on_tokens", "single", "blocks.0.norm1 replaced by BatchNorm1d(64) (gets [N, L, C] tokens)",
                     names("blocks.0.norm1"), replace(lambda old: nn.BatchNorm1d(64)))],
     })
spec("esrgan", "archs.ESRGAN: RRDB generator (Wang et al. 2018, no BN) feeding a VGG-style BN discriminator",
     A.ESRGAN, lambda b: images(b, 3, 16, 16)(),
     mutations={
         "dblock_bn1_half": [mistake("dblock_bn1_half", "class", "every DBlock's bn1 built for half",
                                     each("DBlock", "bn1"), half)],
         "two_mistakes": [
             mistake("d_bn0_double", "single", "netD.bn0_1 built for 32", names("netD.bn0_1"), to(32)),
             mistake("d_block3_bn0_in", "single", "netD.features.3.bn0 built for 256",
                     names("netD.features.3.bn0"), to(256))],
     })
spec("vqvae", "archs.VQModel: VQ-VAE (van den Oord et al. 2017) with taming-transformers' encoder/decoder",
     A.VQModel, lambda b: images(b, 3, 32, 32)(),
     mutations={
         "resblock_norm2_double": [mistake("resblock_norm2_double", "class",
                                           "every ResnetBlock's norm2 built for twice its width",
                                           each("ResnetBlock", "norm2"), double)],
         "two_mistakes": [
             mistake("attn_norm_half", "single", "encoder.mid.attn_1.norm built for 32",
                     names("encoder.mid.attn_1.norm"), half),
             mistake("dec_norm_out_in", "single", "decoder.norm_out built for the mid width (64)",
                     names("decoder.norm_out"), to(64))],
     })
spec("biggan", "archs.BigGANGenerator: BigGAN (Brock et al. 2019) G blocks with conditional BatchNorm",
     A.BigGANGenerator, lambda b: ((torch.randn(b, 32), torch.randint(0, 10, (b,))), {}),
     note="forward(z, y): z [B, 32] is the input given to normlab; y is a [B] integer tensor",
     mutations={
         "cbn_bn_half": [mistake("cbn_bn_half", "class",
                                 "every ConditionalBatchNorm2d's bn (affine=False) built for half",
                                 each("ConditionalBatchNorm2d", "bn"), half)],
         "two_mistakes": [
             mistake("out_bn_double", "single", "output_layer.0 built for 32", names("output_layer.0"), to(32)),
             mistake("block2_bn2_in", "single", "blocks.2.bn2.bn built for the block's input (32)",
                     names("blocks.2.bn2.bn"), to(32))],
     })
spec("nafnet", "archs.NAFNet: NAFNet (Chen et al. 2022), LayerNorm2d that permutes", A.NAFNet,
     lambda b: images(b, 3, 32, 32)(),
     mutations={
         "nafblock_norm2_double": [mistake("nafblock_norm2_double", "class",
                                           "every NAFBlock's norm2 built for twice its width",
                                           each("NAFBlock", "norm2"), double)],
         "two_mistakes": [
             mistake("enc0_norm1_double", "single", "encoders.0.0.norm1 built for 32", names("encoders.0.0.norm1"),
                     to(32)),
             mistake("dec1_norm2_double", "single", "decoders.1.0.norm2 built for 32", names("decoders.1.0.norm2"),
                     to(32))],
         "instnorm_silent": [mistake("instnorm_silent", "instnorm",
                                     "middle_blks.0.norm1 replaced by InstanceNorm2d(32, affine=False) (gets 64)",
                                     names("middle_blks.0.norm1"), instnorm(32))],
     })
spec("perceiver", "archs.Perceiver: Perceiver (Jaegle et al. 2021), latents cross-attending to pixels",
     A.Perceiver, lambda b: images(b, 3, 16, 16)(),
     mutations={
         "prenorm_norm_double": [mistake("prenorm_norm_double", "class", "every PreNorm's norm built for 2*dim",
                                         each("PreNorm", "norm"), double)],
         "two_mistakes": [
             mistake("context_norm_latent", "single",
                     "layers.0.0.norm_context built for the latent width (64), not the input's 21",
                     names("layers.0.0.norm_context"), to(64)),
             mistake("logits_norm_half", "single", "to_logits.1 built for 32", names("to_logits.1"), to(32))],
     })
spec("timesformer", "archs.TimeSformer: TimeSformer (Bertasius et al. 2021), divided space-time attention",
     A.TimeSformer, lambda b: ((torch.randn(b, 3, 4, 32, 32),), {}),
     mutations={
         "temporal_norm_double": [mistake("temporal_norm_double", "class",
                                          "every TimeSformerBlock's temporal_norm1 built for 2*dim",
                                          each("TimeSformerBlock", "temporal_norm1"), double)],
         "two_mistakes": [
             mistake("final_norm_half", "single", "norm built for 32", names("norm"), half),
             mistake("bn_on_tokens", "single", "blocks.1.norm2 replaced by BatchNorm1d(64) (gets [B, 65, 64])",
                     names("blocks.1.norm2"), replace(lambda old: nn.BatchNorm1d(64)))],
     })
spec("convnext_like", "archs.ConvNeXtLike: ConvNeXt (Liu et al. 2022), channels-last LayerNorm in each block, "
     "the reference LayerNorm class (printed `LayerNorm()`) for down-sampling", A.ConvNeXtLike,
     lambda b: images(b, 3, 64, 64)(),
     mutations={
         "block_norm_mlp": [mistake("block_norm_mlp", "class", "every ConvNeXtBlock's norm built for 4*dim",
                                    each("ConvNeXtBlock", "norm"), resize(lambda n: 4 * n))],
         "two_mistakes": [
             mistake("head_norm_first", "single", "norm built for the first stage's width (16)", names("norm"),
                     to(16)),
             mistake("bn2d_channels_last", "single",
                     "stages.1.0.norm replaced by BatchNorm2d(32) (gets channels-last [N, H, W, C])",
                     names("stages.1.0.norm"), replace(lambda old: nn.BatchNorm2d(32)))],
     })
spec("conformer", "archs.Conformer: Conformer (Gulati et al. 2020), conv module with transposes",
     A.Conformer, lambda b: ((torch.randn(b, 64, 40),), {}),
     mutations={
         "convmodule_bn_double": [mistake("convmodule_bn_double", "class",
                                          "every ConformerConvModule's batch_norm built for 2*dim (the GLU input)",
                                          each("ConformerConvModule", "batch_norm"), double)],
         "two_mistakes": [
             mistake("bn_before_transpose", "single",
                     "layers.0.sequential.2.module.layer_norm replaced by BatchNorm1d(32) (gets [B, T, C])",
                     names("layers.0.sequential.2.module.layer_norm"), replace(lambda old: nn.BatchNorm1d(32))),
             mistake("final_ln_feats", "single", "layers.1.sequential.4 built for the 40 input features",
                     names("layers.1.sequential.4"), to(40))],
     })
spec("wavenet_tcn", "archs.WaveNetTCN: TCN (Bai et al. 2018) with GroupNorm, layers registered twice as in "
     "the reference code, then a WaveNet-style gated residual/skip stack", A.WaveNetTCN,
     lambda b: ((torch.randn(b, 8, 128),), {}),
     mutations={
         "tblock_norm2_double": [mistake("tblock_norm2_double", "class",
                                         "every TemporalBlock's norm2 built for twice its width",
                                         each("TemporalBlock", "norm2"), double)],
         "two_mistakes": [
             mistake("tcn0_norm1_double", "single", "tcn.network.0.norm1 built for 32",
                     names("tcn.network.0.norm1"), to(32)),
             mistake("post_gn_double", "single", "post.2 built for 64", names("post.2"), to(64))],
     })
spec("se_resnext", "archs.SEResNeXt: SE-ResNeXt (Hu et al. 2018) in Cadene's SENet layout, with MAE's "
     "linear-probing head (BatchNorm1d(affine=False) before the classifier)", A.SEResNeXt,
     lambda b: images(b, 3, 64, 64)(),
     mutations={
         "bottleneck_bn3_planes": [mistake("bottleneck_bn3_planes", "class",
                                           "every SEResNeXtBottleneck's bn3 built for planes, not planes*4",
                                           each("SEResNeXtBottleneck", "bn3"), resize(lambda n: n // 4))],
         "two_mistakes": [
             mistake("stem_bn_double", "single", "layer0.bn1 built for 64", names("layer0.bn1"), to(64)),
             mistake("downsample_bn_in", "single", "layer2.0.downsample.1 built for its input (64)",
                     names("layer2.0.downsample.1"), to(64))],
         "instnorm_silent": [mistake("instnorm_silent", "instnorm",
                                     "layer1.0.bn2 replaced by InstanceNorm2d(16, affine=False) (gets 8)",
                                     names("layer1.0.bn2"), instnorm(16))],
     })
spec("cyclegan_resnet_generator", "archs.ResnetGenerator: CycleGAN/pix2pix ResNet generator (Zhu et al. 2017), "
     "InstanceNorm2d(affine=False)", A.ResnetGenerator, lambda b: images(b, 3, 64, 64)(),
     mutations={
         "resblock_in2_double": [mistake("resblock_in2_double", "class",
                                         "every CycleResnetBlock's second InstanceNorm2d built for 2*dim",
                                         each("CycleResnetBlock", "conv_block.6"), double)],
         "two_mistakes": [
             mistake("down_in_input", "single", "model.5 built for the input channels (16)", names("model.5"),
                     to(16)),
             mistake("first_in_affine", "single", "model.2 replaced by InstanceNorm2d(32, affine=True)",
                     names("model.2"), instnorm(32, affine=True))],
         "instnorm_silent": [mistake("instnorm_silent", "instnorm", "model.17 built for 64 (gets 32)",
                                     names("model.17"), to(64))],
     })
spec("pix2pix_unet", "archs.Pix2Pix: pix2pix (Isola et al. 2017) recursive U-Net generator and PatchGAN "
     "discriminator, BatchNorm2d", A.Pix2Pix, lambda b: images(b, 3, 32, 32)(),
     mutations={
         "upnorm_inner": [mistake("upnorm_inner", "class",
                                  "every UnetSkipConnectionBlock's upnorm built for inner_nc, not outer_nc",
                                  each("UnetSkipConnectionBlock",
                                       lambda m: None if m.outermost else "model.%d" % (len(m.model) - 1)),
                                  None)],
         "two_mistakes": [
             mistake("d_bn_prev", "single", "netD.model.6 built for the previous width (16)",
                     names("netD.model.6"), to(16)),
             mistake("g_downnorm_outer", "single", "netG.model.model.1.model.2 built for outer_nc (8)",
                     names("netG.model.model.1.model.2"), to(8))],
     })
spec("llama_rmsnorm", "archs.LlamaLM: LLaMA-style decoder (Touvron et al. 2023), a user's RMSNorm class "
     "printed like PyTorch 2.4's nn.RMSNorm", A.LlamaLM, lambda b: ((torch.randint(0, 256, (b, 16)),), {}),
     note="input is [B, 16] token ids",
     mutations={
         "ffn_norm_hidden": [mistake("ffn_norm_hidden", "class",
                                     "every TransformerBlock's ffn_norm built for the FFN width (172)",
                                     each("TransformerBlock", "ffn_norm"), to(172))],
     })
spec("wgan_gp_critic", "archs.WGANCritic: WGAN-GP critic (Gulrajani et al. 2017), LayerNorm over [C, H, W]",
     A.WGANCritic, lambda b: images(b, 3, 32, 32)(),
     mutations={
         "criticblock_ln_prestride": [mistake("criticblock_ln_prestride", "class",
                                              "every CriticBlock's LayerNorm built for the size before the stride",
                                              each("CriticBlock", "main.1"),
                                              resize(lambda s: (s[0], 2 * s[1], 2 * s[2])))],
     })


def special_make(spec_name, mk, model, target):
    """The wrong layer for `target`; sizes that depend on the module's neighbours (the width the mistake
    confuses it with) are read from them. None when the mistake leaves this instance as it was."""
    if mk["make"] is not None:
        return mk["make"](model.get_submodule(target))
    old = model.get_submodule(target)
    parent, last = target.rsplit(".", 1)
    if mk["id"] == "project_bn_hidden" and spec_name == "fasterrcnn_mobilenet_v3_large_320_fpn":
        n = model.get_submodule(parent)[0].in_channels  # Conv2dNormActivation's conv: the expanded width
    elif mk["id"] == "project_bn_hidden":
        n = model.get_submodule("%s.%d" % (parent, int(last) - 1)).in_channels  # the projection conv's input
    elif mk["id"] == "upnorm_inner":
        n = model.get_submodule(target.rsplit(".", 2)[0]).model[1].out_channels  # the down-conv's: inner_nc
    else:
        raise KeyError(mk["id"])
    return None if n == norm_size(old) else renorm(old, n)


# --------------------------------------------------------------------------------------
# truth
# --------------------------------------------------------------------------------------
def set_mode(model, mode):
    model.train(mode == "train")


def outcome(res, clean, layers):
    """What PyTorch did on this run, against the clean run at the same batch."""
    calls, raised, warns = res
    _, craised, cwarns = clean
    if raised is not None and raised != craised:
        return dict(action="raises", **raised)
    new = [w for w in warns if w not in cwarns]
    if new:
        return {"action": "warns", "warning": new[0]}
    if not any(l in calls for l in layers):
        return {"action": "unreached", "note": "the clean model raises first, at %s" % (raised or {}).get("raised_in")}
    return {"action": "silent"}


def build(s):
    torch.manual_seed(0)
    m = s["build"]()
    set_mode(m, s["mode"])
    return m


def process(s):
    t0 = time.time()
    name = s["name"]
    model = build(s)
    text = str(model)
    tree = parse_tree(text)
    printed = {n for n in tree if "#" not in n}
    named = {n for n, _ in model.named_modules()}
    notes = []
    if named - printed:
        notes.append("modules not found in the text: %s" % sorted(named - printed)[:5])
    extra = printed - named
    if extra:
        notes.append("%d modules printed under a second name (registered twice; named_modules keeps the "
                     "first), e.g. %s" % (len(extra), sorted(extra)[0]))
    inputs = {}
    for b in BATCHES:
        torch.manual_seed(1)
        inputs[b] = s["inputs"](b)
    clean, eval_calls = {}, {}
    for b in BATCHES:
        clean[b] = run(model, *inputs[b])
        if clean[b][1] is not None and s["mode"] == "train":
            model.eval()
            eval_calls[b] = run(model, *inputs[b])[0]
            set_mode(model, s["mode"])
    shapes = {b: eval_calls.get(b, clean[b][0]) for b in BATCHES}
    norms = []
    for n, m in model.named_modules():
        if not is_norm(m):
            continue
        entry = {"name": n, "type": type(m).__name__, "check": norm_check(m), "leaf": not any(m.children()),
                 "input_shape": {}, "calls": {}}
        for b in BATCHES:
            c = shapes[b].get(n, [])
            entry["input_shape"][str(b)] = c[0] if c else None
            entry["calls"][str(b)] = c if len(c) > 1 else len(c)
        sh = entry["input_shape"]["1"]
        if isinstance(m, _BatchNorm) and sh is not None and len(sh) >= 2 and torch.Size(sh).numel() // sh[1] == 1:
            # one value per channel at batch 1: PyTorch raises in training mode (in eval it does not)
            entry["batch1_raises_in_training"] = True
            if s["mode"] == "train":
                entry["batch1_raises"] = True
        norms.append(entry)

    def model_input(b):
        a = inputs[b][0][0]
        return [list(x.shape) for x in a] if isinstance(a, list) else list(a.shape)
    info = {
        "source": s["source"], "mode": s["mode"], "note": s["note"],
        "text": "texts/%s.txt" % name,
        "model_input_shape": {str(b): model_input(b) for b in BATCHES},
        "tool_input_shape": {str(b): (s["tool_input"](b) if s["tool_input"] else model_input(b)) for b in BATCHES},
        "norms": norms,
        "never_called": {str(b): sorted(n for n in named if n not in shapes[b]) for b in BATCHES},
        "raised": {str(b): clean[b][1] for b in BATCHES},
        "warnings": {str(b): clean[b][2] for b in BATCHES},
        "shapes_from_eval": [str(b) for b in eval_calls],
        "mutations": {},
        "notes": notes,
    }
    if "backbone" in named:
        info["backbone_input_shape"] = {str(b): shapes[b]["backbone"][0] for b in BATCHES}
    norm_names = [e["name"] for e in norms]
    texts = [text_entry(name, name, "clean", None, None, text, info, norm_names, None)]

    # ---- mutations ----
    for mut, mistakes in s["mutations"].items():
        recs = []
        changes = {}
        for mk in mistakes:
            layers = {}
            for t in mk["targets"](model):
                new = special_make(name, mk, model, t)
                if new is not None:
                    layers[t] = new
            assert layers, (name, mk["id"])
            rec = {"id": mk["id"], "kind": mk["kind"], "description": mk["description"],
                   "layers": list(layers), "alone": {}, "per_layer": {}}
            for b in BATCHES:
                with Patched(model, {t: special_make(name, mk, model, t) for t in layers}):
                    rec["alone"][str(b)] = outcome(run(model, *inputs[b]), clean[b], layers)
            for t in layers:
                rec["per_layer"][t] = {}
                for b in BATCHES:
                    with Patched(model, {t: special_make(name, mk, model, t)}):
                        o = outcome(run(model, *inputs[b]), clean[b], [t])
                    if o["action"] == "raises":
                        o["at_layer"] = bool(o["raised_in"]) and inside(o["raised_in"], t)
                    rec["per_layer"][t][str(b)] = o
            recs.append(rec)
            changes.update(layers)
        combined = {}
        with Patched(model, {t: special_make(name, mk, model, t) for mk in mistakes for t in
                             mistakes_layers(recs, mk)}):
            mtext = str(model)
            for b in BATCHES:
                res = run(model, *inputs[b])
                combined[str(b)] = outcome(res, clean[b], [l for r in recs for l in r["layers"]])
                for e in norms:  # the mistakes change no data flow: every reached norm sees the clean shape
                    got = res[0].get(e["name"])
                    if got and got[0] != e["input_shape"][str(b)] and str(b) not in info["shapes_from_eval"]:
                        notes.append("%s: %s got %s (clean %s)" % (mut, e["name"], got[0], e["input_shape"][str(b)]))
        assert mtext != text, (name, mut)
        assert mtext.count("\n") == text.count("\n"), (name, mut)
        info["mutations"][mut] = {"mistakes": recs, "combined": combined, "text": "texts/%s__%s.txt" % (name, mut)}
        texts.append(text_entry(name, "%s__%s" % (name, mut), "mutation", mut, None, mtext, info, norm_names, None))

    # ---- variants ----
    texts += variants(name, model, text, tree, info, norm_names, shapes)
    return info, texts, time.time() - t0


def mistakes_layers(recs, mk):
    return next(r["layers"] for r in recs if r["id"] == mk["id"])


def text_entry(model_name, tid, kind, mutation, variant, text, info, present, rename, input_shape=None):
    path = os.path.join(TEXTS, tid + ".txt")
    with open(path, "w") as f:
        f.write(text)
    e = {"id": tid, "file": "texts/%s.txt" % tid, "model": model_name, "kind": kind, "mutation": mutation,
         "variant": variant, "rename": rename,
         "present": None if present is None or len(present) == len(info["norms"]) else present,
         "input_shape": input_shape or info["tool_input_shape"]}
    return e


# --------------------------------------------------------------------------------------
# variants
# --------------------------------------------------------------------------------------
def wrap(text):
    lines = text.split("\n")
    return "\n".join(["Wrapper(", "  (net): " + lines[0]] + ["  " + l for l in lines[1:]] + [")"])


def fragment_text(text, tree, block):
    a, z, ind, _ = tree[block]
    return "\n".join(l[ind:] for l in text.split("\n")[a:z + 1])


def norms_under(norm_names, block):
    return [n for n in norm_names if inside(n, block)]


def fragment_candidates(model, tree, norm_names, shapes):
    """(name, norms under it, preference) for each nn.Sequential a user could cut out and paste: called
    once with a tensor, holding some but not all of the model's norms."""
    out = []
    total = len(norm_names)
    for n, m in model.named_modules():
        key = n.rsplit(".", 1)[-1]
        if not n or type(m) is not nn.Sequential or n not in tree:
            continue
        k = len(norms_under(norm_names, n))
        ok = all(len(shapes[b].get(n, [])) == 1 and shapes[b][n][0] is not None for b in BATCHES)
        if 1 <= k < total and ok:
            small = k <= 0.6 * total
            out.append((n, k, (not key.isdigit(), k >= 2, small, k if small else -k)))
    return out


def elision_choice(model, tree, norm_names):
    """A Sequential whose children repeat one block class: the inner ones of the longest run; else the
    2nd and 3rd children of a Sequential of four or more, when norms stay on both sides of the cut."""
    best = None
    fallback = None
    for n, m in model.named_modules():
        if type(m) is not nn.Sequential or n not in tree:
            continue
        kids = children_of(tree, n)
        if len(kids) < 3:
            continue
        if fallback is None and len(kids) >= 4 and any(norms_under(norm_names, c) for c in kids[1:3]) and \
                any(norms_under(norm_names, c) for c in kids[3:]):
            fallback = (n, kids[1:3])
        i = 0
        while i < len(kids):
            j = i
            while j + 1 < len(kids) and tree[kids[j + 1]][3] == tree[kids[i]][3]:
                j += 1
            run_len = j - i + 1
            cut = kids[i + 1:j]
            if run_len >= 3 and any(norms_under(norm_names, c) for c in cut) and \
                    norms_under(norm_names, kids[j]) and (best is None or run_len > best[0]):
                best = (run_len, n, cut)
            i = j + 1
    return fallback if best is None else (best[1], best[2])


def elide(text, tree, cut):
    lines = text.split("\n")
    a, z = tree[cut[0]][0], tree[cut[-1]][1]
    ind = tree[cut[0]][2]
    return "\n".join(lines[:a] + [" " * ind + "... ..."] + lines[z + 1:])


def variants(name, model, text, tree, info, norm_names, shapes):
    out = []
    idx = sorted(SPECS).index(name)
    muts = list(info["mutations"])
    mutated = {m: open(os.path.join(HERE, info["mutations"][m]["text"])).read() for m in muts}

    def present_of(mut, present):
        if mut is None:
            return
        for r in info["mutations"][mut]["mistakes"]:
            if not any(l in present for l in r["layers"]):
                return False
        return True

    # wrapper: every other model, clean; and its last mutation (the two-mistake one when there is one)
    if idx % 2 == 0:
        out.append(text_entry(name, name + "__wrapper", "variant", None, "wrapper", wrap(text), info, norm_names,
                              {"from": "", "to": "net."}))
    if muts and idx % 2 == 1:
        mut = muts[-1]
        out.append(text_entry(name, "%s__%s__wrapper" % (name, mut), "variant", mut, "wrapper", wrap(mutated[mut]),
                              info, norm_names, {"from": "", "to": "net."}))
    # fragment: clean, the block with the most norms (at most 60% of them); and one holding a mistake
    cands = fragment_candidates(model, tree, norm_names, shapes)
    if cands:
        block = max(cands, key=lambda c: c[2])[0]
        key = block.rsplit(".", 1)[-1]
        present = norms_under(norm_names, block)
        inp = {str(b): shapes[b][block][0] for b in BATCHES}
        out.append(text_entry(name, name + "__fragment", "variant", None, "fragment",
                              fragment_text(text, tree, block), info, present, {"from": block, "to": key}, inp))
        info["fragment"] = block
        if muts:
            mut = muts[0]
            layers = set(l for r in info["mutations"][mut]["mistakes"] for l in r["layers"])
            mc = [c for c in cands if any(inside(l, c[0]) for l in layers)]
            if mc:
                block = max(mc, key=lambda c: (c[2][:3], sum(inside(l, c[0]) for l in layers), c[2][3]))[0]
                key = block.rsplit(".", 1)[-1]
                present = norms_under(norm_names, block)
                inp = {str(b): shapes[b][block][0] for b in BATCHES}
                out.append(text_entry(name, "%s__%s__fragment" % (name, mut), "variant", mut, "fragment",
                                      fragment_text(mutated[mut], tree, block), info, present,
                                      {"from": block, "to": key}, inp))
    # elided: clean; and the class-level mutation when a mistake layer stays in the text
    choice = elision_choice(model, tree, norm_names)
    if choice:
        seq, cut = choice
        present = [n for n in norm_names if not any(inside(n, c) for c in cut)]
        info["elided"] = {"sequential": seq, "cut": cut}
        out.append(text_entry(name, name + "__elided", "variant", None, "elided", elide(text, tree, cut), info,
                              present, None))
        for mut in muts[:1]:
            if present_of(mut, set(present)) and idx % 3 != 2:
                out.append(text_entry(name, "%s__%s__elided" % (name, mut), "variant", mut, "elided",
                                      elide(mutated[mut], tree, cut), info, present, None))
    return out


# --------------------------------------------------------------------------------------
def main():
    only = sys.argv[1:]
    os.makedirs(TEXTS, exist_ok=True)
    out_path = os.path.join(HERE, "corpus2.json")
    previous = {}
    if only and os.path.exists(out_path):
        previous = json.load(open(out_path))
    models = dict(previous.get("models", {}))
    texts = [t for t in previous.get("texts", []) if t["model"] not in only]
    failed = dict(previous.get("failed", {}))
    for name in sorted(SPECS):
        if only and name not in only:
            continue
        for f in os.listdir(TEXTS):
            if f == name + ".txt" or f.startswith(name + "__"):
                os.remove(os.path.join(TEXTS, f))
        try:
            info, ts, seconds = process(SPECS[name])
        except Exception as e:  # noqa: BLE001 -- a model that cannot be built is reported, not fatal
            failed[name] = "%s: %s" % (type(e).__name__, first_line(e))
            print("FAILED", name, failed[name], flush=True)
            traceback.print_exc()
            continue
        failed.pop(name, None)
        models[name] = info
        texts += ts
        print("%-40s %5.1fs %3d norms %2d texts %s" % (name, seconds, len(info["norms"]), len(ts),
                                                      "; ".join(info["notes"])[:200]), flush=True)
    order = sorted(models)
    split = {"tuned": order[0::2], "held_out": order[1::2]}
    for name, info in models.items():
        info["half"] = "tuned" if name in split["tuned"] else "held_out"
    for t in texts:
        t["half"] = models[t["model"]]["half"]
    texts.sort(key=lambda t: t["id"])
    doc = {"torch": torch.__version__, "torchvision": torchvision.__version__,
           "made_by": "tests/diagnose/corpus2/make_corpus2.py",
           "split": dict(rule="models sorted by name, alternately tuned, held_out (a model's mutations and "
                              "variants go with it)", **split),
           "batches": list(BATCHES), "models": models, "texts": texts, "failed": failed}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    print("%d models, %d texts" % (len(models), len(texts)))


if __name__ == "__main__":
    main()
