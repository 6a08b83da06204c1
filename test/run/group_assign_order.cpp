// In the group form too (spawns in a loop), an assignment spawn evaluates
// its arguments before its destination, as C++17 orders `lhs = rhs`: the
// destination's index has a side effect the argument would see otherwise
// (results[k] = 2k serially). Also in a switch, where a case label follows.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdio>

int twice(int x) { return 2 * x; }

[[spice::parallel]] int order(int n, int mode) {
  int results[8] = {};
  int i = 0;
  for (int k = 0; k < n; ++k)
    results[i++] = spice::spawn(twice, i);
  switch (mode) {
  case 0:
    results[i++] = spice::spawn(twice, i);
    break;
  case 1:
    results[i++] = spice::spawn(twice, i);
    break;
  }
  keep_busy();
  spice::sync();
  for (int k = 0; k < 8; ++k)
    std::printf("%d ", results[k]);
  std::printf("i=%d\n", i);
  return i;
}

int main() { return order(4, 0) + order(3, 1) == 9 ? 0 : 1; }
// CHECK: 0 2 4 6 8 0 0 0 i=5
// CHECK-NEXT: 0 2 4 6 0 0 0 0 i=4
