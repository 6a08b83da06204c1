#!/usr/bin/env bash
# Tests spice from the outside, as a user project sees it: installs a built
# tree into a fresh prefix, then configures, builds and runs test/consumer/
# through find_package(Spice) against that prefix and through
# add_subdirectory() of the source tree, each with Ninja and Unix Makefiles.
# For each it checks what every rebuild does:
#   - a second build with no change does nothing;
#   - touching a header reruns exactly the rewrites of the sources including
#     it (a header with a parallel template, whose rewritten copy the build
#     uses, too), touching a source reruns its own, touching spice-rewrite or changing
#     a compile definition reruns all, reconfiguring alone reruns none;
#   - the target's compile options reach spice-rewrite (CXX-only ones too);
#   - compile_commands.json has entries for the original sources, which
#     compile;
#   - a compiler error in user code points at the original file and line;
#   - an error of spice-rewrite fails the build and leaves no rewritten copy.
#
#   scripts/test-consumer.sh [build dir]   (default: build; must be built)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
jobs=$(nproc)

work=$(mktemp -d "${TMPDIR:-/tmp}/spice-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "test-consumer: FAIL ($current): $*" >&2
  exit 1
}
current="install"

# A fresh prefix: only what `cmake --install` puts there.
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  fail "cmake --install failed: $(cat "$work/install.log")"
tool="$prefix/bin/spice-rewrite"
[[ -x $tool ]] || fail "the install has no bin/spice-rewrite"
[[ -f $prefix/include/spice/spice.h ]] || fail "the install has no spice/spice.h"
"$tool" --version >/dev/null || fail "the installed spice-rewrite does not run"

# The consumer's sources are copied so the test can touch them freely.
src="$work/src"
cp -R "$root/test/consumer" "$src"

# The rewritten copies newer than the marker, as "fib main ..." (sorted).
rewritten_since() { # <project build dir> <marker>
  (cd "$1/spice_rewrite/consumer/src" &&
    find . -name '*.cpp' -newer "$2" | sed 's|^\./||; s|\.cpp$||' | sort | tr '\n' ' ' |
    sed 's/ $//')
}

# Builds the consumer after running "$@" (a touch) and checks which rewrites
# reran: expected is a sorted, space-separated list of source base names.
step() { # <dir> <expected> <description> <command...>
  local dir=$1 expected=$2 what=$3
  shift 3
  local marker="$work/marker"
  touch "$marker"
  sleep 0.05 # let the touched file's mtime pass the marker's
  "$@"
  local log="$dir/step.log"
  cmake --build "$dir" -j "$jobs" >"$log" 2>&1 || fail "$what: build failed: $(cat "$log")"
  local got
  got=$(rewritten_since "$dir" "$marker")
  [[ $got == "$expected" ]] ||
    fail "$what: rewrote [$got], expected [$expected]; build log: $(cat "$log")"
  if [[ -z $expected ]] && grep -qE 'spice-rewrite |Building|Linking' "$log"; then
    fail "$what: a build without changes did work: $(cat "$log")"
  fi
  ! grep -q 'warning:' "$log" || fail "$what: warnings: $(cat "$log")"
}

# Nothing left to do, asked the build tool itself.
check_up_to_date() { # <dir> <generator>
  local dir=$1 out
  if [[ $2 == Ninja ]]; then
    out=$(ninja -C "$dir" -n -d explain 2>&1)
    grep -q 'ninja: no work to do' <<<"$out" || fail "ninja -n has work left: $out"
  else
    out=$(cmake --build "$dir" -- -n 2>&1)
    ! grep -qE 'spice-rewrite |Building CXX|Linking' <<<"$out" ||
      fail "make -n has work left: $out"
  fi
}

check_consumer() { # <mode> <generator>
  local mode=$1 gen=$2
  current="$mode, $gen"
  local dir="$work/build-$mode-${gen// /-}"
  local args=(-G "$gen" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
  if [[ $mode == find_package ]]; then
    args+=(-DCMAKE_PREFIX_PATH="$prefix")
  else
    # The runtime is built from the source tree; the tool is the installed
    # one, so the test does not rebuild spice-rewrite (minutes of LLVM).
    args+=(-DSPICE_CONSUMER_SPICE_SOURCE_DIR="$root" -DSPICE_REWRITE_EXECUTABLE="$tool")
  fi
  echo "-- consumer through $mode, $gen"
  cmake -S "$src" -B "$dir" "${args[@]}" >"$dir.configure.log" 2>&1 ||
    fail "configure failed: $(cat "$dir.configure.log")"
  cmake --build "$dir" -j "$jobs" >"$dir.build.log" 2>&1 ||
    fail "build failed: $(cat "$dir.build.log")"
  ! grep -q 'warning:' "$dir.build.log" || fail "warnings: $(cat "$dir.build.log")"
  # fib.cpp was really rewritten; files without the attribute pass through.
  local copies="$dir/spice_rewrite/consumer/src"
  grep -q 'spice::detail::spawn' "$copies/fib.cpp" || fail "fib.cpp was not rewritten"
  for f in main plain; do
    cmp -s "$src/src/$f.cpp" "$copies/$f.cpp" || fail "$f.cpp did not pass through unchanged"
  done
  # The header with a parallel template was rewritten into the build tree,
  # and the program calls the rewritten template (from main.cpp and
  # plain.cpp, which themselves pass through unchanged).
  local algo="$dir/spice_headers/consumer/consumer/algo.h"
  grep -q 'spice_parallel_parallel_sum(spice::Task' "$algo" ||
    fail "include/consumer/algo.h was not rewritten into $algo"
  nm -C "$dir/consumer" >"$dir/consumer.nm"
  grep -q 'spice_parallel_parallel_sum<' "$dir/consumer.nm" ||
    fail "the consumer does not contain the rewritten template"
  # The rewritten program runs on the pool (the serial elision never starts
  # it): SPICE_STATS makes the pool report itself at exit.
  local out
  out=$(SPICE_NUM_THREADS=2 SPICE_STATS=1 "$dir/consumer" 2>&1) || fail "consumer failed: $out"
  grep -q ': ok$' <<<"$out" || fail "consumer printed: $out"
  grep -q '^spice: workers 2, ' <<<"$out" || fail "consumer did not run on the pool: $out"

  # compile_commands.json has entries for the files users edit, with the
  # target's options (those for CXX only too); they compile as they are.
  python3 - "$dir/compile_commands.json" "$src/src" <<'PY' || fail "compile_commands.json: see above"
import json, os, sys
entries = json.load(open(sys.argv[1]))
for name in ("main.cpp", "fib.cpp", "plain.cpp"):
    path = os.path.join(sys.argv[2], name)
    found = [e for e in entries if os.path.join(e["directory"], e["file"]) == path]
    if not found:
        sys.exit("no entry for %s" % path)
    for flag in ("-funsigned-char", "-DCONSUMER_CXX_ONLY=1", "-DCONSUMER_FIB_CUTOFF="):
        if flag not in found[0]["command"]:
            sys.exit("the entry for %s lacks %s: %s" % (name, flag, found[0]["command"]))
PY
  cmake --build "$dir" --target consumer_spice_originals >"$dir.originals.log" 2>&1 ||
    fail "the compile commands of the original sources fail: $(cat "$dir.originals.log")"

  step "$dir" "" "second build, no change" true
  check_up_to_date "$dir" "$gen"
  step "$dir" "fib" "touch include/consumer/params.h" touch "$src/include/consumer/params.h"
  step "$dir" "fib" "touch src/fib_detail.h" touch "$src/src/fib_detail.h"
  step "$dir" "main" "touch src/main.cpp" touch "$src/src/main.cpp"
  step "$dir" "main plain" "touch include/consumer/algo.h" touch "$src/include/consumer/algo.h"
  step "$dir" "main plain" "edit include/consumer/algo.h" \
    sed -i 's|^#endif // CONSUMER_ALGO_H|// edited\n&|' "$src/include/consumer/algo.h"
  grep -q '^// edited' "$algo" || fail "the copy of algo.h did not follow the edit"
  step "$dir" "" "build after the touches, no change" true
  step "$dir" "" "reconfigure, no change" cmake "$dir" >/dev/null
  step "$dir" "fib main plain" "a new compile definition" \
    cmake -DCONSUMER_FIB_CUTOFF=3 "$dir" >/dev/null
  step "$dir" "fib main plain" "touch spice-rewrite" touch "$tool"
  check_up_to_date "$dir" "$gen"
  out=$("$dir/consumer") || fail "consumer failed after rebuilds: $out"

  # A compiler error in user code: reported at the original file and line.
  local log="$dir/error.log" line
  line=$(grep -n 'consumer-test: compile error here' "$src/src/compile_error.cpp" | cut -d: -f1)
  if cmake --build "$dir" --target consumer_compile_error >"$log" 2>&1; then
    fail "consumer_compile_error built"
  fi
  grep -qE "^$src/src/compile_error\.cpp:$line:[0-9]+: error:" "$log" ||
    fail "the compile error does not point at compile_error.cpp:$line: $(cat "$log")"
  ! grep -qE 'spice_rewrite/[^:]*:[0-9]+:[0-9]+: error:' "$log" ||
    fail "an error points into the rewritten copy: $(cat "$log")"

  # An error of the tool: at the original file and line, no copy left.
  line=$(grep -n 'consumer-test: tool error here' "$src/src/tool_error.cpp" | cut -d: -f1)
  if cmake --build "$dir" --target consumer_tool_error >"$log" 2>&1; then
    fail "consumer_tool_error built"
  fi
  grep -qE "$src/src/tool_error\.cpp:$line:[0-9]+: error:" "$log" ||
    fail "the tool error does not point at tool_error.cpp:$line: $(cat "$log")"
  [[ ! -e $dir/spice_rewrite/consumer_tool_error/src/tool_error.cpp ]] ||
    fail "spice-rewrite left a rewritten copy after its error"
}

for mode in find_package add_subdirectory; do
  for gen in Ninja "Unix Makefiles"; do
    check_consumer "$mode" "$gen"
  done
done
echo "test-consumer: all consumer checks passed"
