// A parallel function declared in a header and defined in another source
// file, called and spawned from a parallel function of this file.
// RUN: %run-spice %t %s %S/Inputs/split_sum_def.cpp | FileCheck %s
#include "Inputs/split_sum.h"

#include <cstdio>

[[spice::parallel]] long both(long n) {
  long first = spice::spawn(split::sum_to, 0, n);
  long second = split::sum_to(n, 2 * n);
  spice::sync();
  return first + second;
}

int main() { std::printf("both %ld\n", both(100000000)); }
// CHECK: both 19999999900000000
