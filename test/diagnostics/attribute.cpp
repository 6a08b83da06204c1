// Misuse of the attribute itself.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

[[spice::parallel(3)]] int f(int x) { return x; }
// CHECK: attribute.cpp:[[@LINE-1]]:3: error: 'spice::parallel' attribute takes no arguments

[[spice::parallel]] int counter = 0;
// CHECK: attribute.cpp:[[@LINE-1]]:3: error: 'spice::parallel' attribute only applies to functions

struct S {
  [[spice::parallel]] S() {}
  // CHECK: attribute.cpp:[[@LINE-1]]:5: error: {{\[\[}}spice::parallel{{\]\]}} cannot mark a constructor
};
