#!/usr/bin/env bash
# Builds everything and runs the main demo: a parallel tree sum over a large
# balanced binary tree, next to the serial time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
build="$root/build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target tree_sum_demo
"$build/examples/tree_sum_demo" "$@"
