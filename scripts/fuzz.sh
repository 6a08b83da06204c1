#!/usr/bin/env bash
# Differential fuzzer of spice-rewrite and the runtime (docs/fuzzing.md).
#   scripts/fuzz.sh [N] [options of test/fuzz/fuzz.py...]
# Runs N random programs (default: until Ctrl-C), each against its serial
# elision, with g++ and clang++ at 1, 2 and 4 workers, every 8th also under
# TSan and ASan+UBSan. Failing programs are kept, with their logs and a
# minimized version, in fuzz-out/ (gitignored). The first seed is random
# unless --start S is given; the summary line names the failing seeds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SPICE_BUILD_DIR:-$root/build}
count=0
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  count=$1
  shift
fi
if [[ ! -x $build/tool/spice-rewrite ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j 2 --target spice-rewrite spice_runtime >/dev/null
start=$(( ($(date +%s) % 100000) * 1000 ))
echo "fuzz: starting at seed $start (override with --start S)"
exec python3 "$root/test/fuzz/fuzz.py" \
  --rewrite "$build/tool/spice-rewrite" \
  --runtime "$build/runtime/libspice_runtime.a" \
  --out "$root/fuzz-out" --start "$start" --count "$count" --shrink "$@"
