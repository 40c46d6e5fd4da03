#!/bin/sh
# What the CUDA kernels compile to, checked without a GPU (ctest: cuda_ptx):
#   every kernel has a 0-byte stack frame (no local memory: no dynamically indexed array,
#   no spill);
#   the PTX holds at most MAX_DIV 64-bit div/rem instructions (a 64-bit division is a
#   software routine; the index arithmetic divides by multiply-high, device_index.h).
# Prints one line per kernel: registers, stack frame, name.
#
#   sh tests/gpu/check_ptx.sh NVCC SOURCE_DIR [ARCH] [MAX_DIV]
set -eu
nvcc="$1"; src="$2"; arch="${3:-90}"; max_div="${4:-16}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags="-std=c++17 -O3 -arch=sm_$arch -I$src/compute/include -I$src/compute/cuda"
# Every file of kernels (forward_kernels.cu, backward_kernels.cu), their reports together.
: > "$work/kernels.ptx"
: > "$work/ptxas.txt"
for file in "$src"/compute/cuda/*_kernels.cu; do
  "$nvcc" $flags -ptx "$file" -o "$work/part.ptx"
  cat "$work/part.ptx" >> "$work/kernels.ptx"
  "$nvcc" $flags -c "$file" -o "$work/part.o" -Xptxas -v >> "$work/ptxas.txt" 2>&1
done
# ptxas -v: "Compiling entry function 'NAME'", then "N bytes stack frame", "Used R registers".
awk '
  /Compiling entry function/ { name = $0; sub(/.*function ./, "", name); sub(/. for .*/, "", name) }
  /bytes stack frame/ { stack = $1 }
  /Used [0-9]+ registers/ { regs = $0; sub(/.*Used /, "", regs); sub(/ registers.*/, "", regs)
                            printf "%4s registers %4s bytes stack  %s\n", regs, stack, name }' \
  "$work/ptxas.txt" | c++filt | sed -E 's/normlab::cuda::\(anonymous namespace\):://; s/\(.*//' \
  > "$work/kernels.txt"
cat "$work/kernels.txt"
kernels=$(wc -l < "$work/kernels.txt")
with_stack=$(awk '$3 + 0 > 0' "$work/kernels.txt" | wc -l)
divs=$(grep -cE '(div|rem)\.(s|u)64' "$work/kernels.ptx" || true)
echo "sm_$arch: $kernels kernels, $with_stack with a stack frame; $divs 64-bit div/rem in the PTX (at most $max_div)"
[ "$kernels" -gt 0 ] || { echo "no kernel found in the ptxas report"; exit 1; }
[ "$with_stack" -eq 0 ] || exit 1
[ "$divs" -le "$max_div" ] || exit 1
