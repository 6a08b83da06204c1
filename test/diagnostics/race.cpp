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

// A lambda copies what it captures by value where it is written.
[[spice::parallel]] long captured(long n) {
  long a = spice::spawn(fib, n);
  auto byCopy = [a] { return a; };
  // CHECK: race.cpp:[[@LINE-1]]:18: error: read of spawned result 'a' before the next spice::sync()
  long b = spice::spawn(fib, n);
  auto init = [k = b + 1] { return k; };
  // CHECK: race.cpp:[[@LINE-1]]:20: error: read of spawned result 'b' before the next spice::sync()
  long c = spice::spawn(fib, n);
  auto implicit = [=] { return c * 2; };
  // CHECK: race.cpp:[[@LINE-1]]:32: error: read of spawned result 'c' before the next spice::sync()
  spice::sync();
  return byCopy() + init() + implicit();
}

[[spice::parallel]] long fine(long n) {
  long a = spice::spawn(fib, n);
  auto byReference = [&a] { return a; };
  auto allByReference = [&] { return a + 1; };
  auto unrelated = [n] { return n; };
  spice::sync();
  long c = a + 1;
  return c + byReference() + allByReference() + unrelated();
}
// CHECK-NOT: error:
