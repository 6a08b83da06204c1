// A class declared in a header with its parallel member defined in another
// source file; this file spawns and calls the member too. The header is
// rewritten once per file that includes it (two mirror paths), each copy
// declaring the parallel version in the class.
// RUN: %run-spice %t %s %S/Inputs/counter.cpp | FileCheck %s
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/headers/Inputs/counter.h
// RUN: diff %t/headers/Inputs/counter.h %t/headers/counter.h
// RUN: nm -C %t/parallel-gcc | FileCheck %s --check-prefix=SYM
#include "Inputs/counter.h"

#include <cstdio>

[[spice::parallel]] long both(const Counter &c, long n) {
  long first = spice::spawn(&Counter::count, &c, 0, n);
  long second = c.count(n, 2 * n);
  spice::sync();
  return first + second;
}

int main() {
  Counter c(3);
  long total = 0;
  for (int round = 0; round < 20; ++round)
    total += both(c, 100000000) / 1000;
  std::printf("count %ld\n", c.count(0, 1000));
  std::printf("both %ld\n", total);
}
// CHECK: count 1498500
// CHECK-NEXT: both 1199999994000000
// HDR: long count(long lo, long hi) const; long spice_parallel_count(spice::Task{{.*}}, long lo, long hi) const;
// SYM: Counter::spice_parallel_count(
