// Declaration spawn, ordinary call of a parallel function, sync, return.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}

int main() {
  for (int n : {0, 1, 10, 25, 35})
    std::printf("fib(%d) = %ld\n", n, fib(n));
}
// CHECK: fib(0) = 0
// CHECK-NEXT: fib(1) = 1
// CHECK-NEXT: fib(10) = 55
// CHECK-NEXT: fib(25) = 75025
// CHECK-NEXT: fib(35) = 9227465
