// Comments before the ';' of a spawn or sync and between a parallel call's
// name and its '(' (rewritten to the parallel version, not left serial).
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h"
#include <spice/spice.h>

#include <cstdio>

static int f(int x) { return x + 1; }

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a;
  a = spice::spawn(fib, n - 1) /*c*/;
  long b = fib /*c*/ (n - 2);
  int c = spice::spawn(f, n) /* x */;
  if (n == 20) // the top call: lets its spawns move to another worker
    keep_busy();
  spice::sync() /*d*/;
  return a + b + c - f(n);
}

int main() { std::printf("%ld\n", fib(20)); }
// CHECK: 6765
