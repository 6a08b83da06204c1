// An inline parallel function defined in a header, called from ordinary
// code and from a parallel function here.
// RUN: %run-spice %t %s | FileCheck %s
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/headers/Inputs/inline_fib.h
// RUN: nm -C %t/parallel-gcc | FileCheck %s --check-prefix=SYM
#include "Inputs/inline_fib.h"

#include <cstdio>

[[spice::parallel]] long two(int n) {
  long a = spice::spawn(hfib, n);
  long b = hfib(n - 1);
  spice::sync();
  return a + b;
}

int main() { std::printf("fib %ld two %ld\n", hfib(34), two(33)); }
// CHECK: fib 5702887 two 5702887
// HDR: inline long spice_parallel_hfib(spice::Task{{.*}}, int n) {
// HDR: inline long hfib(int n) {
// SYM: spice_parallel_hfib(
