// A spawn written by a macro cannot be rewritten: its callee and arguments
// are not in the file as the macro's user wrote them. Macros in a spawn's
// arguments are fine.
// RUN: not %spice-rewrite %s -- -std=c++17 2>&1 | FileCheck %s
#include <spice/spice.h>

#define SPAWN_FIB(x) spice::spawn(fib, x)
#define SPAWN(...) spice::spawn(__VA_ARGS__)
#define CALLEE fib
#define TWO 2

[[spice::parallel]] long fib(int n) {
  if (n < TWO)
    return n;
  long a = SPAWN_FIB(n - 1);
  // CHECK: macro.cpp:[[@LINE-1]]:12: error: cannot rewrite a spawn written inside a macro expansion
  long b = SPAWN(fib, n - TWO);
  // CHECK: macro.cpp:[[@LINE-1]]:12: error: cannot rewrite a spawn written inside a macro expansion
  long c = spice::spawn(CALLEE, n - TWO);
  // CHECK: macro.cpp:[[@LINE-1]]:12: error: cannot rewrite a spawn written inside a macro expansion
  long d = spice::spawn(fib, n - TWO);
  // CHECK-NOT: macro.cpp:[[@LINE-1]]:{{.*}}error
  spice::sync();
  return a + b + c + d;
}
// CHECK: 3 errors generated.
