// Reads and writes of a spawned result before the next sync.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

long fib(long n) { return n; }

[[spice::parallel]] long read_early(long n) {
  long a = spice::spawn(fib, n);
  long c = a + 1;
  // CHECK: race.cpp:[[@LINE-1]]:12: error: read of spawned result 'a' before the next spice::sync(): the spawned call may still be running
  // CHECK: race.cpp:[[@LINE-3]]:12: note: 'a' is spawned here
  spice::sync();
  return a + c;
}

[[spice::parallel]] long write_early(long n) {
  long b;
  b = spice::spawn(fib, n);
  b = 3;
  // CHECK: race.cpp:[[@LINE-1]]:3: error: write to spawned result 'b' before the next spice::sync()
  spice::sync();
  return b;
}

[[spice::parallel]] long fine(long n) {
  long a = spice::spawn(fib, n);
  spice::sync();
  long c = a + 1;
  return c;
}
// CHECK-NOT: error:
