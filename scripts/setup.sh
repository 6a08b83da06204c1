#!/usr/bin/env bash
# Installs what spice needs from Debian's packages. Idempotent: apt runs only
# when a package is missing.
set -euo pipefail

packages=(
  clang-19 llvm-19-dev libclang-19-dev llvm-19-tools  # spice-rewrite, lit, FileCheck
  cmake ninja-build make g++ python3                   # the build (make: consumer test)
  libgtest-dev libbenchmark-dev                        # tests and micro-benchmarks
  libtbb-dev                                           # oneTBB baseline in bench/
  gnuplot-nox                                          # bench/ plots
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
