#!/usr/bin/env python3
"""Measure `normlab-cli diagnose` on corpus2 against PyTorch's recorded truth (corpus2.json).

  measure_corpus2.py NORMLAB_CLI [--half tuned|held_out|both] [--json OUT] [--torch-version 1.13]
                     [--modes with_shape,without_shape,with_shape_b1] [--models a,b] [--per-model]

Needs no PyTorch. For every text of the chosen half(s) it runs, per mode,
  with_shape       NORMLAB_CLI diagnose --model TEXT --input-shape <batch-2 input> --torch-version V
  without_shape    NORMLAB_CLI diagnose --model TEXT --torch-version V
  with_shape_b1    the same with the batch-1 input (truth recorded at batch 1)
(--torch-version defaults to 1.13, the version the truth was recorded with; pass
--torch-version '' to leave it to normlab's default). For list-input detection models the input
given is the batched images tensor B,3,224,224 (what the text's first modules see after
GeneralizedRCNNTransform; the model's own input is a list of images); a fragment gets the input
its block received.

Per normalization layer present in the text: `right` / `wrong` / `unknown` for the dims its check
reads (BatchNorm / InstanceNorm / GroupNorm and the channel-first custom norms: dim 1 and the
rank; LayerNorm and the channels-last custom norms: the trailing normalized dims), compared with
the shape PyTorch's hook saw; `missing` (counted in unknown): no layer of that name in the output;
`never_called`: PyTorch never called it (not scored).
False findings: error/warning findings on a clean text, or at layers other than a mutated text's
mistake layers (at batch 1, the BatchNorms PyTorch raises on for 1 value per channel are expected).
A mistake is found when every one of its layers present in the text has an error/warning finding;
for a found mistake, `action` (of the most severe finding at each layer) is compared with what
PyTorch did with that mistake alone at that layer (raises / warns / silent).
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = ("with_shape", "without_shape", "with_shape_b1")
SEVERE = ("error", "warning")
COUNTS = ("texts", "failed", "norms", "right", "wrong", "wrong_exact", "unknown", "missing", "never_called",
          "false_findings", "clean_texts_with_false", "mistakes", "found", "action_checked", "action_agree",
          "mistake_layers", "layers_flagged")


def run_cli(cli, text, shape, torch_version, retries=20):
    cmd = [cli, "diagnose", "--model", text]
    if shape is not None:
        cmd += ["--input-shape", ",".join(str(d) for d in shape)]
    if torch_version:
        cmd += ["--torch-version", torch_version]
    for attempt in range(retries):
        if not os.path.exists(cli):  # being rebuilt: wait for it
            time.sleep(3)
            continue
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return None, "timed out after 120 s"
        except OSError as e:  # replaced while starting (text file busy, ...)
            time.sleep(3)
            last = str(e)
            continue
        if p.returncode != 0:
            return None, "exit %d: %s" % (p.returncode, p.stderr.strip()[:300])
        try:
            return json.loads(p.stdout), None
        except ValueError as e:
            return None, "output is not JSON: %s" % e
    return None, "binary missing or unusable: %s" % (locals().get("last") or cli)


def tool_name(name, rename):
    if not rename:
        return name
    frm, to = rename["from"], rename["to"]
    if frm == "":
        return to + name
    return to + name[len(frm):]


def verdict(check, truth, tool):
    """right / wrong / unknown for the dims the layer's check reads."""
    if tool is None:
        return "unknown"
    if check == "channel":
        if len(tool) != len(truth):
            return "wrong"
        if len(truth) < 2 or tool[1] is None:
            return "unknown"
        return "right" if tool[1] == truth[1] else "wrong"
    k = int(check.split(":")[1])
    if len(tool) < k:
        return "wrong"
    pairs = list(zip(tool[-k:], truth[-k:]))
    if any(a is not None and a != b for a, b in pairs):
        return "wrong"
    if any(a is None for a, _ in pairs):
        return "unknown"
    return "right"


def severest(fs):
    fs = [f for f in fs if f.get("severity") in SEVERE]
    fs.sort(key=lambda f: SEVERE.index(f["severity"]))
    return fs[0] if fs else None


def measure_text(t, model, mode, cli, torch_version, corpus_dir):
    b = "1" if mode == "with_shape_b1" else "2"
    shape = None if mode == "without_shape" else t["input_shape"][b]
    out, err = run_cli(cli, os.path.join(corpus_dir, t["file"]), shape, torch_version)
    st = dict.fromkeys(COUNTS, 0)
    st["texts"] = 1
    rec = {"id": t["id"], "model": t["model"], "mode": mode, "error": err, "layers": [], "false_findings": [],
           "mistakes": []}
    present = set(t["present"]) if t["present"] is not None else None
    norms = [n for n in model["norms"] if present is None or n["name"] in present]
    if out is None:
        st["failed"] = 1
    layers = {l["name"]: l for l in (out or {}).get("layers", [])}
    findings = (out or {}).get("findings", [])
    by_layer = {}
    for f in findings:
        by_layer.setdefault(f.get("layer"), []).append(f)

    for n in norms:
        st["norms"] += 1
        truth = n["input_shape"][b]
        tn = tool_name(n["name"], t["rename"])
        if truth is None:
            st["never_called"] += 1
            rec["layers"].append({"name": tn, "verdict": "never_called"})
            continue
        l = layers.get(tn)
        if l is None:
            v, cert, got = "unknown", None, None
            st["missing"] += 1
        else:
            got, cert = l.get("input_shape"), l.get("certainty")
            v = verdict(n["check"], truth, got)
        st[v] += 1
        if v == "wrong" and cert == "exact":
            st["wrong_exact"] += 1
        rec["layers"].append({"name": tn, "type": n["type"], "check": n["check"], "truth": truth, "got": got,
                              "certainty": cert, "verdict": v, "missing": l is None})

    expected = set()
    mistakes = []
    if t["mutation"]:
        for m in model["mutations"][t["mutation"]]["mistakes"]:
            here = [x for x in m["layers"] if present is None or x in present]
            if here:
                mistakes.append((m, here))
                expected.update(tool_name(x, t["rename"]) for x in here)
    if b == "1":
        expected.update(tool_name(n["name"], t["rename"]) for n in norms if n.get("batch1_raises"))
    train_only = set()
    if b == "1" and model["mode"] == "eval":
        train_only = {tool_name(n["name"], t["rename"]) for n in norms if n.get("batch1_raises_in_training")}
    for f in findings:
        if f.get("severity") in SEVERE and f.get("layer") not in expected:
            st["false_findings"] += 1
            ff = {k: f.get(k) for k in ("severity", "code", "layer", "action", "message")}
            if f.get("layer") in train_only:
                ff["note"] = "the model runs in eval mode; in training mode PyTorch would raise here at batch 1"
            rec["false_findings"].append(ff)
    if not t["mutation"] and st["false_findings"]:
        st["clean_texts_with_false"] = 1

    for m, here in mistakes:
        st["mistakes"] += 1
        flagged, agree, checked, detail = 0, True, False, []
        for x in here:
            st["mistake_layers"] += 1
            f = severest(by_layer.get(tool_name(x, t["rename"]), []))
            truth = m["per_layer"][x][b]
            d = {"layer": tool_name(x, t["rename"]), "pytorch": truth["action"],
                 "pytorch_exception": truth.get("exception"), "finding": f and f.get("code"),
                 "action": f and f.get("action")}
            detail.append(d)
            if f is None:
                continue
            flagged += 1
            st["layers_flagged"] += 1
            if truth["action"] != "unreached":
                checked = True
                agree = agree and f.get("action") == truth["action"]
        found = flagged == len(here)
        if found:
            st["found"] += 1
            if checked:
                st["action_checked"] += 1
                st["action_agree"] += int(agree)
        rec["mistakes"].append({"id": m["id"], "kind": m["kind"], "layers_present": len(here), "found": found,
                                "action_agrees": found and checked and agree, "layers": detail})
    return st, rec


def add(a, b):
    for k in COUNTS:
        a[k] = a.get(k, 0) + b[k]
    return a


def pct(a, b):
    return "%5.1f%%" % (100.0 * a / b) if b else "    - "


HEADER = ("%-38s %5s %4s %5s %5s %5s %5s %5s %5s %6s %9s %9s"
          % ("", "texts", "fail", "norms", "right", "wrong", "(ex)", "unkn", "(miss)", "false", "mistakes",
             "action"))


def row(label, s):
    scored = s["norms"] - s["never_called"]
    return ("%-38s %5d %4d %5d %5d %5d %5d %5d %5d %6d %4d/%-4d %4d/%-4d  right %s"
            % (label[:38], s["texts"], s["failed"], s["norms"], s["right"], s["wrong"], s["wrong_exact"],
               s["unknown"], s["missing"], s["false_findings"], s["found"], s["mistakes"], s["action_agree"],
               s["action_checked"], pct(s["right"], scored)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cli", help="path to normlab-cli")
    ap.add_argument("--half", choices=("tuned", "held_out", "both"), default="both")
    ap.add_argument("--json", help="write the results as JSON to this file")
    ap.add_argument("--torch-version", default="1.13", help="passed as --torch-version ('' to omit)")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--models", help="only these models (comma-separated)")
    ap.add_argument("--per-model", action="store_true", help="print a row per model (always in --json)")
    ap.add_argument("--require", action="append", default=[], metavar="COUNT<=N|COUNT>=N",
                    help="fail (exit 1) unless every chosen half and mode's total satisfies it, "
                         "e.g. false_findings<=0, wrong<=0, found>=33 (ctest's guard)")
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpus2.json"))
    a = ap.parse_args()
    corpus = json.load(open(a.corpus))
    corpus_dir = os.path.dirname(os.path.abspath(a.corpus))
    modes = [m for m in a.modes.split(",") if m]
    for m in modes:
        if m not in MODES:
            ap.error("unknown mode %s" % m)
    halves = ["tuned", "held_out"] if a.half == "both" else [a.half]
    only = set(a.models.split(",")) if a.models else None

    result = {"cli": os.path.abspath(a.cli), "torch_version": a.torch_version or None,
              "corpus_torch": corpus["torch"], "split": corpus["split"], "halves": {}, "texts": []}
    for half in halves:
        result["halves"][half] = {}
        for mode in modes:
            per_model, total = {}, dict.fromkeys(COUNTS, 0)
            for t in corpus["texts"]:
                if t["half"] != half or (only and t["model"] not in only):
                    continue
                st, rec = measure_text(t, corpus["models"][t["model"]], mode, a.cli, a.torch_version, corpus_dir)
                add(per_model.setdefault(t["model"], dict.fromkeys(COUNTS, 0)), st)
                add(total, st)
                rec["half"] = half
                rec["counts"] = st
                result["texts"].append(rec)
            result["halves"][half][mode] = {"models": per_model, "total": total}

    print("normlab-cli: %s   --torch-version %s   corpus: %s (PyTorch %s)"
          % (result["cli"], a.torch_version or "(default)", os.path.relpath(a.corpus), corpus["torch"]))
    print("norm layers: right / wrong ((ex) = wrong with certainty exact) / unknown ((miss) = not in the output);"
          " false = error/warning findings not at a mistake; mistakes = found/total; action = agrees/checked")
    for half in halves:
        for mode in modes:
            r = result["halves"][half][mode]
            if a.per_model:
                print("\n[%s, %s]" % (half, mode))
                print(HEADER)
                for name in sorted(r["models"]):
                    print(row(name, r["models"][name]))
    print("\nTOTALS")
    print(HEADER)
    for half in halves:
        for mode in modes:
            print(row("%s / %s" % (half, mode), result["halves"][half][mode]["total"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    failed = [r for r in result["texts"] if r["error"]]
    if failed:
        print("\n%d runs failed, e.g. %s (%s): %s" % (len(failed), failed[0]["id"], failed[0]["mode"],
                                                     failed[0]["error"]), file=sys.stderr)
    broken = []
    for rule in a.require:
        op = "<=" if "<=" in rule else ">="
        key, limit = rule.split(op)
        for half in halves:
            for mode in modes:
                value = result["halves"][half][mode]["total"][key]
                if (value > int(limit)) if op == "<=" else (value < int(limit)):
                    broken.append("%s / %s: %s = %d, required %s%s" % (half, mode, key, value, op, limit))
    if failed and a.require:
        broken.append("%d runs failed" % len(failed))
    for b in broken:
        print("REQUIRED: " + b, file=sys.stderr)
    passed = 0 if broken else 1
    if a.require:
        print("%d passed, %d failed" % (passed, 1 - passed))
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
