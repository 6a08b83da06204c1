// A spawn that is a sub-expression, a sync inside an expression, and a
// spawn whose argument is not a call or callable.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

int f(int x) { return x; }

[[spice::parallel]] int g(int n) {
  int x = 0;
  x = 1 + spice::spawn(f, 2);
  // CHECK: bad_form.cpp:[[@LINE-1]]:11: error: 'spice::spawn' must be a whole statement, the initializer of a variable declaration, or the right side of an assignment statement
  // CHECK-NEXT: x = 1 + spice::spawn(f, 2);
  // CHECK-NEXT: {{^ *\| *\^~+$}}
  if (spice::spawn(f, n))
    // CHECK: bad_form.cpp:[[@LINE-1]]:7: error: 'spice::spawn' must be
    x = 2;
  int y = spice::spawn(n + 1);
  // CHECK: bad_form.cpp:[[@LINE-1]]:24: error: cannot spawn this: the argument of a one-argument spice::spawn must be a call f(args...) or a callable
  spice::sync();
  return x + y;
}
