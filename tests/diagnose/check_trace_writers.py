#!/usr/bin/python3
"""ctest `trace_writers` (label cli; no PyTorch needed): tools/normlab_trace.py replaces only
what it wrote itself. A user's file or folder given as --out or --activations survives byte
for byte, and the refusal comes before the model is even built; a trace or capture the
script wrote, an absent path and an empty folder are accepted.

  check_trace_writers.py TRACE_SCRIPT
"""
import contextlib
import importlib.util
import io
import os
import sys
import tempfile

spec = importlib.util.spec_from_file_location("normlab_trace", sys.argv[1])
trace_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(trace_script)

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def snapshot(root):
    """Every file under root with its bytes, and every folder."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for d in dirs:
            out[os.path.relpath(os.path.join(folder, d), root)] = None
        for f in files:
            path = os.path.join(folder, f)
            with open(path, "rb") as h:
                out[os.path.relpath(path, root)] = h.read()
    return out


def run_main(argv):
    """main() as the command line runs it: its exit code and what it printed to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = trace_script.main(argv)
        except SystemExit as e:
            code = e.code
    return code, err.getvalue()


with tempfile.TemporaryDirectory() as tmp:
    model = os.path.join(tmp, "model.py")
    with open(model, "w") as f:
        f.write("raise SystemExit('the model must not be built when the write is refused')\n")
    notes = os.path.join(tmp, "notes.json")
    with open(notes, "w") as f:
        f.write('{"mine": true}\n')
    user_dir = os.path.join(tmp, "results")
    os.makedirs(user_dir)
    for name in ("capture.json", "trace.json", "lengths.npy", "mask.npy"):
        with open(os.path.join(user_dir, name), "w") as f:
            f.write("the user's " + name)
    before = snapshot(tmp)

    # Refused, before anything is built or written, with a message naming the path.
    for argv, what in [
        (["--model", model + ":build", "--input-shape", "2,3", "--out", model], "--out MODEL.py"),
        (["--model", model + ":build", "--input-shape", "2,3", "--out", notes], "--out user JSON"),
        (["--model", model + ":build", "--input-shape", "2,3", "--out", user_dir], "--out folder"),
        (["--model", model + ":build", "--input-shape", "2,3", "--generate", "normal",
          "--activations", user_dir], "--activations user folder"),
        (["--model", model + ":build", "--input-shape", "2,3", "--generate", "normal",
          "--activations", notes], "--activations file"),
    ]:
        code, err = run_main(argv)
        check(code == 2, f"{what}: exit {code}, not 2")
        check("nothing was written" in err or "not a folder" in err or "is a folder" in err,
              f"{what}: no clear message: {err!r}")
        check("Traceback" not in err, f"{what}: a traceback: {err!r}")
    # A capture of zeros is refused unless generated data is asked for, before anything runs.
    code, err = run_main(["--model", model + ":build", "--input-shape", "2,3",
                          "--activations", os.path.join(tmp, "new_capture")])
    check(code == 2 and "--generate normal" in err, f"zeros captured: {code} {err!r}")
    check(not os.path.exists(os.path.join(tmp, "new_capture")), "a refused capture made its folder")
    check(snapshot(tmp) == before, "a refused run changed the user's files")

    # Accepted: absent, a NormLab trace, an empty folder, a NormLab capture.
    mine = os.path.join(tmp, "trace.json")
    trace_script.check_trace_target(mine)
    trace_script.write_json(mine, {"normlab_trace": 1, "calls": []})
    trace_script.check_trace_target(mine)  # its own trace may be replaced
    trace_script.write_json(mine, {"normlab_trace": 1, "calls": [1]})
    with open(mine) as f:
        check('"calls": [\n  1\n ]' in f.read(), "the trace was not replaced")
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    trace_script.check_capture_target(empty)
    trace_script.check_capture_target(os.path.join(tmp, "new"))
    capture = os.path.join(tmp, "capture")
    os.makedirs(capture)
    trace_script.write_json(os.path.join(capture, "capture.json"), {"normlab_capture": 1})
    trace_script.check_capture_target(capture)
    check(not [n for n in os.listdir(tmp) if n.endswith(".partial")], "a partial file was left")

    # A JSON file that merely mentions the key later on is not a trace.
    lookalike = os.path.join(tmp, "lookalike.json")
    with open(lookalike, "w") as f:
        f.write('{"mine": 1, "normlab_trace": 1}')
    try:
        trace_script.check_trace_target(lookalike)
        failures.append("a user's JSON naming normlab_trace later was taken for a trace")
    except trace_script.RefusedWrite:
        pass

for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
