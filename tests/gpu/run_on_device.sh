#!/bin/sh
# A lent GPU comes with about 15 minutes, start included: this does the whole device check
# in one go and writes one summary. Run it first on any machine with an NVIDIA GPU:
#
#   sh tests/gpu/run_on_device.sh [SUMMARY_FILE]      (default: gpu-summary.txt; also $OUT/)
#
# 1. configure and build only what a GPU run needs (normlab-cli, tst_cuda), native
#    architecture only, in build-gpu/;
# 2. the kernels' registers and stack frames for this GPU's architecture (check_ptx.sh);
#    ctest -L gpu (CUDA against the CPU on every variant, the out-of-memory check);
# 3. compute-sanitizer --tool racecheck and --tool synccheck on tst_cuda, where the machine
#    has it (a line in the summary otherwise);
# 4. tests/bench/compare_pytorch.py --device cuda (quick rounds), where PyTorch with CUDA is
#    installed; its table.
# Each step has a time limit, so the whole stays within about 8 minutes after the build.
set -u
cd "$(dirname "$0")/../.."
summary="${1:-gpu-summary.txt}"
log="$(mktemp -d)"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }
step() { # step NAME SECONDS COMMAND...: runs it, records pass/fail/timeout and the tail
  name="$1"; limit="$2"; shift 2
  start=$(date +%s)
  timeout "$limit" "$@" > "$log/$name.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  case $rc in
    0) say "## $name: passed in ${secs}s" ;;
    124) say "## $name: TIMED OUT after ${limit}s" ;;
    *) say "## $name: FAILED (exit $rc) in ${secs}s" ;;
  esac
  tail -n 40 "$log/$name.log" >> "$summary"
  say ""
  return $rc
}

say "# NormLab device run, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>/dev/null | sed 's/^/GPU: /' | tee -a "$summary"
say ""
arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '.')
[ -n "$arch" ] || arch=90
step configure 120 cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DNORMLAB_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$arch" -DNORMLAB_FUZZ=OFF || exit 1
step build 420 cmake --build build-gpu --target normlab-cli tst_cuda || exit 1
step ptx 90 sh tests/gpu/check_ptx.sh "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)" . "$arch"
step ctest_gpu 180 ctest --test-dir build-gpu -L gpu --output-on-failure -V
if command -v compute-sanitizer >/dev/null 2>&1; then
  # Small sizes: the racecheck and synccheck tools slow kernels down a hundredfold.
  step racecheck 120 compute-sanitizer --tool racecheck --error-exitcode 3 build-gpu/tests/tst_cuda cudaMatchesCpuEverywhere
  step synccheck 120 compute-sanitizer --tool synccheck --error-exitcode 3 build-gpu/tests/tst_cuda cudaMatchesCpuEverywhere
else
  say "## racecheck, synccheck: skipped (compute-sanitizer is not on this machine)"
  say ""
fi
if python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  step compare_pytorch 240 python3 tests/bench/compare_pytorch.py --cli build-gpu/app/normlab-cli \
    --device cuda --rounds 3 --repeat 5
else
  say "## compare_pytorch: skipped (no PyTorch with CUDA on this machine)"
  say ""
fi
[ -n "${OUT:-}" ] && cp "$summary" "$OUT/" 2>/dev/null
echo "summary: $summary"
