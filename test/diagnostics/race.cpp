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

// Parts of a local: the element or member the spawn stores into, and what
// contains it, count; other parts do not.
struct Pair {
  long x, y;
};

[[spice::parallel]] long parts(long n) {
  long arr[3] = {};
  arr[1] = spice::spawn(fib, n);
  long c = arr[1];
  // CHECK: race.cpp:[[@LINE-1]]:12: error: read of spawned result 'arr[1]' before the next spice::sync()
  // CHECK: race.cpp:[[@LINE-3]]:12: note: 'arr[1]' is spawned here
  Pair p{};
  p.x = spice::spawn(fib, n);
  Pair q = p;
  // CHECK: race.cpp:[[@LINE-1]]:12: error: read of spawned result 'p.x' before the next spice::sync()
  Pair r{};
  r.y = spice::spawn(fib, n);
  r.y = 4;
  // CHECK: race.cpp:[[@LINE-1]]:3: error: write to spawned result 'r.y' before the next spice::sync()
  spice::sync();
  return c + q.x + r.y;
}

[[spice::parallel]] long fine(long n) {
  long a = spice::spawn(fib, n);
  auto byReference = [&a] { return a; };
  auto allByReference = [&] { return a + 1; };
  auto unrelated = [n] { return n; };
  spice::sync();
  long c = a + 1;
  long arr[3] = {};
  arr[0] = spice::spawn(fib, n);
  arr[2] = arr[1] + 1;
  Pair p{};
  p.x = spice::spawn(fib, n);
  p.y = 2;
  long d = p.y;
  int i = 0;
  arr[i++] = spice::spawn(fib, n);
  arr[i++] = spice::spawn(fib, n);
  spice::sync();
  return c + byReference() + allByReference() + unrelated() + arr[2] + d +
         p.x;
}
// CHECK-NOT: error:
