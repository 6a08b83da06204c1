#!/usr/bin/env bash
# Builds everything and runs every test suite: the runtime's unit and stress
# tests (plain, under ThreadSanitizer, under AddressSanitizer+UBSan), the lit
# suites of spice-rewrite, a bounded run of the differential fuzzer (ctest),
# and the CMake consumer projects.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"

jobs=$(nproc)
build="$root/build"

echo "== build (Release)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs"

echo "== tests (Release)"
ctest --test-dir "$build" --output-on-failure -j "$jobs"

echo "== consumer projects (install + find_package, add_subdirectory; Ninja, Makefiles)"
"$root/scripts/test-consumer.sh" "$build"

for san in thread address; do
  echo "== runtime tests under sanitizer: $san"
  sbuild="$root/build-$san"
  cmake -S "$root" -B "$sbuild" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSPICE_SANITIZER=$san -DSPICE_BUILD_TOOL=OFF -DSPICE_BUILD_EXAMPLES=OFF \
    -DSPICE_BUILD_BENCH=OFF >/dev/null
  cmake --build "$sbuild" -j "$jobs"
  ctest --test-dir "$sbuild" --output-on-failure -j "$jobs"
done
echo "== all test suites passed"
