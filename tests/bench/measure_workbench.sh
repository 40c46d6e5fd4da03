#!/bin/sh
# The workbench's edit-to-redraw latency and memory at real sizes, one markdown row per
# (shape, view): normlab --measure-latency makes EDITS eps edits on a random input of SHAPE
# (InstanceNorm, affine) in an offscreen window and reports medians; the peak resident
# memory is measured from outside by /usr/bin/time, so binaries without that field compare.
#   tests/bench/measure_workbench.sh NORMLAB EDITS SHAPE VIEW...
# e.g. tests/bench/measure_workbench.sh build/app/normlab 5 32,256,2048 slices output
set -eu
normlab=$1 edits=$2 shape=$3
shift 3
for view in "$@"; do
    out=$(/usr/bin/time -f 'peak_kb=%M' "$normlab" --measure-latency "$edits" --shape "$shape" \
        --view "$view" 2>/tmp/normlab-measure.err) || { cat /tmp/normlab-measure.err >&2; exit 1; }
    peak=$(sed -n 's/^peak_kb=//p' /tmp/normlab-measure.err)
    echo "$out" | /usr/bin/python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
shape, view, peak = sys.argv[1:4]
mb = float(peak) * 1024 / 1e6
inp = o["elements"] * 4 / 1e6
stall = o.get("longest_gui_stall_ms")
print("| %s | %.1f M | %s | %.0f | %.0f | %.0f | %.1f | %s | %.0f (%.1fx input) |" % (
    shape, o["elements"] / 1e6, view, o["median_edit_to_redraw_ms"], o["max_edit_to_redraw_ms"],
    o["median_compute_ms"], o["median_redraw_ms"], "-" if stall is None else "%.0f" % stall,
    mb, mb / inp))
' "$shape" "$view" "$peak"
done
