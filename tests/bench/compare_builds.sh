#!/bin/sh
# The portable build's speed against the native one (NORMLAB_NATIVE_ARCH OFF vs ON): the
# same normlab-cli bench cases on both binaries, alternating, one markdown row per case with
# the portable/native ratio of the medians (above 1: the portable build is slower).
#   tests/bench/compare_builds.sh PORTABLE_CLI NATIVE_CLI [REPEAT]
# e.g. tests/bench/compare_builds.sh build-package/app/normlab-cli build/app/normlab-cli
set -eu
portable=$1 native=$2 repeat=${3:-15}
specs=$(mktemp -d)
trap 'rm -rf "$specs"' EXIT
echo '{"variant": "layer_norm", "normalized_shape": [1024], "dtype": "float32"}' > "$specs/ln.json"
echo '{"variant": "batch_norm", "num_features": 64, "dtype": "float32"}' > "$specs/bn.json"
echo '{"variant": "group_norm", "num_features": 256, "num_groups": 32, "dtype": "float32"}' > "$specs/gn.json"
echo "| case | portable ms | native ms | portable / native |"
echo "|---|---|---|---|"
for case in "ln 4096,1024" "ln 4096,1024 --backward" "bn 32,64,56,56" "bn 32,64,56,56 --backward" \
            "gn 8,256,32,32" "gn 8,256,32,32 --backward"; do
    set -- $case
    spec=$1 shape=$2 backward=${3:-}
    p=0 n=0
    for round in 1 2 3; do # alternate the binaries: a busy machine slows both alike
        pm=$("$portable" bench --spec "$specs/$spec.json" --shape "$shape" $backward --repeat "$repeat" \
            | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
        nm=$("$native" bench --spec "$specs/$spec.json" --shape "$shape" $backward --repeat "$repeat" \
            | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
        p="$p $pm" n="$n $nm"
    done
    /usr/bin/python3 -c '
import statistics, sys
name, p, n = sys.argv[1], [float(v) for v in sys.argv[2].split()[1:]], [float(v) for v in sys.argv[3].split()[1:]]
mp, mn = statistics.median(p), statistics.median(n)
print("| %s | %.2f | %.2f | %.2f |" % (name, mp, mn, mp / mn))
' "$spec $shape $backward" "$p" "$n"
done
