// spawn and sync outside a parallel function, also in a lambda body inside
// one; no output file is written.
// RUN: rm -f %t.out
// RUN: not %spice-rewrite %s -o %t.out 2>&1 | FileCheck %s
// RUN: not test -e %t.out
#include <spice/spice.h>

int f(int x) { return x; }

int plain(int n) {
  int a = spice::spawn(f, n);
  // CHECK: outside.cpp:[[@LINE-1]]:11: error: 'spice::spawn' outside a {{\[\[}}spice::parallel{{\]\]}} function
  spice::sync();
  // CHECK: outside.cpp:[[@LINE-1]]:3: error: 'spice::sync' outside a {{\[\[}}spice::parallel{{\]\]}} function
  return a;
}

[[spice::parallel]] int par(int n) {
  auto g = [n] {
    int b = spice::spawn(f, n);
    // CHECK: outside.cpp:[[@LINE-1]]:13: error: 'spice::spawn' outside
    // CHECK: note: a lambda body does not belong to the parallel function
    return b;
  };
  return g();
}

[[spice::parallel]] int with_local_class(int n) {
  struct Local {
    int run(int m) {
      int c = spice::spawn(f, m);
      // CHECK: outside.cpp:[[@LINE-1]]:15: error: 'spice::spawn' outside a {{\[\[}}spice::parallel{{\]\]}} function
      spice::sync();
      // CHECK: outside.cpp:[[@LINE-1]]:7: error: 'spice::sync' outside a {{\[\[}}spice::parallel{{\]\]}} function
      return c;
    }
  };
  return Local{}.run(n);
}
