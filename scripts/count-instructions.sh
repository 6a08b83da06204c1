#!/usr/bin/env bash
# Instructions per node (tree sum) and per call (fib) of the fork/join fast
# path, counted by callgrind on one worker: the plain serial function,
# Spice's protocol written by hand (bench/protocol_floor.cpp), the kernel
# written by hand against the runtime API, and what spice-rewrite emits.
# Counts, unlike times, repeat exactly whatever else the machine does.
#
#   scripts/count-instructions.sh [build dir]     (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
bin=$build/bench/bench_fastpath_count
command -v valgrind >/dev/null || { echo "count-instructions: needs valgrind" >&2; exit 1; }
[[ -x $bin ]] || cmake --build "$build" --target bench_fastpath_count >/dev/null

count() { # variant kernel n -> instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
printf '%-10s %-12s %12s\n' kernel variant "instr/unit"
for spec in "tree_sum 1048575 1048575" "fib 25 242785"; do
  read -r kernel n units <<<"$spec"  # units: nodes, or calls of fib(25)
  base=$(count none "$kernel" "$n")
  for variant in serial protocol handwritten rewritten; do
    total=$(count "$variant" "$kernel" "$n")
    awk -v t="$total" -v b="$base" -v u="$units" -v k="$kernel" -v v="$variant" \
      'BEGIN { printf "%-10s %-12s %12.1f\n", k, v, (t - b) / u }'
  done
done
