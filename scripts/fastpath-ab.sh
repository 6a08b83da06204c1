#!/usr/bin/env bash
# Times variants of the fork/join fast path side by side in one process
# (bench/fastpath_ab; docs/benchmarks.md, "Fast-path experiments"): each
# named variant of bench/fastpath_ab/variants.py is the rewritten benchmark
# kernels and the runtime with a few edits, all linked into one executable
# and run in interleaved rounds against the plain serial function. Runs with
# address-space randomisation off and pinned to one CPU where it can, since
# on a VM the layout alone moves the small kernels by up to 40%. On one
# worker, the tree and fib kernels also run `protocol-by-hand`: Spice's
# fork/join protocol written by hand (bench/protocol_floor.cpp), the floor.
#
#   scripts/fastpath-ab.sh [options] VARIANT...     (e.g. base no-shared-check)
#     --build DIR     a build directory with bench_spice built (default:
#                     build-bench): its rewritten kernels and serial object
#     --kernel K      tree (default), fib or nqueens
#     --n N           tree nodes (default 1023), fib argument (default 25) or
#                     board size (default 10)
#     --workers N     pool size (default 1; variants marked "1 worker only"
#                     give wrong results or hang above 1)
#     --rounds N      interleaved rounds (default 300)
#     --layouts N     link N executables, each with the objects in a random
#                     order, run each and summarise each variant's ratio over
#                     them (median and range): a variant's code lands at
#                     other addresses in each, which alone moves the small
#                     kernels by up to 0.2 of the serial time (default 1)
#     --keep FILE     also copy the executable to FILE (for a disassembler
#                     or callgrind: FILE tree|fib|nqueens N WORKERS ROUNDS)
#     --list          the variants and what each changes
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench
kernel=tree
n=""
workers=1
rounds=300
layouts=1
keep=""
variants=()
while (($#)); do
  case "$1" in
    --build) build=$(realpath "$2"); shift ;;
    --kernel) kernel=$2; shift ;;
    --n) n=$2; shift ;;
    --workers) workers=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --layouts) layouts=$2; shift ;;
    --keep) keep=$(realpath -m "$2"); shift ;;
    --list) exec python3 "$root/bench/fastpath_ab/variants.py" --list ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    -*) echo "fastpath-ab: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) variants+=("$1") ;;
  esac
  shift
done
((${#variants[@]})) || { echo "fastpath-ab: name at least one variant (--list)" >&2; exit 2; }
case "$kernel" in
  tree) : "${n:=1023}" ;;
  fib) : "${n:=25}" ;;
  nqueens) : "${n:=10}" ;;
  *) echo "fastpath-ab: --kernel is tree, fib or nqueens" >&2; exit 2 ;;
esac

rewritten=$build/bench/spice_rewrite/bench_spice/systems/spice.cpp
headers=$build/bench/spice_headers/bench_spice
serial_obj=$build/bench/CMakeFiles/bench_serial.dir/serial.cpp.o
if [[ ! -f $rewritten || ! -f $serial_obj ]]; then
  echo "fastpath-ab: build bench_spice in $build first" \
    "(scripts/bench.sh builds it there)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/fastpath_ab/variants.py" --root "$root" \
  --kernel "$rewritten" --out "$work" "${variants[@]}"

cxx=${CXX:-g++}
objs=()
decls=""
entries=""
pids=()
for v in "${variants[@]}"; do
  id=${v//-/_}
  dir=$work/$v
  flags=(-O3 -DNDEBUG -std=c++17 -pthread "-Dspice=spice_$id"
    "-Dspice_bench=spice_bench_$id" "-DFASTPATH_AB_VARIANT=$id"
    -I"$headers" -I"$root/bench/common" -I"$root/examples/common"
    -I"$root/bench/systems" -I"$dir/include" -I"$dir/src")
  (
    "$cxx" "${flags[@]}" -c "$dir/kernel.cpp" -o "$dir/kernel.o"
    "$cxx" "${flags[@]}" -c "$root/bench/fastpath_ab/glue.cpp" -o "$dir/glue.o"
    for s in "$dir"/src/*.cpp; do
      "$cxx" "${flags[@]}" -c "$s" -o "$dir/$(basename "$s" .cpp).o"
    done
  ) &
  pids+=($!)
  decls="$decls FASTPATH_AB_DECLARE($id)"
  entries="$entries FASTPATH_AB_ENTRY($id)"
done
# Spice's protocol by hand (bench/protocol_floor.cpp): ab.cpp times it next
# to the variants on one worker, as the floor they are measured against.
"$cxx" -O3 -DNDEBUG -std=c++17 -I"$root/bench/common" -I"$root/examples/common" \
  -c "$root/bench/protocol_floor.cpp" -o "$work/protocol_floor.o" &
pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
objs+=("$work/protocol_floor.o")
for v in "${variants[@]}"; do objs+=("$work/$v"/*.o); done
link() { # output, objects in link order
  local out=$1
  shift
  "$cxx" -O3 -std=c++17 -pthread -I"$root/bench/common" -I"$root/examples/common" \
    "-DFASTPATH_AB_DECLS=$decls" "-DFASTPATH_AB_ENTRIES=$entries" \
    "$root/bench/fastpath_ab/ab.cpp" "$@" -o "$out"
}
link "$work/fastpath_ab" "$serial_obj" "${objs[@]}"

[[ -z $keep ]] || cp "$work/fastpath_ab" "$keep"
prefix=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
  prefix=(setarch "$(uname -m)" -R)
fi
if ((workers == 1)) && command -v taskset >/dev/null; then
  prefix=(taskset -c "$(($(nproc) - 1))" "${prefix[@]}")
fi
echo "CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1); $("$cxx" --version | head -1)"
if ((layouts <= 1)); then
  "${prefix[@]}" "$work/fastpath_ab" "$kernel" "$n" "$workers" "$rounds"
  exit 0
fi
for ((l = 1; l <= layouts; ++l)); do
  mapfile -t order < <(printf '%s\n' "$serial_obj" "${objs[@]}" | shuf)
  link "$work/fastpath_ab_$l" "${order[@]}"
  echo "layout $l of $layouts:"
  "${prefix[@]}" "$work/fastpath_ab_$l" "$kernel" "$n" "$workers" "$rounds" |
    tee -a "$work/layouts.txt"
done
python3 - "$work/layouts.txt" "$layouts" <<'PY'
import re, statistics, sys
ratios = {}
for line in open(sys.argv[1]):
    m = re.match(r"^  (\S+)\s+[0-9.]+ ns\s+ratio ([0-9.]+)", line)
    if m:
        ratios.setdefault(m.group(1), []).append(float(m.group(2)))
print("over %s layouts: median of the per-layout ratios [range]" % sys.argv[2])
for name, r in ratios.items():
    print("  %-20s ratio %.3f  [%.3f-%.3f]" % (name, statistics.median(r), min(r), max(r)))
PY
