#!/usr/bin/python3
"""Regenerates NormLab's golden data from PyTorch (Debian's python3-torch 1.13).

    /usr/bin/python3 tests/golden/make_golden.py

Writes tests/golden/data/<case>/*.npy and tests/golden/cases.json. Each case stores its
inputs (float32 or float64, as the case's dtype) and what PyTorch computes from exactly
those inputs, evaluated in float64 (so float32 cases are checked against the exact answer
for their rounded inputs; tolerances per dtype live in the C++ test).

References: torch.nn.BatchNorm{1,2,3}d, InstanceNorm{1,2,3}d, LayerNorm and GroupNorm
modules for the unmasked built-in variants; plain torch ops for RMSNorm (torch 1.13 has no
nn.RMSNorm), Batch-Channel Norm (labml.ai's form), custom reduce axes and every masked case
(the loop-free mask formula). Gradients by autograd. Error cases record the message torch
raises next to the one NormLab must print (docs/spec.md).
"""
import json
import os
import shutil

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
RNG = np.random.default_rng(1122)
CASES = []

SHAPES = {2: (6, 4), 3: (3, 4, 7), 4: (2, 4, 3, 5), 5: (2, 4, 2, 3, 3)}
NP = {"float32": np.float32, "float64": np.float64}


def save(case, name, array):
    os.makedirs(os.path.join(DATA, case["name"]), exist_ok=True)
    # (np.ascontiguousarray would turn a 0-d array into shape (1,))
    np.save(os.path.join(DATA, case["name"], name + ".npy"), np.asarray(array, order="C"))
    return name + ".npy"


def t64(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


def rand(shape, dtype, mean=0.0, std=1.0):
    return (mean + std * RNG.standard_normal(shape)).astype(NP[dtype])


class Case:
    def __init__(self, name, spec, shape, dtype="float32", mean=0.0, std=1.0):
        self.d = {"name": name, "spec": dict(spec, dtype=dtype), "inputs": {}, "expected": {},
                  "num_batches_tracked": 0, "warnings": []}
        self.dtype = dtype
        self.x = rand(shape, dtype, mean, std)
        self.d["inputs"]["input"] = save(self.d, "x", self.x)
        self.dy = rand(shape, dtype)
        self.d["inputs"]["grad_output"] = save(self.d, "dy", self.dy)

    def input(self, key, array):
        array = np.asarray(array)
        if array.dtype.kind == "f":
            array = array.astype(NP[self.dtype])
        self.d["inputs"][key] = save(self.d, key, array)
        return array

    def expect(self, key, value):
        if value is None:
            return
        if isinstance(value, torch.Tensor):
            value = value.detach().numpy()
        self.d["expected"][key] = save(self.d, "expected_" + key, np.asarray(value, dtype=np.float64))

    def done(self):
        CASES.append(self.d)


def finish(case, y, x, params, mean_used, var_used, extra_stats=None):
    """Backward through autograd, then stats, inverse target and grads."""
    y.backward(t64(case.dy))
    case.expect("output", y)
    case.expect("grad_input", x.grad)
    for key, p in params.items():
        if p is not None and p.grad is not None:
            case.expect(key, p.grad)
    case.expect("mean", mean_used)
    case.expect("var", var_used)
    for key, v in (extra_stats or {}).items():
        case.expect(key, v)


def mask_array(case, mask):
    return torch.tensor(mask.astype(bool)) if mask is not None else None


def lengths_mask(shape, lengths):
    m = np.zeros(shape, dtype=bool)
    for n, L in enumerate(lengths):
        m[n, ..., :L] = True
    return m


def logdet_and_reconstruction(case, x, mask, stages):
    """stages: list of (var_per_element, weight_per_element) numpy float64 in input shape."""
    valid = np.ones(x.shape, bool) if mask is None else mask
    logdet = np.zeros(x.shape[0])
    for var_e, w_e, eps in stages:
        term = np.log(np.abs(w_e)) - 0.5 * np.log(var_e + eps)
        term = np.where(valid, term, 0.0)
        logdet += term.reshape(x.shape[0], -1).sum(1)
    case.expect("logdet", logdet)
    case.expect("reconstruction", np.where(valid, x.astype(np.float64), 0.0))


def bcast(v, ndim, axis=1):
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(shape)


# ---------------------------------------------------------------------------------------
# Unmasked built-in modules.

def module_for(variant, rank, spec, C):
    eps = spec.get("eps", 1e-5)
    if variant == "batch_norm":
        cls = {2: torch.nn.BatchNorm1d, 3: torch.nn.BatchNorm1d, 4: torch.nn.BatchNorm2d, 5: torch.nn.BatchNorm3d}[rank]
        return cls(spec.get("num_features", C), eps=eps, momentum=spec.get("momentum", 0.1),
                   affine=spec.get("affine", True), track_running_stats=spec.get("track_running_stats", True))
    if variant == "instance_norm":
        cls = {3: torch.nn.InstanceNorm1d, 4: torch.nn.InstanceNorm2d, 5: torch.nn.InstanceNorm3d}[rank]
        return cls(spec.get("num_features", C), eps=eps, momentum=spec.get("momentum", 0.1),
                   affine=spec.get("affine", False), track_running_stats=spec.get("track_running_stats", False))
    if variant == "layer_norm":
        return torch.nn.LayerNorm(spec["normalized_shape"], eps=eps, elementwise_affine=spec.get("affine", True))
    if variant == "group_norm":
        return torch.nn.GroupNorm(spec["num_groups"], spec.get("num_features", C), eps=eps, affine=spec.get("affine", True))
    raise ValueError(variant)


def module_case(name, spec, rank, dtype, mean=0.0, std=1.0, nbt=0):
    variant = spec["variant"]
    case = Case(name, spec, SHAPES[rank], dtype, mean, std)
    x_np = case.x
    C = x_np.shape[1]
    mod = module_for(variant, rank, spec, C).double()
    mod.train(spec.get("training", True))
    params = {}
    if getattr(mod, "weight", None) is not None:
        w = case.input("weight", 1.0 + 0.3 * RNG.standard_normal(tuple(mod.weight.shape)))
        b = case.input("bias", 0.3 * RNG.standard_normal(tuple(mod.bias.shape)))
        with torch.no_grad():
            mod.weight.copy_(t64(w))
            mod.bias.copy_(t64(b))
        params = {"grad_weight": mod.weight, "grad_bias": mod.bias}
    tracked = getattr(mod, "running_mean", None) is not None
    if tracked:
        rm = case.input("running_mean", 0.5 * RNG.standard_normal(C))
        rv = case.input("running_var", 0.5 + RNG.random(C))
        with torch.no_grad():
            mod.running_mean.copy_(t64(rm))
            mod.running_var.copy_(t64(rv))
            mod.num_batches_tracked.fill_(nbt)
        case.d["num_batches_tracked"] = nbt
        rm0, rv0 = t64(rm), t64(rv)
    x = t64(x_np).requires_grad_(True)
    y = mod(x)
    xd = x.detach()
    eps = mod.eps
    # The statistics PyTorch normalised with, per variant and mode.
    if variant == "batch_norm":
        dims = [0] + list(range(2, rank))
        if mod.training or not tracked:
            mean, var = xd.mean(dims), xd.var(dims, unbiased=False)
        else:
            mean, var = rm0, rv0
        mean_e, var_e = bcast(mean, rank), bcast(var, rank)
    elif variant == "instance_norm":
        dims = list(range(2, rank))
        if mod.training or not tracked:
            mean, var = xd.mean(dims), xd.var(dims, unbiased=False)
        else:
            mean, var = rm0.expand(x_np.shape[0], C), rv0.expand(x_np.shape[0], C)
        mean_e = mean.reshape(mean.shape + (1,) * (rank - 2))
        var_e = var.reshape(var.shape + (1,) * (rank - 2))
    elif variant == "layer_norm":
        dims = list(range(rank - len(spec["normalized_shape"]), rank))
        mean, var = xd.mean(dims), xd.var(dims, unbiased=False)
        mean_e, var_e = xd.mean(dims, keepdim=True), xd.var(dims, keepdim=True, unbiased=False)
    elif variant == "group_norm":
        G = spec["num_groups"]
        xg = xd.reshape(x_np.shape[0], G, -1)
        mean, var = xg.mean(-1), xg.var(-1, unbiased=False)
        mean_e = mean.repeat_interleave(C // G, 1).reshape((x_np.shape[0], C) + (1,) * (rank - 2))
        var_e = var.repeat_interleave(C // G, 1).reshape((x_np.shape[0], C) + (1,) * (rank - 2))
    finish(case, y, x, params, mean, var)
    if tracked:
        case.expect("running_mean", mod.running_mean)
        case.expect("running_var", mod.running_var)
        case.d["expected_num_batches_tracked"] = int(mod.num_batches_tracked)
    if variant == "layer_norm":
        w_e = mod.weight.detach().numpy() if mod.weight is not None else np.ones(())
        w_e = np.broadcast_to(w_e, x_np.shape)
    else:
        w_e = (bcast(mod.weight.detach(), rank).numpy() if getattr(mod, "weight", None) is not None else np.ones(()))
        w_e = np.broadcast_to(w_e, x_np.shape)
    logdet_and_reconstruction(case, x_np, None,
                              [(np.broadcast_to(var_e.numpy(), x_np.shape), w_e, eps)])
    case.done()


# ---------------------------------------------------------------------------------------
# The generic formula: any reduction, optional channel groups, optional mask. Used for
# rms_norm, custom and every masked case. Groups split dim 1 into (G, C/G).

def formula_case(name, spec, x_shape, dtype, reduce_dims, groups=None, centered=True,
                 mask=None, lengths=None, mean=0.0, std=1.0, param_shape=None,
                 running="none", nbt=0):
    """running: 'none', 'batch' (N reduced: BatchNorm-like) or 'instance' (mean over N)."""
    case = Case(name, spec, x_shape, dtype, mean, std)
    x_np = case.x
    N, C = x_np.shape[0], (x_np.shape[1] if len(x_np.shape) > 1 else 1)
    if lengths is not None:
        case.input("lengths", np.asarray(lengths, dtype=np.int64))
        mask = lengths_mask(x_np.shape, lengths)
    elif mask is not None:
        case.input("mask", mask.astype(bool))
    m = torch.tensor(mask if mask is not None else np.ones(x_np.shape, bool))
    affine = spec.get("affine", True)
    machine_eps = float(np.finfo(NP[dtype]).eps)
    if "eps" in spec:
        eps = spec["eps"] if spec["eps"] is not None else machine_eps
    else:  # module defaults: nn.RMSNorm eps=None, the others 1e-5
        eps = machine_eps if spec["variant"] == "rms_norm" else 1e-5
    x = t64(x_np).requires_grad_(True)
    # Expanded view: [N, G, C/G, ...] when grouped.
    shape = list(x_np.shape)
    if groups:
        ex_shape = [N, groups, C // groups] + shape[2:]
        red = sorted(set([d if d < 1 else d + 1 for d in reduce_dims] + [2]))
    else:
        ex_shape = shape
        red = sorted(reduce_dims)
    xe = x.reshape(ex_shape)
    me = m.reshape(ex_shape).double()
    n = me.sum(red, keepdim=True)
    n_safe = n.clamp(min=1)
    if centered:
        mu = (xe * me).sum(red, keepdim=True) / n_safe
    else:
        mu = torch.zeros_like(n)
    var = (((xe - mu) * me) ** 2).sum(red, keepdim=True) / n_safe
    xhat = (xe - mu) / torch.sqrt(var + eps)
    params = {}
    w = b = None
    if affine:
        pshape = param_shape or (C,)
        w = t64(case.input("weight", 1.0 + 0.3 * RNG.standard_normal(pshape))).requires_grad_(True)
        params["grad_weight"] = w
        if centered:
            b = t64(case.input("bias", 0.3 * RNG.standard_normal(pshape))).requires_grad_(True)
            params["grad_bias"] = b
    y = xhat.reshape(shape)
    if affine:
        if param_shape is not None:  # normalized_shape parameters broadcast over leading dims
            wb, bb = w, b
        else:  # one parameter per channel
            wb = bcast(w, len(shape))
            bb = bcast(b, len(shape)) if b is not None else None
        y = y * wb + (bb if bb is not None else 0)
    y = torch.where(m, y, torch.zeros((), dtype=torch.float64))
    # Statistics in the kept-axes grid (NaN where a slice is empty).
    keep_shape = [s for i, s in enumerate(ex_shape) if i not in red]
    nn_ = n.reshape(keep_shape)
    mean_used = torch.where(nn_ > 0, mu.detach().reshape(keep_shape), torch.tensor(float("nan"), dtype=torch.float64))
    var_used = torch.where(nn_ > 0, var.detach().reshape(keep_shape), torch.tensor(float("nan"), dtype=torch.float64))
    if not centered:
        mean_used = torch.where(nn_ > 0, torch.zeros_like(mean_used), mean_used)
    case.expect("count", nn_)
    if running != "none":
        rsize = keep_shape[1:] if running == "instance" else keep_shape
        rm = case.input("running_mean", 0.5 * RNG.standard_normal(rsize))
        rv = case.input("running_var", 0.5 + RNG.random(rsize))
        mom = spec.get("momentum", 0.1)
        nbt_after = nbt + 1
        case.d["num_batches_tracked"] = nbt
        case.d["expected_num_batches_tracked"] = nbt_after if running == "batch" else nbt
        f = mom if mom is not None else 1.0 / nbt_after
        cnt = nn_.numpy()
        mu_np, var_np = mean_used.numpy(), var_used.numpy()
        ok = cnt > 1
        unb = np.where(ok, var_np * cnt / np.maximum(cnt - 1, 1), 0.0)
        if running == "instance":
            k = ok.sum(0)
            smu = np.where(ok, mu_np, 0).sum(0)
            svar = np.where(ok, unb, 0).sum(0)
            new_rm = np.where(k > 0, (1 - f) * rm + f * smu / np.maximum(k, 1), rm)
            new_rv = np.where(k > 0, (1 - f) * rv + f * svar / np.maximum(k, 1), rv)
        else:
            new_rm = np.where(ok, (1 - f) * rm + f * mu_np, rm)
            new_rv = np.where(ok, (1 - f) * rv + f * unb, rv)
        case.expect("running_mean", new_rm)
        case.expect("running_var", new_rv)
    finish(case, y, x, params, mean_used, var_used)
    var_e = var.detach().expand(ex_shape).reshape(shape).numpy()
    if affine:
        w_e = np.broadcast_to(wb.detach().numpy(), shape)
    else:
        w_e = np.ones(shape)
    logdet_and_reconstruction(case, x_np, mask, [(var_e, w_e, eps)])
    case.done()


# ---------------------------------------------------------------------------------------
# Batch-Channel Norm, labml.ai form (arXiv 1911.09738), in float64 with stable variances.

def bcn_case(name, rank, dtype, estimate, training, lengths=None, momentum=0.1):
    G = 2
    shape = SHAPES[rank]
    spec = {"variant": "batch_channel_norm", "num_features": shape[1], "num_groups": G,
            "estimate": estimate, "training": training, "momentum": momentum}
    case = Case(name, spec, shape, dtype, 2.0, 1.5)
    x_np = case.x
    N, C = shape[0], shape[1]
    mask = lengths_mask(shape, lengths) if lengths is not None else np.ones(shape, bool)
    if lengths is not None:
        case.input("lengths", np.asarray(lengths, dtype=np.int64))
    m = torch.tensor(mask).double()
    eps = 1e-5
    w = t64(case.input("weight", 1.0 + 0.3 * RNG.standard_normal(C))).requires_grad_(True)
    b = t64(case.input("bias", 0.3 * RNG.standard_normal(C))).requires_grad_(True)
    cw = t64(case.input("channel_weight", 1.0 + 0.3 * RNG.standard_normal(G))).requires_grad_(True)
    cb = t64(case.input("channel_bias", 0.3 * RNG.standard_normal(G))).requires_grad_(True)
    rm = case.input("running_mean", 0.5 * RNG.standard_normal(C)).astype(np.float64)
    rv = case.input("running_var", 0.5 + RNG.random(C)).astype(np.float64)
    x = t64(x_np).requires_grad_(True)
    xv, mv = x.reshape(N, C, -1), m.reshape(N, C, -1)
    n = mv.sum([0, 2])
    mu_b = (xv * mv).sum([0, 2]) / n.clamp(min=1)
    var_b = (((xv - mu_b.view(1, -1, 1)) * mv) ** 2).sum([0, 2]) / n.clamp(min=1)
    nbt = 0
    if estimate:
        if training:
            new_rm = (1 - momentum) * t64(rm) + momentum * mu_b.detach()
            new_rv = (1 - momentum) * t64(rv) + momentum * var_b.detach()
        else:
            new_rm, new_rv = t64(rm), t64(rv)
        mean_used, var_used = new_rm, new_rv
    else:
        if training:
            mean_used, var_used = mu_b, var_b
            cnt = n.numpy()
            new_rm = t64((1 - momentum) * rm + momentum * mu_b.detach().numpy())
            new_rv = t64((1 - momentum) * rv + momentum * var_b.detach().numpy() * cnt / (cnt - 1))
        else:
            mean_used, var_used = t64(rm), t64(rv)
            new_rm, new_rv = t64(rm), t64(rv)
    case.d["num_batches_tracked"] = 0
    case.d["expected_num_batches_tracked"] = 1 if training else 0
    y1 = (xv - mean_used.view(1, -1, 1)) / torch.sqrt(var_used.view(1, -1, 1) + eps)
    y1 = (y1 * w.view(1, -1, 1) + b.view(1, -1, 1)) * mv
    yg, mg = y1.reshape(N, G, -1), mv.reshape(N, G, -1)
    ng = mg.sum(-1, keepdim=True)
    mu_c = (yg * mg).sum(-1, keepdim=True) / ng.clamp(min=1)
    var_c = (((yg - mu_c) * mg) ** 2).sum(-1, keepdim=True) / ng.clamp(min=1)
    y2 = (yg - mu_c) / torch.sqrt(var_c + eps)
    y2 = (y2 * cw.view(1, -1, 1) + cb.view(1, -1, 1)) * mg
    y = y2.reshape(shape)
    nan = torch.tensor(float("nan"))
    finish(case, y, x, {"grad_weight": w, "grad_bias": b, "grad_channel_weight": cw, "grad_channel_bias": cb},
           mean_used.detach(), var_used.detach(),
           {"channel_mean": torch.where(ng > 0, mu_c.detach(), nan).reshape(N, G),
            "channel_var": torch.where(ng > 0, var_c.detach(), nan).reshape(N, G)})
    case.expect("running_mean", new_rm)
    case.expect("running_var", new_rv)
    var1_e = np.broadcast_to(var_used.detach().numpy().reshape((1, C) + (1,) * (rank - 2)), shape)
    w1_e = np.broadcast_to(w.detach().numpy().reshape((1, C) + (1,) * (rank - 2)), shape)
    var2_e = var_c.detach().expand(N, G, yg.shape[-1]).reshape(shape).numpy()
    w2_e = cw.detach().view(1, G, 1).expand(N, G, yg.shape[-1]).reshape(shape).numpy()
    logdet_and_reconstruction(case, x_np, mask if lengths is not None else None,
                              [(var1_e, w1_e, eps), (var2_e, w2_e, eps)])
    case.done()


# ---------------------------------------------------------------------------------------
# Errors: the message NormLab must print (docs/spec.md), next to what torch 1.13 raises.

def error_case(name, spec, shape, expected, torch_call=None, extra=None):
    case = Case(name, spec, shape, "float32")
    del case.d["inputs"]["grad_output"]
    for key, arr in (extra or {}).items():
        case.input(key, arr)
    case.d["expected_error"] = expected
    if torch_call is not None:
        try:
            torch_call(torch.tensor(case.x))
            case.d["torch_1_13_message"] = "(no error)"
        except Exception as e:  # noqa: BLE001 - we record whatever torch says
            case.d["torch_1_13_message"] = str(e)
    case.d["expected"] = {}
    case.done()


def warning_case(name, spec, shape, code):
    case = Case(name, spec, shape, "float32")
    case.d["warnings"] = [code]
    case.d["expected"] = {}
    case.done()


def main():
    if os.path.isdir(DATA):
        shutil.rmtree(DATA)
    os.makedirs(DATA)
    torch.set_default_dtype(torch.float64)

    # BatchNorm: ranks x dtypes; mode x affine x tracked at rank 4; momentum None.
    for dtype in ("float32", "float64"):
        for rank in (2, 3, 4, 5):
            module_case(f"bn_r{rank}_{dtype}", {"variant": "batch_norm"}, rank, dtype)
        for training in (True, False):
            for affine in (True, False):
                for tracked in (True, False):
                    module_case(f"bn_r4_{dtype}_{'train' if training else 'eval'}_aff{int(affine)}_trk{int(tracked)}",
                                {"variant": "batch_norm", "training": training, "affine": affine,
                                 "track_running_stats": tracked}, 4, dtype)
        module_case(f"bn_r3_{dtype}_momentum_none", {"variant": "batch_norm", "momentum": None}, 3, dtype, nbt=4)
        module_case(f"bn_r4_{dtype}_large_mean", {"variant": "batch_norm"}, 4, dtype, mean=1e4, std=1.0)

    # InstanceNorm: ranks 3..5; mode x affine x tracked at rank 3.
    for dtype in ("float32", "float64"):
        for rank in (3, 4, 5):
            module_case(f"in_r{rank}_{dtype}", {"variant": "instance_norm", "affine": True}, rank, dtype)
        for training in (True, False):
            for affine in (True, False):
                for tracked in (True, False):
                    module_case(f"in_r3_{dtype}_{'train' if training else 'eval'}_aff{int(affine)}_trk{int(tracked)}",
                                {"variant": "instance_norm", "training": training, "affine": affine,
                                 "track_running_stats": tracked}, 3, dtype)
        module_case(f"in_r3_{dtype}_large_mean", {"variant": "instance_norm", "affine": True}, 3, dtype, mean=3e3, std=0.5)

    # LayerNorm: ranks 2..5, one and two normalized dims, affine on/off, train/eval.
    for dtype in ("float32", "float64"):
        for rank in (2, 3, 4, 5):
            shape = SHAPES[rank]
            module_case(f"ln_r{rank}_{dtype}_last1", {"variant": "layer_norm", "normalized_shape": [shape[-1]]}, rank, dtype)
            if rank >= 3:
                module_case(f"ln_r{rank}_{dtype}_last2", {"variant": "layer_norm", "normalized_shape": list(shape[-2:])}, rank, dtype)
        module_case(f"ln_r3_{dtype}_noaffine_eval", {"variant": "layer_norm", "normalized_shape": [7], "affine": False,
                                                     "training": False}, 3, dtype)
        module_case(f"ln_r2_{dtype}_whole", {"variant": "layer_norm", "normalized_shape": [6, 4]}, 2, dtype)
        module_case(f"ln_r3_{dtype}_large_mean", {"variant": "layer_norm", "normalized_shape": [7]}, 3, dtype, mean=1e4, std=1.0)

    # GroupNorm: ranks 2..5, affine on/off, train/eval.
    for dtype in ("float32", "float64"):
        for rank in (2, 3, 4, 5):
            module_case(f"gn_r{rank}_{dtype}", {"variant": "group_norm", "num_groups": 2}, rank, dtype)
        module_case(f"gn_r4_{dtype}_noaffine_eval", {"variant": "group_norm", "num_groups": 4, "affine": False,
                                                     "training": False}, 4, dtype)
        module_case(f"gn_r3_{dtype}_one_group", {"variant": "group_norm", "num_groups": 1}, 3, dtype)
        module_case(f"gn_r4_{dtype}_large_mean", {"variant": "group_norm", "num_groups": 2}, 4, dtype, mean=-2e3, std=0.3)

    # RMSNorm (composite ops, as nn.RMSNorm computes it): eps None and given.
    for dtype in ("float32", "float64"):
        for rank in (2, 3, 4, 5):
            shape = SHAPES[rank]
            formula_case(f"rms_r{rank}_{dtype}", {"variant": "rms_norm", "normalized_shape": [shape[-1]], "eps": None},
                         shape, dtype, [rank - 1], centered=False, param_shape=(shape[-1],))
        formula_case(f"rms_r4_{dtype}_last2_eps", {"variant": "rms_norm", "normalized_shape": [3, 5], "eps": 1e-3},
                     SHAPES[4], dtype, [2, 3], centered=False, param_shape=(3, 5))
        formula_case(f"rms_r3_{dtype}_noaffine", {"variant": "rms_norm", "normalized_shape": [7], "affine": False},
                     SHAPES[3], dtype, [2], centered=False)

    # Batch-Channel Norm: both modes, train/eval, ranks 2..5.
    for dtype in ("float32", "float64"):
        for rank in (2, 3, 4, 5):
            bcn_case(f"bcn_r{rank}_{dtype}_estimate", rank, dtype, True, True)
        for estimate in (True, False):
            for training in (True, False):
                bcn_case(f"bcn_r4_{dtype}_est{int(estimate)}_{'train' if training else 'eval'}", 4, dtype, estimate, training)

    # Custom reduce axes (identity and permuted layouts, channel groups, running stats).
    for dtype in ("float32", "float64"):
        s4 = SHAPES[4]
        formula_case(f"custom_bnlike_{dtype}", {"variant": "custom", "reduce_axes": [0, 2, 3]}, s4, dtype, [0, 2, 3])
        formula_case(f"custom_h_only_{dtype}", {"variant": "custom", "reduce_axes": [2]}, s4, dtype, [2])
        formula_case(f"custom_channels_{dtype}", {"variant": "custom", "reduce_axes": [1]}, s4, dtype, [1])
        formula_case(f"custom_n_and_w_{dtype}", {"variant": "custom", "reduce_axes": [0, 3]}, s4, dtype, [0, 3])
        formula_case(f"custom_groups_batch_{dtype}", {"variant": "custom", "reduce_axes": [0, 1, 2, 3], "num_groups": 2},
                     s4, dtype, [0, 1, 2, 3], groups=2)
        formula_case(f"custom_groups_h_{dtype}", {"variant": "custom", "reduce_axes": [1, 2], "num_groups": 2},
                     s4, dtype, [1, 2], groups=2)
        formula_case(f"custom_tracked_{dtype}", {"variant": "custom", "reduce_axes": [0, 2], "track_running_stats": True},
                     SHAPES[3], dtype, [0, 2], running="batch")

    # Masks: lengths (with a zero-length and a length-1 sample) and full masks.
    for dtype in ("float32", "float64"):
        s3 = (4, 3, 7)
        L = [7, 0, 1, 4]
        formula_case(f"masked_in_lengths_{dtype}", {"variant": "instance_norm", "affine": True}, s3, dtype, [2], lengths=L)
        formula_case(f"masked_in_tracked_{dtype}", {"variant": "instance_norm", "affine": True, "track_running_stats": True},
                     s3, dtype, [2], lengths=L, running="instance")
        formula_case(f"masked_bn_lengths_{dtype}", {"variant": "batch_norm"}, s3, dtype, [0, 2], lengths=L, running="batch")
        formula_case(f"masked_bn_momentum_none_{dtype}", {"variant": "batch_norm", "momentum": None}, s3, dtype, [0, 2],
                     lengths=L, running="batch", nbt=2)
        formula_case(f"masked_gn_lengths_{dtype}", {"variant": "group_norm", "num_groups": 3}, s3, dtype, [2], groups=3, lengths=L)
        formula_case(f"masked_ln_lengths_{dtype}", {"variant": "layer_norm", "normalized_shape": [7]}, s3, dtype, [2],
                     lengths=L, param_shape=(7,))
        formula_case(f"masked_rms_lengths_{dtype}", {"variant": "rms_norm", "normalized_shape": [3, 7], "eps": 1e-6}, s3, dtype,
                     [1, 2], centered=False, lengths=L, param_shape=(3, 7))
        formula_case(f"masked_in_r4_lengths_{dtype}", {"variant": "instance_norm", "affine": True}, (3, 2, 4, 5), dtype,
                     [2, 3], lengths=[5, 1, 0])
        formula_case(f"masked_custom_lengths_{dtype}", {"variant": "custom", "reduce_axes": [1]}, (3, 4, 5), dtype, [1],
                     lengths=[5, 2, 0])
        mask = RNG.random(SHAPES[4]) < 0.6
        mask[0, 1] = False  # an empty instance
        formula_case(f"masked_in_full_mask_{dtype}", {"variant": "instance_norm", "affine": True}, SHAPES[4], dtype, [2, 3], mask=mask)
        formula_case(f"masked_bn_full_mask_{dtype}", {"variant": "batch_norm"}, SHAPES[4], dtype, [0, 2, 3], mask=mask, running="batch")
        formula_case(f"masked_gn_full_mask_{dtype}", {"variant": "group_norm", "num_groups": 2}, SHAPES[4], dtype, [2, 3],
                     groups=2, mask=mask)
        formula_case(f"masked_in_large_mean_{dtype}", {"variant": "instance_norm", "affine": True}, s3, dtype, [2],
                     lengths=L, mean=5e3, std=1.0)
        bcn_case(f"masked_bcn_lengths_{dtype}", 3, dtype, True, True, lengths=[7, 0, 3])
        bcn_case(f"masked_bcn_batch_stage_{dtype}", 3, dtype, False, True, lengths=[7, 2, 3])

    # Errors (docs/cli.md's list).
    error_case("err_bn_running_mean", {"variant": "batch_norm", "num_features": 4}, (2, 3, 5),
               "running_mean should contain 3 elements not 4", lambda x: torch.nn.BatchNorm1d(4)(x))
    error_case("err_bn_weight", {"variant": "batch_norm", "num_features": 4, "track_running_stats": False}, (2, 3, 5),
               "weight should contain 3 elements not 4", lambda x: torch.nn.BatchNorm1d(4, track_running_stats=False)(x))
    error_case("err_bn_one_value", {"variant": "batch_norm"}, (1, 3),
               "Expected more than 1 value per channel when training, got input size [1, 3]",
               lambda x: torch.nn.BatchNorm1d(3)(x))
    error_case("err_in_one_spatial", {"variant": "instance_norm"}, (2, 3, 1),
               "Expected more than 1 spatial element when training, got input size [2, 3, 1]",
               lambda x: torch.nn.InstanceNorm1d(3)(x))
    error_case("err_in_affine_mismatch", {"variant": "instance_norm", "num_features": 8, "affine": True}, (2, 4, 6),
               "expected input's size at dim=1 to match num_features (8), but got: 4.",
               lambda x: torch.nn.InstanceNorm1d(8, affine=True)(x))
    error_case("err_ln_shape", {"variant": "layer_norm", "normalized_shape": [8, 9]}, (2, 4, 8, 8),
               "Given normalized_shape=[8, 9], expected input with shape [*, 8, 9], but got input of size[2, 4, 8, 8]",
               lambda x: torch.nn.LayerNorm([8, 9])(x))
    error_case("err_gn_module", {"variant": "group_norm", "num_features": 6, "num_groups": 4}, (2, 6, 5),
               "num_channels must be divisible by num_groups", lambda x: torch.nn.GroupNorm(4, 6)(x))
    error_case("err_gn_input", {"variant": "group_norm", "num_features": 8, "num_groups": 4}, (2, 6, 5),
               "Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 5] and num_groups=4",
               lambda x: torch.nn.functional.group_norm(x, 4))
    error_case("err_bn2d_rank", {"variant": "instance_norm"}, (3, 4),
               "expected 3D, 4D or 5D input (got 2D input)", None)
    error_case("err_lengths_too_long", {"variant": "instance_norm"}, (2, 3, 5),
               "lengths[1] = 6 is outside 0..5 (the size of the last axis)", None,
               {"lengths": np.array([5, 6], dtype=np.int64)})
    error_case("err_weight_shape", {"variant": "batch_norm"}, (2, 3, 5),
               "weight has shape [4], expected [3]", None, {"weight": np.ones(4, np.float32)})
    # What PyTorch raised and NormLab did not (the hostile-input issue): F.group_norm checks
    # [N * C // G, G, *spatial] first, in train and eval; F.batch_norm checks the size
    # whenever it uses batch statistics, so in eval without running statistics too.
    error_case("err_gn_one_value_per_group", {"variant": "group_norm", "num_features": 3, "num_groups": 3}, (1, 3),
               "Expected more than 1 value per channel when training, got input size [1, 3]",
               lambda x: torch.nn.GroupNorm(3, 3)(x))
    error_case("err_gn_one_value_before_divisibility", {"variant": "group_norm", "num_features": 4, "num_groups": 2}, (1, 3),
               "Expected more than 1 value per channel when training, got input size [1, 2]",
               lambda x: torch.nn.GroupNorm(2, 4)(x))
    error_case("err_gn_one_value_eval", {"variant": "group_norm", "num_features": 3, "num_groups": 3, "training": False}, (1, 3),
               "Expected more than 1 value per channel when training, got input size [1, 3]",
               lambda x: torch.nn.GroupNorm(3, 3).eval()(x))
    error_case("err_bn_eval_untracked_one_value",
               {"variant": "batch_norm", "num_features": 3, "track_running_stats": False, "training": False}, (1, 3),
               "Expected more than 1 value per channel when training, got input size [1, 3]",
               lambda x: torch.nn.BatchNorm1d(3, track_running_stats=False).eval()(x))
    error_case("err_bcn_eval_untracked_one_value",
               {"variant": "batch_channel_norm", "num_features": 1, "num_groups": 1, "estimate": False,
                "track_running_stats": False, "training": False}, (1, 1, 1),
               "Expected more than 1 value per channel when training, got input size [1, 1, 1]", None)
    warning_case("warn_in_mismatch", {"variant": "instance_norm", "num_features": 1024}, (2, 512, 4), "num_features_mismatch")
    warning_case("warn_nan_input", {"variant": "layer_norm", "normalized_shape": [4]}, (2, 3, 4), "non_finite_input")
    # The NaN case needs a NaN in its input.
    nan_case = CASES[-1]
    x = np.load(os.path.join(DATA, nan_case["name"], "x.npy"))
    x[0, 1, 2] = np.nan
    np.save(os.path.join(DATA, nan_case["name"], "x.npy"), x)

    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"generator": "tests/golden/make_golden.py", "torch": torch.__version__, "cases": CASES}, f, indent=1)
    print(f"{len(CASES)} cases written to {DATA}")


if __name__ == "__main__":
    main()
