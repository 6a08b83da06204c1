// A parallel function cannot be constexpr: its entry point runs on the pool.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

[[spice::parallel]] constexpr long fib(long n) {
  // CHECK: constexpr.cpp:[[@LINE-1]]:36: error: a {{\[\[}}spice::parallel]] function cannot be constexpr: its entry point runs on the thread pool, which no constant expression can; keep a separate constexpr function for constant evaluation
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}
