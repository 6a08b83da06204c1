// Regression: a frame that called a parallel function (during which the
// heartbeat shared the caller's job) and then forks or calls again must not
// link onto a job that left the list (issue 8: the stale job-list tail).
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdio>
#include <stdexcept>

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}

[[spice::parallel]] long count(long lo, long hi) {
  if (hi - lo < 64) {
    long s = 0;
    for (long i = lo; i < hi; ++i)
      s += i % 7;
    return s;
  }
  long mid = lo + (hi - lo) / 2;
  long a = spice::spawn(count, lo, mid);
  long b = count(mid, hi);
  spice::sync();
  return a + b;
}

// A call, then another call: the second one forks onto whatever the first
// left as the tail.
[[spice::parallel]] long combo(int n) { return fib(n) + count(0, 2000L * n); }

[[spice::parallel]] long two(int n) {
  long a = spice::spawn(combo, n);
  long b = spice::spawn(combo, n - 1);
  keep_busy();
  spice::sync();
  return a + b;
}

// Two spawn/sync rounds: the second round's spawns follow a sync that ran a
// spawn in place.
[[spice::parallel]] long rounds(int n) {
  long a = spice::spawn(combo, n);
  long b = spice::spawn(combo, n - 2);
  spice::sync();
  long c = spice::spawn(combo, n - 1);
  long d = combo(n - 3);
  spice::sync();
  return a + b + c + d;
}

[[spice::parallel]] long thrower(int n) {
  if (n == 0)
    throw std::runtime_error("boom");
  return fib(n);
}

// A catch handler that calls a parallel function, then spawns.
[[spice::parallel]] long recover(int n) {
  long r = 0;
  try {
    long x = spice::spawn(thrower, 0);
    long y = fib(n);
    spice::sync();
    r = x + y;
  } catch (const std::exception &) {
    long y = combo(n);
    long z = spice::spawn(combo, n - 1);
    spice::sync();
    r = y + z;
  }
  return r;
}

int main() {
  long sums[3] = {};
  for (int i = 0; i < 100; ++i) {
    sums[0] += two(18);
    sums[1] += rounds(18);
    sums[2] += recover(16);
  }
  std::printf("two %ld\nrounds %ld\nrecover %ld\n", sums[0], sums[1], sums[2]);
}
// CHECK: two 21417500
// CHECK-NEXT: rounds 40176100
// CHECK-NEXT: recover 18758600
