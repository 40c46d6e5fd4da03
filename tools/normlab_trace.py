#!/usr/bin/env python3
"""Records what a model's real forward pass does, for `normlab-cli diagnose --trace`.

Every module call, in execution order: its dotted name (as named_modules() gives it), class,
repr line, the shapes and dtypes of its tensor inputs and outputs, and the training flag.
When the forward raises, the module it was raised in (the innermost one entered and not
left) and PyTorch's exact message. PyTorch only (1.13 to 2.x); nothing NormLab-specific is
needed to read the JSON.

Command line:
    python3 normlab_trace.py --model my_model.py:build --input-shape 2,3,224,224 --out trace.json
        (build() returns the model; --dtype long for token ids; --eval for eval mode)
In a notebook:
    import normlab_trace
    normlab_trace.trace(model, x, "trace.json")

From the command line, where PyTorch supports it (2.x), the model runs on the meta device: shapes without memory
or arithmetic, so tracing a large model is quick. Otherwise (or if a module does not support
meta tensors) it runs on the CPU with zeros.
"""
import argparse
import importlib.util
import json
import sys

import torch

FORMAT = 1


def _shapes(values):
    out = []
    for v in values if isinstance(values, (tuple, list)) else (values,):
        if torch.is_tensor(v):
            out.append({"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")})
    return out


def _repr_line(module):
    children = list(module.children())
    if not children:
        return repr(module)
    return type(module).__name__ + "(" + module.extra_repr() + ")"


def _run(model, x, device):
    calls, stack, handles = [], [], []
    names = {id(m): n for n, m in model.named_modules()}

    def pre(module, inputs):
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
            model(x.to(device) if device != "cpu" else x)
    except Exception as e:  # noqa: BLE001 -- PyTorch's exception is what we record
        where = stack[-1] if stack else None
        error = {"type": type(e).__name__, "message": str(e).split("\n")[0],
                 "module": names.get(id(where), "") if where is not None else ""}
    finally:
        for h in handles:
            h.remove()
    return calls, error


def trace(model, x, out_path, try_meta=False):
    """Runs `model` on `x` once and writes the trace to `out_path` (JSON).

    try_meta moves the model to the meta device (PyTorch 2.x) and so drops its weights: the
    command line does it on a model it built itself; from a notebook, pass True only for a
    throwaway copy."""
    device, calls, error = "cpu", None, None
    if try_meta and hasattr(torch, "device") and tuple(int(p) for p in torch.__version__.split(".")[:2] if p.isdigit()) >= (2, 0):
        try:
            meta_model = model.to("meta")
            calls, error = _run(meta_model, x.to("meta"), "meta")
            device = "meta"
            if error and "meta" in error["message"].lower():
                calls = None  # a module without meta support: run for real below
        except Exception:  # noqa: BLE001
            calls = None
    if calls is None:
        device = "cpu"
        calls, error = _run(model.to("cpu"), x.to("cpu"), "cpu")
    doc = {"normlab_trace": FORMAT, "torch_version": torch.__version__.split("+")[0],
           "device": device, "input": _shapes(x), "calls": calls, "error": error}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)
    return doc


def _load(spec):
    path, _, function = spec.partition(":")
    module_spec = importlib.util.spec_from_file_location("normlab_user_model", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, function or "build")()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, help="FILE.py:FUNCTION returning the model")
    p.add_argument("--input-shape", required=True, help="e.g. 2,3,224,224")
    p.add_argument("--dtype", default="float", choices=["float", "long"])
    p.add_argument("--eval", action="store_true", help="trace in eval mode")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    model = _load(a.model)
    model.train(not a.eval)
    shape = [int(d) for d in a.input_shape.split(",")]
    x = torch.zeros(shape, dtype=torch.long) if a.dtype == "long" else torch.zeros(shape)
    doc = trace(model, x, a.out, try_meta=True)
    print(f"{len(doc['calls'])} module calls on {doc['device']}"
          + (f"; PyTorch raised {doc['error']['type']} in {doc['error']['module']}" if doc["error"] else ""))


if __name__ == "__main__":
    sys.exit(main())
