#!/usr/bin/env bash
# Runs the benchmark suite (docs/benchmarks.md): builds the bench executables
# in Release in their own build directory, measures the machine's ceiling
# (bench_ceiling: k serial copies on k threads, k up to the CPU count), runs
# every benchmark on every system at every worker count, and writes
# bench/results/<name>.csv, <name>-paired.csv, <name>-ceiling.csv, <name>.md,
# <name>.log and <name>-*.svg. Prints a
# markdown summary (ratios to serial, targets) ready to paste into
# docs/benchmarks.md.
#
#   scripts/bench.sh            quick version (small sizes, 3 samples)
#   scripts/bench.sh --full     the full suite (the issue's sizes, 7 samples)
#   scripts/bench.sh --huge     adds the 10^8-node tree (combine with --full)
#   scripts/bench.sh --loops    the loop benchmarks (sum, saxpy, mandelbrot,
#                               spmv, small) instead; --loops --full: the
#                               issue's sizes
#
# Options:
#   --name NAME          results name (default: quick, full, full-huge,
#                        loops-quick or loops-full)
#   --threads "1 2 4"    worker counts (default: 1 2 4 8 16 32)
#   --samples N          measured samples per configuration
#   --sizes "fib:30 ..." replace the benchmark list (benchmark:n ...); loop
#                        and recursive benchmarks may be mixed
#   --systems "spice tbb" only these systems (spice, spice-handwritten, tbb,
#                        omp; loops: spice, spice-handwritten, tbb,
#                        omp-static, omp-dynamic); each
#                        benchmark runs on the listed systems that have it
#   --build-dir DIR      build directory (default: build-bench)
#   --no-build           use the executables already in the build directory
#   --rewrite PATH       use this prebuilt spice-rewrite instead of building
#                        tool/ (SPICE_REWRITE_EXECUTABLE)
#   --no-tool            build without spice-rewrite (no `spice` system)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

mode=quick
huge=0
loops=0
systems_given=0
name=""
threads="1 2 4 8 16 32"
samples=""
sizes=""
systems="spice spice-handwritten tbb omp omp-static omp-dynamic"
build="$root/build-bench"
do_build=1
tool=ON
rewrite=""
while (($#)); do
  case "$1" in
    --full) mode=full ;;
    --quick) mode=quick ;;
    --huge) huge=1 ;;
    --loops) loops=1 ;;
    --name) name=$2; shift ;;
    --threads) threads=$2; shift ;;
    --samples) samples=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --systems) systems=$2; systems_given=1; shift ;;
    --build-dir) build=$(realpath -m "$2"); shift ;;
    --no-build) do_build=0 ;;
    --rewrite) rewrite=$(realpath "$2"); shift ;;
    --no-tool) tool=OFF ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if ((loops)) && [[ $mode == full ]]; then
  : "${sizes:=sum:100000000 saxpy:100000000 mandelbrot:2048 spmv:1000000 small:1000}"
elif ((loops)); then
  : "${sizes:=sum:10000000 saxpy:10000000 mandelbrot:512 spmv:100000 small:1000}"
fi
if [[ $mode == full ]]; then
  : "${sizes:=tree_sum:1023 tree_sum:16777215 fib:35 quicksort:10000000 nqueens:14}"
  : "${samples:=7}"
  target_ms=100
  settle_ms=20
else
  : "${sizes:=tree_sum:1023 tree_sum:262143 fib:25 quicksort:1000000 nqueens:10}"
  : "${samples:=3}"
  target_ms=10
  settle_ms=5
fi
((huge)) && sizes="$sizes tree_sum:100000000"
if [[ -z $name ]]; then
  name=$mode
  ((loops)) && name="loops-$name"
  ((huge)) && name="$name-huge"
fi
results="$root/bench/results"
mkdir -p "$results"

if ((do_build)); then
  mkdir -p "$build"
  configure() {
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_COMPILER="${CXX:-g++}" -DSPICE_BUILD_TESTS=OFF \
      -DSPICE_BUILD_EXAMPLES=OFF -DSPICE_BUILD_TOOL="$1" \
      -DSPICE_REWRITE_EXECUTABLE="$2" >"$build/configure.log" 2>&1
  }
  [[ $tool == OFF ]] && rewrite=""
  echo "== build ($build, Release, spice-rewrite: ${rewrite:-$tool})" >&2
  if ! { configure "$tool" "$rewrite" && cmake --build "$build" --target bench_all; }; then
    if [[ $tool == ON ]]; then
      echo "bench.sh: WARNING: building with spice-rewrite failed" \
        "(see $build/configure.log and the output above);" \
        "building without it: the rewritten 'spice' system will be missing" >&2
      configure OFF "" && cmake --build "$build" --target bench_all
    else
      cat "$build/configure.log" >&2
      exit 1
    fi
  fi
fi
bin="$build/bench"

# The executable of system $1 for benchmark $2: bench_loops_<system> for the
# loop benchmarks, bench_<system> for the others.
exe_of() {
  case "$2" in
    sum|saxpy|mandelbrot|spmv|small) echo "$bin/bench_loops_${1//-/_}" ;;
    *) echo "$bin/bench_${1//-/_}" ;;
  esac
}
present=()
for s in $systems; do
  found=0
  for size in $sizes; do
    [[ -x $(exe_of "$s" "${size%%:*}") ]] && found=1
  done
  if ((found)); then
    present+=("$s")
  elif ((systems_given)); then # the defaults hold systems of either kind
    echo "bench.sh: WARNING: system '$s' has no executable for these" \
      "benchmarks in $bin; skipped" >&2
  fi
done
((${#present[@]})) || { echo "bench.sh: nothing to run" >&2; exit 1; }

# What the numbers were measured on; goes at the top of <name>.md.
machine="$build/machine-$name.md"
{
  echo "## Run \`$name\` ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
  echo "- Machine: ${cpu:-unknown CPU}, $(nproc) CPUs available" \
    "($(lscpu 2>/dev/null | sed -n 's/^Thread(s) per core: *//p' | head -1) thread(s) per core)," \
    "$(free -g | awk '/^Mem:/ {print $2}') GiB, Linux $(uname -r)"
  echo "- Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Compiler: $("${CXX:-g++}" --version | head -1);" \
    "flags: $(sed -n 's/^CMAKE_CXX_FLAGS_RELEASE:STRING=//p' "$build/CMakeCache.txt") -std=c++17" \
    "(bench_omp adds -fopenmp: libgomp of the same GCC; the loop benchmarks" \
    "add -fno-math-errno -fno-trapping-math -fno-signed-zeros -fassociative-math)"
  tbbv=$(dpkg-query -W -f='${Version}' libtbb-dev 2>/dev/null || true)
  echo "- oneTBB: ${tbbv:-unknown} (Debian libtbb-dev)"
  echo "- Commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$(git -C "$root" status --porcelain 2>/dev/null | grep -q . && echo '(with uncommitted changes)')"
  echo "- Mode: $name; sizes: $sizes; workers: $threads;" \
    "$samples samples after a warm-up, ~${target_ms} ms per sample, ${settle_ms} ms settle"
  envs=$(env | grep -E '^(OMP_|GOMP_|KMP_|TBB_|SPICE_)' | sort | tr '\n' ' ' || true)
  echo "- Runtime environment variables: ${envs:-none (all defaults)}"
} >"$machine"
if env | grep -qE '^(OMP_|GOMP_|TBB_)'; then
  echo "bench.sh: NOTE: OpenMP/TBB environment variables are set;" \
    "the suite means to measure the defaults" >&2
fi

raw="$build/raw-$name.csv"
log="$results/$name.log"
echo "benchmark,system,threads,n,items,serial_wall_s,serial_cpu_s,wall_s,cpu_s" >"$raw"
: >"$log"
thread_list=$(echo $threads | tr ' ' ',')
start=$SECONDS

# The machine's own ceiling at each worker count up to its CPU count: k
# independent serial copies on k threads (bench/ceiling.cpp). Recursive
# benchmarks only.
ceiling="$build/ceiling-$name.csv"
echo "benchmark,n,threads,alone_s,together_s,ceiling" >"$ceiling"
ceiling_list=$(for t in $threads; do if ((t > 1 && t <= $(nproc))); then echo "$t"; fi; done | paste -sd, -)
if [[ -n $ceiling_list && -x $bin/bench_ceiling ]]; then
  for size in $sizes; do
    case "${size%%:*}" in
      tree_sum|fib|quicksort|nqueens)
        "$bin/bench_ceiling" "${size%%:*}" "${size#*:}" --threads="$ceiling_list" \
          --samples="$samples" --target-ms="$target_ms" \
          >>"$ceiling" 2> >(tee -a "$log" >&2) ;;
    esac
  done
fi

for size in $sizes; do
  bench=${size%%:*}
  n=${size#*:}
  for s in "${present[@]}"; do
    exe=$(exe_of "$s" "$bench")
    [[ -x $exe ]] || continue # e.g. omp-static has no recursive benchmarks
    "$exe" "$bench" "$n" --threads="$thread_list" \
      --samples="$samples" --target-ms="$target_ms" --settle-ms="$settle_ms" \
      >>"$raw" 2> >(tee -a "$log" >&2)
  done
done
echo "== ran in $((SECONDS - start)) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "- Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$machine"

python3 "$root/bench/report.py" "$raw" --name "$name" --out "$results" \
  --machine "$machine" --ceiling "$ceiling"
