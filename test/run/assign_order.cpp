// An assignment spawn evaluates as C++17 orders `lhs = rhs`: the spawn's
// arguments first, then the destination. Here the destination's index has a
// side effect that the argument would see if the destination were bound
// first (results[0] = 1, results[1] = 2 serially).
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdio>

int twice(int x) { return 2 * x; }

[[spice::parallel]] int order() {
  int results[3] = {};
  int i = 0;
  results[i++] = spice::spawn(twice, i);
  results[i++] = spice::spawn(twice, i);
  keep_busy();
  spice::sync();
  std::printf("%d %d %d i=%d\n", results[0], results[1], results[2], i);
  return results[0] + results[1];
}

int main() { std::printf("sum %d\n", order()); }
// CHECK: 0 2 0 i=2
// CHECK-NEXT: sum 2
