#!/usr/bin/env python3
"""Records what a model's real forward pass does, for `normlab-cli diagnose --trace`.

Every module call, in execution order: its dotted name (as named_modules() gives it), class,
repr line, the shapes and dtypes of its tensor inputs and outputs, and the training flag.
Every module in registration order ("modules": the state_dict's order), with the tensors it
holds itself (so a checkpoint can be checked against the model exactly, nn.Parameter
attributes of your own classes included).
When the forward raises, the module it was raised in (the innermost one entered and not
left) and PyTorch's exact message. PyTorch only (1.13 to 2.x); nothing NormLab-specific is
needed to read the JSON.

Command line:
    python3 normlab_trace.py --model my_model.py:build --input-shape 2,3,224,224 --out trace.json
        (build() returns the model, or (model, args) or (model, args, kwargs); repeat
        --input-shape or --input for each positional argument, e.g. --input-shape 2,16000
        --input-shape long:2; the model keeps the mode build() left it in unless --train or
        --eval says otherwise)
In a notebook:
    import normlab_trace
    normlab_trace.trace(model, (image1, image2), "trace.json", kwargs={"iters": 4})

Activations (`--activations DIR`, or `trace(model, x, DIR, activations=True)`): the model runs
for real on the given input (`--input x.npy`; shapes alone are refused unless `--generate
normal` asks for generated data, which the manifest records), and for every normalization layer (BatchNorm,
InstanceNorm, LayerNorm, GroupNorm, RMSNorm and their subclasses) DIR receives its input and
the output PyTorch produced (whole up to --cap-mib per layer, default 64 MiB, otherwise the
first samples along dim 0), its weight, bias, running mean and variance as they were before
the call, num_batches_tracked, its configuration and training flag; the sequence lengths or
mask when given (`--lengths`, `--mask`: [N] ints or an [N, L] boolean array, True = valid).
DIR/capture.json lists it all; every array is a plain .npy (float16 and bfloat16 saved as
float32, with the original dtype recorded). The running statistics the forward pass updates in
training mode are put back afterwards: capturing leaves the model as it was. DIR/trace.json is
the trace of the same run.

From the command line, where PyTorch supports it (2.x), the model runs on the meta device: shapes without memory
or arithmetic, so tracing a large model is quick. Otherwise (or if a module does not support
meta tensors) it runs on the CPU with zeros.
"""
import argparse
import importlib.util
import json
import os
import stat
import sys
import tempfile
import time

try:
    import torch
except ImportError:  # the writing rules below are usable (and tested) without PyTorch
    torch = None

FORMAT = 1
CAPTURE_FORMAT = 1
NORM_KINDS = [  # (base class, kind) in the order isinstance is tried
    ("torch.nn.modules.batchnorm._BatchNorm", "batch_norm"),
    ("torch.nn.modules.instancenorm._InstanceNorm", "instance_norm"),
    ("torch.nn.LayerNorm", "layer_norm"),
    ("torch.nn.GroupNorm", "group_norm"),
    ("torch.nn.RMSNorm", "rms_norm"),  # PyTorch 2.4 and later
]


class RefusedWrite(Exception):
    """Raised before anything is written: the target is the user's, not NormLab's."""


# The names a capture folder holds; NormLab writes nothing else there.
CAPTURE_NAMES = ("capture.json", "trace.json", "lengths.npy", "mask.npy", "layers")


def _json_marker(path, key):
    """True when `path` is a regular file whose JSON object starts with `key` (as this
    script writes its traces and manifests): NormLab's own file, which it may replace."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and head.lstrip()[1:].lstrip().startswith(
        b'"' + key.encode() + b'"')


def check_trace_target(path):
    """Raises RefusedWrite unless `path` may receive a trace: absent, or a trace this script
    wrote. Nothing is opened for writing."""
    if not os.path.lexists(path):
        return
    if os.path.isdir(path):
        raise RefusedWrite(f"{path} is a folder; --out names the trace file (trace.json)")
    if not os.path.exists(path):
        raise RefusedWrite(f"{path} is a dangling symbolic link: nothing was written")
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise RefusedWrite(f"{path} is not a regular file: nothing was written")
    if not _json_marker(path, "normlab_trace"):
        raise RefusedWrite(f"{path} exists and is not a NormLab trace: nothing was written "
                           "(NormLab replaces only its own files; choose another name)")


def check_capture_target(directory):
    """Raises RefusedWrite unless `directory` may receive a capture: absent, empty, or a
    capture this script wrote (its capture.json). Nothing is created or written."""
    if not os.path.lexists(directory):
        return
    if not os.path.isdir(directory):
        raise RefusedWrite(f"{directory} is a file, not a folder: --activations names the "
                           "folder the capture is written into")
    entries = os.listdir(directory)
    if not entries:
        return
    if not _json_marker(os.path.join(directory, "capture.json"), "normlab_capture"):
        raise RefusedWrite(f"{directory} holds files and is not a NormLab capture: nothing was "
                           "written (give a new or empty folder)")


def write_json(path, doc):
    """Writes `doc` to `path` atomically: a sibling file, renamed into place once complete,
    so a failure leaves what was there."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, partial = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".partial",
                                   dir=folder)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, indent=1)
        os.chmod(partial, 0o666 & ~_umask())
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _tensors(value, depth=0):
    """Every tensor in `value` (a tensor, or tuples, lists and dicts of them, as models take
    and return them: a detection model's list of images, a dict of outputs), in order."""
    if torch.is_tensor(value):
        return [value]
    if depth > 8:
        return []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v, depth + 1)]
    return []


def _shapes(values):
    return [{"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")}
            for v in _tensors(values)]


def _structure(value, depth=0):
    """The shape of a nested input, for the record: tensors as {shape, dtype}, other values by
    their type (passed to the model as they are)."""
    if torch.is_tensor(value):
        return {"shape": list(value.shape), "dtype": str(value.dtype).replace("torch.", "")}
    if depth > 8:
        return {"type": type(value).__name__}
    if isinstance(value, dict):
        return {str(k): _structure(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_structure(v, depth + 1) for v in value]
    return {"type": type(value).__name__}


def _to(value, device, depth=0):
    """`value` with every tensor in it moved to `device` (containers rebuilt as they were)."""
    if torch.is_tensor(value):
        return value.to(device)
    if depth > 8:
        return value
    if isinstance(value, dict):
        return type(value)((k, _to(v, device, depth + 1)) for k, v in value.items())
    if isinstance(value, tuple):
        return tuple(_to(v, device, depth + 1) for v in value)
    if isinstance(value, list):
        return [_to(v, device, depth + 1) for v in value]
    return value


def _as_args(args):
    """A tensor (or any single value) is one positional argument; a tuple or list, several."""
    return tuple(args) if isinstance(args, (tuple, list)) else (args,)


def _repr_line(module):
    children = list(module.children())
    if not children:
        return repr(module)
    return type(module).__name__ + "(" + module.extra_repr() + ")"


def _module_table(model):
    """Every module in registration order (the state_dict's order), with its class, its repr
    line and the tensors it puts in the state_dict itself: parameters, then persistent
    buffers, each with its shape and dtype."""
    table = []
    for name, m in model.named_modules():
        skip = getattr(m, "_non_persistent_buffers_set", set())
        own = [(k, v) for k, v in m._parameters.items() if v is not None]
        own += [(k, v) for k, v in m._buffers.items() if v is not None and k not in skip]
        table.append({"name": name, "type": type(m).__name__, "repr": _repr_line(m),
                      "tensors": [{"name": k, "shape": list(v.shape),
                                   "dtype": str(v.dtype).replace("torch.", "")} for k, v in own]})
    return table


# --progress: the module being run, on stderr, at most ten lines a second (read by the GUI).
_progress_at = [None]


def _say_progress(name):
    if _progress_at[0] is None:
        return
    now = time.monotonic()
    if now - _progress_at[0] >= 0.1:
        _progress_at[0] = now
        sys.stderr.write(f"normlab_trace: module {name or '(model)'}\n")
        sys.stderr.flush()


def _run(model, args, kwargs, device):
    calls, stack, handles = [], [], []
    names = {id(m): n for n, m in model.named_modules()}

    def pre(module, inputs):
        _say_progress(names.get(id(module), ""))
        stack.append(module)
        calls.append({"name": names.get(id(module), ""), "type": type(module).__name__,
                      "repr": _repr_line(module), "leaf": not list(module.children()),
                      "training": module.training, "inputs": _shapes(inputs), "outputs": None})
        module._normlab_call = len(calls) - 1

    def post(module, inputs, output):
        stack.pop()
        calls[module._normlab_call]["outputs"] = _shapes(output)

    for m in model.modules():
        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    error = None
    try:
        with torch.no_grad():
            model(*_to(_as_args(args), device), **_to(kwargs or {}, device))
    except Exception as e:  # noqa: BLE001 -- PyTorch's exception is what we record
        where = stack[-1] if stack else None
        error = {"type": type(e).__name__, "message": str(e).split("\n")[0],
                 "module": names.get(id(where), "") if where is not None else ""}
    finally:
        for h in handles:
            h.remove()
    called = {c["name"] for c in calls}
    never = [n for n, _ in model.named_modules() if n and n not in called]
    return calls, error, never


def _norm_kind(module):
    for path, kind in NORM_KINDS:
        owner, _, name = path.rpartition(".")
        cls = sys.modules.get(owner) and getattr(sys.modules[owner], name, None)
        if cls is None and owner == "torch.nn":
            cls = getattr(torch.nn, name, None)
        if cls is not None and isinstance(module, cls):
            return kind
    return None


def _config(module, kind):
    def num(v):
        return None if v is None else float(v)
    if kind in ("batch_norm", "instance_norm"):
        return {"num_features": module.num_features, "eps": num(module.eps),
                "momentum": num(module.momentum), "affine": bool(module.affine),
                "track_running_stats": bool(module.track_running_stats)}
    if kind == "group_norm":
        return {"num_groups": module.num_groups, "num_channels": module.num_channels,
                "eps": num(module.eps), "affine": bool(module.affine)}
    return {"normalized_shape": list(module.normalized_shape), "eps": num(module.eps),
            "elementwise_affine": bool(module.elementwise_affine),
            "bias": getattr(module, "bias", None) is not None}


class _Capture:
    """Forward hooks that save each normalization layer's first call into a directory."""

    def __init__(self, model, directory, cap_bytes):
        self.dir, self.cap, self.layers, self.saved_buffers = directory, cap_bytes, [], []
        self.names = {id(m): n for n, m in model.named_modules()}
        self.pending = {}
        os.makedirs(os.path.join(directory, "layers"), exist_ok=True)

    def _save(self, folder, name, tensor):
        import numpy as np
        t = tensor.detach().cpu()
        if t.dtype in (torch.float16, torch.bfloat16):
            t = t.float()
        rel = f"layers/{folder}/{name}.npy"
        np.save(os.path.join(self.dir, rel), t.contiguous().numpy())
        return rel

    def pre(self, module, inputs):
        kind = _norm_kind(module)
        if kind is None or not inputs or not torch.is_tensor(inputs[0]):
            return
        if id(module) in self.pending or any(l["name"] == self.names.get(id(module)) for l in self.layers):
            return  # the first call of a module is the one captured
        x = inputs[0]
        buffers = {k: v.detach().clone() for k, v in module.named_buffers(recurse=False) if v is not None}
        self.saved_buffers.append((module, buffers))
        self.pending[id(module)] = (x, buffers, module.training)

    def post(self, module, inputs, output):
        if id(module) not in self.pending or not torch.is_tensor(output):
            return
        x, buffers, training = self.pending.pop(id(module))
        kind = _norm_kind(module)
        name = self.names.get(id(module), "")
        folder = f"{len(self.layers):03d}_" + "".join(c if c.isalnum() else "_" for c in name or "root")
        os.makedirs(os.path.join(self.dir, "layers", folder), exist_ok=True)
        # Bytes as saved: float16 and bfloat16 become float32, the rest keep their size.
        saved = 4 if x.dtype in (torch.float16, torch.bfloat16) else x.element_size()
        per_sample = (x[0].numel() if x.dim() > 0 and x.shape[0] > 0 else x.numel()) * saved
        keep = x.shape[0] if x.dim() == 0 or x.numel() * saved <= self.cap else max(1, self.cap // max(per_sample, 1))
        files = {"input": self._save(folder, "input", x[:keep] if x.dim() else x),
                 "output": self._save(folder, "output", output[:keep] if output.dim() else output)}
        for key in ("weight", "bias"):
            p = getattr(module, key, None)
            if torch.is_tensor(p):
                files[key] = self._save(folder, key, p)
        for key in ("running_mean", "running_var"):
            if key in buffers:
                files[key] = self._save(folder, key, buffers[key])
        layer = {"name": name, "type": type(module).__name__, "kind": kind,
                 "repr": type(module).__name__ + "(" + module.extra_repr() + ")",
                 "training": bool(training), "config": _config(module, kind),
                 "input_shape": list(x.shape), "dtype": str(x.dtype).replace("torch.", ""),
                 "captured_samples": int(keep) if x.dim() else None, "files": files}
        if "num_batches_tracked" in buffers:
            layer["num_batches_tracked"] = int(buffers["num_batches_tracked"])
        self.layers.append(layer)

    def restore(self):
        """Puts back the buffers a training-mode forward changed (running statistics)."""
        with torch.no_grad():
            for module, buffers in self.saved_buffers:
                for key, value in buffers.items():
                    getattr(module, key).copy_(value)


def _capture(model, args, kwargs, directory, cap_mib, lengths, mask, generated):
    import numpy as np
    capture = _Capture(model, directory, int(cap_mib * (1 << 20)))
    handles = []
    for m in model.modules():
        handles.append(m.register_forward_pre_hook(capture.pre))
        handles.append(m.register_forward_hook(capture.post))
    try:
        calls, error, never = _run(model, args, kwargs, "cpu")
    finally:
        for h in handles:
            h.remove()
        capture.restore()
    first = _shapes((args, kwargs or {}))
    manifest = {"normlab_capture": CAPTURE_FORMAT, "torch_version": torch.__version__.split("+")[0],
                "model_class": type(model).__name__, "input": first[0] if first else None,
                "inputs": _structure({"args": list(_as_args(args)), "kwargs": kwargs or {}}),
                "generated": generated, "training": bool(model.training),
                "running_statistics": "restored to their values before the capture",
                "lengths": None, "mask": None, "cap_mib": cap_mib, "layers": capture.layers,
                "error": error}
    if lengths is not None:
        np.save(os.path.join(directory, "lengths.npy"), np.asarray(lengths, dtype=np.int64))
        manifest["lengths"] = "lengths.npy"
    if mask is not None:
        np.save(os.path.join(directory, "mask.npy"), np.asarray(mask, dtype=bool))
        manifest["mask"] = "mask.npy"
    write_json(os.path.join(directory, "capture.json"), manifest)
    return calls, error, never, manifest


def trace(model, args, out_path, kwargs=None, try_meta=False, activations=False, cap_mib=64,
          lengths=None, mask=None, generated=None):
    """Runs `model(*args, **kwargs)` once and writes the trace to `out_path` (JSON).

    `args`: one tensor, or a tuple or list of positional arguments (tensors, nested lists and
    dicts of tensors, or any other value, passed as it is); `kwargs`: keyword arguments. The
    model runs in the mode it is in (model.train() / model.eval() before calling, as you
    would), under torch.no_grad(). Every call of every module is recorded (a module called
    twice appears twice), and the modules never called are listed.

    try_meta moves the model to the meta device (PyTorch 2.x) and so drops its weights: the
    command line does it on a model it built itself; from a notebook, pass True only for a
    throwaway copy.

    activations=True: `out_path` is a directory; the model runs for real on the inputs and every
    normalization layer's input, output, parameters and statistics are written there with
    capture.json (see the module's docstring), and the trace as trace.json. `lengths` ([N]
    ints) or `mask` ([N, L] booleans, True = valid) describe padding, when there is some.
    `generated`: how the inputs were made when they are not real data ("normal"), recorded
    in the manifest."""
    if activations:
        check_capture_target(out_path)
    else:
        check_trace_target(out_path)
    modules = _module_table(model)
    described = _structure({"args": list(_as_args(args)), "kwargs": kwargs or {}})
    flat = _shapes((args, kwargs or {}))
    if activations:
        os.makedirs(out_path, exist_ok=True)
        calls, error, never, manifest = _capture(model, args, kwargs, out_path, cap_mib, lengths,
                                                 mask, generated)
        doc = {"normlab_trace": FORMAT, "torch_version": torch.__version__.split("+")[0],
               "device": "cpu", "training": bool(model.training), "input": flat,
               "inputs": described, "calls": calls, "not_called": never, "error": error,
               "modules": modules}
        write_json(os.path.join(out_path, "trace.json"), doc)
        doc["capture"] = manifest
        return doc
    device, calls, error, never = "cpu", None, None, []
    if try_meta and hasattr(torch, "device") and tuple(int(p) for p in torch.__version__.split(".")[:2] if p.isdigit()) >= (2, 0):
        try:
            meta_model = model.to("meta")
            calls, error, never = _run(meta_model, args, kwargs, "meta")
            device = "meta"
            if error and "meta" in error["message"].lower():
                calls = None  # a module without meta support: run for real below
        except Exception:  # noqa: BLE001
            calls = None
    if calls is None:
        device = "cpu"
        calls, error, never = _run(model.to("cpu"), args, kwargs, "cpu")
    doc = {"normlab_trace": FORMAT, "torch_version": torch.__version__.split("+")[0],
           "device": device, "training": bool(model.training), "input": flat,
           "inputs": described, "calls": calls, "not_called": never, "error": error,
           "modules": modules}
    write_json(out_path, doc)
    return doc


def _load(spec):
    """Imports FILE.py (its folder on sys.path meanwhile, so that it may import modules beside
    it) and calls FUNCTION. It returns the model, or (model, args) / (model, args, kwargs)."""
    path, _, function = spec.partition(":")
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)
    try:
        module_spec = importlib.util.spec_from_file_location("normlab_user_model", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        built = getattr(module, function or "build")()
    finally:
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    if isinstance(built, tuple) and built and isinstance(built[0], torch.nn.Module):
        if len(built) == 2:
            return built[0], built[1], None
        if len(built) == 3:
            return built[0], built[1], built[2]
        raise ValueError(f"{spec} returned a tuple of {len(built)}: give the model, "
                         "(model, args) or (model, args, kwargs)")
    if not isinstance(built, torch.nn.Module):
        raise ValueError(f"{spec} returned a {type(built).__name__}, not a torch.nn.Module")
    return built, None, None


DTYPES = {"float": "float32", "float32": "float32", "float64": "float64", "double": "float64",
          "half": "float16", "float16": "float16", "bfloat16": "bfloat16", "long": "int64",
          "int64": "int64", "int": "int32", "int32": "int32", "bool": "bool"}


def _shape_input(text, default_dtype, generate):
    """'2,3,224,224' or 'long:2,16': a tensor of that shape, zeros (or, with generate='normal',
    standard normal values for floating dtypes)."""
    dtype_name, _, dims = text.rpartition(":")
    dtype = getattr(torch, DTYPES[dtype_name or default_dtype])
    shape = [int(d) for d in dims.split(",") if d.strip()]
    if any(d < 0 for d in shape):
        raise ValueError(f"--input-shape {text}: dims must be 0 or more")
    if generate == "normal" and dtype.is_floating_point:
        return torch.randn(shape, generator=torch.Generator().manual_seed(0)).to(dtype)
    return torch.zeros(shape, dtype=dtype)


def _file_input(path):
    """A .npy array, or a .pt / .pth file holding a tensor (or a tuple, list or dict of them:
    torch.load with weights_only, so that it runs no code from the file)."""
    if path.endswith((".pt", ".pth")):
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except TypeError:  # a PyTorch without weights_only: refuse rather than unpickle
            raise ValueError(f"{path}: this PyTorch cannot load a .pt file safely "
                             "(weights_only); save the input as .npy") from None
    import numpy as np
    return torch.from_numpy(np.load(path, allow_pickle=False))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True,
                   help="FILE.py:FUNCTION returning the model, or (model, args) or "
                        "(model, args, kwargs) to trace with")
    p.add_argument("--input-shape", action="append", default=[],
                   help="[dtype:]DIMS, e.g. 2,3,224,224 or long:2,16; repeat for each positional "
                        "argument (zeros, or --generate normal)")
    p.add_argument("--input", action="append", default=[],
                   help="an input as .npy (or .pt holding tensors); repeat for each positional "
                        "argument (real data, for --activations)")
    p.add_argument("--dtype", default="float", choices=sorted(DTYPES),
                   help="dtype of --input-shape inputs without one of their own")
    p.add_argument("--generate", choices=["normal"],
                   help="with --activations and --input-shape: generated standard normal data "
                        "(recorded in the capture), instead of refusing to capture zeros")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--train", action="store_true", help="trace in training mode")
    mode.add_argument("--eval", action="store_true", help="trace in eval mode")
    p.add_argument("--out", help="the trace (JSON); not needed with --activations")
    p.add_argument("--activations", metavar="DIR",
                   help="run for real and save every normalization layer's tensors into DIR")
    p.add_argument("--cap-mib", type=float, default=64,
                   help="most MiB of input saved per layer (then the first samples; default 64)")
    p.add_argument("--lengths", help="valid lengths per sample, .npy of N ints")
    p.add_argument("--mask", help="valid positions, .npy of [N, L] booleans")
    p.add_argument("--progress", action="store_true",
                   help="say on stderr which module runs (for NormLab's Trace with Python)")
    a = p.parse_args(argv)
    if a.progress:
        _progress_at[0] = 0.0
    if not a.out and not a.activations:
        p.error("give --out (a trace) or --activations DIR (a capture)")
    if a.input and a.input_shape:
        p.error("give --input files or --input-shape shapes, not both")
    if a.activations and a.input_shape and not a.generate:
        p.exit(2, "normlab_trace.py: --activations records your data's statistics: give the "
                  "input as --input FILE.npy, or ask for generated data with --generate normal "
                  "(zeros would make every channel look dead)\n")
    # Refused before the model is built or anything is written.
    try:
        check_capture_target(a.activations) if a.activations else check_trace_target(a.out)
    except RefusedWrite as e:
        p.exit(2, f"normlab_trace.py: {e}\n")
    for path in [a.model.partition(":")[0], *a.input, a.lengths, a.mask]:
        if path is not None and not _is_regular(path):
            p.exit(2, f"normlab_trace.py: {path} is not a regular file (or does not exist)\n")
    if torch is None:
        p.exit(2, "normlab_trace.py: PyTorch is not installed for " + sys.executable + "\n")
    try:
        model, args, kwargs = _load(a.model)
        if a.input:
            args = tuple(_file_input(f) for f in a.input)
        elif a.input_shape:
            args = tuple(_shape_input(t, a.dtype, a.generate) for t in a.input_shape)
    except (ValueError, KeyError, OSError) as e:
        p.exit(2, f"normlab_trace.py: {e}\n")
    if args is None:
        p.exit(2, "normlab_trace.py: give --input or --input-shape (or return (model, args) "
                  "from the build function)\n")
    if a.train or a.eval:
        model.train(a.train)
    mode_said = ("training" if model.training else "eval") + " mode, " + (
        "as --train / --eval asked" if a.train or a.eval else "as the build function left it")
    generated = a.generate if a.input_shape else None
    if a.activations:
        import numpy as np
        doc = trace(model, args, a.activations, kwargs=kwargs, activations=True,
                    cap_mib=a.cap_mib, lengths=np.load(a.lengths) if a.lengths else None,
                    mask=np.load(a.mask) if a.mask else None, generated=generated)
        print(f"{len(doc['capture']['layers'])} normalization layers captured in {a.activations} "
              f"({mode_said}; running statistics restored"
              + (f"; inputs generated: {generated}" if generated else "") + ")")
    else:
        doc = trace(model, args, a.out, kwargs=kwargs, try_meta=True)
    print(f"{len(doc['calls'])} module calls on {doc['device']} ({mode_said})"
          + _error_summary(doc["error"]))


def _error_summary(error):
    if not error:
        return ""
    if error["module"]:
        return f"; PyTorch raised {error['type']} in {error['module']}"
    return f"; the model's own code raised {error['type']} outside any module: {error['message']}"


def _is_regular(path):
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
