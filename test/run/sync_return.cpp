// Joins that give each path its own copy of the return that follows
// (test/rewrite/sync_return.cpp shows the code), on every worker count: a
// recursion whose return calls the parallel function again, a struct result
// returned by a return that syncs, a discarded result, a void spawn before
// `return;`, a future a branch may have joined, and a taker's exception
// rethrown by the shared path.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>

struct Pair {
  long lo, hi;
};

[[spice::parallel]] long sum(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(sum, n - 1);
  long b = sum(n - 2);
  spice::sync();
  return a + (b > 40 ? sum(int(b % 7)) : b);
}

[[spice::parallel]] Pair halves(int n) {
  if (n < 2)
    return Pair{n, 1};
  Pair p = spice::spawn(halves, n - 1);
  Pair q = halves(n - 2);
  return Pair{p.lo + q.lo, p.hi + q.hi + 1};
}

[[spice::parallel]] long count(int n) {
  if (n < 2)
    return 1;
  spice::spawn(count, n - 1);
  long b = count(n - 2);
  spice::sync();
  return b + 1;
}

[[spice::parallel]] void walk(int n, std::atomic<long> *leaves) {
  if (n < 2) {
    leaves->fetch_add(1, std::memory_order_relaxed);
    return;
  }
  spice::spawn(walk, n - 1, leaves);
  walk(n - 2, leaves);
  spice::sync();
  return;
}

[[spice::parallel]] long maybe(int n, bool early) {
  if (n < 2)
    return n;
  long a = spice::spawn(maybe, n - 1, !early);
  long b = maybe(n - 2, early);
  if (early)
    spice::sync();
  spice::sync();
  return a + b;
}

[[spice::parallel]] long thrower(int n, int bad) {
  if (n == bad)
    throw std::runtime_error("bad " + std::to_string(n));
  if (n < 2)
    return n;
  long a = spice::spawn(thrower, n - 1, bad);
  long b = thrower(n - 2, bad);
  spice::sync();
  return a + b;
}

int main() {
  std::printf("sum(27) = %ld\n", sum(27));
  Pair p = halves(26);
  std::printf("halves(26) = %ld %ld\n", p.lo, p.hi);
  std::printf("count(26) = %ld\n", count(26));
  std::atomic<long> leaves{0};
  walk(26, &leaves);
  std::printf("walk(26) leaves = %ld\n", leaves.load());
  std::printf("maybe(26) = %ld %ld\n", maybe(26, true), maybe(26, false));
  for (int bad : {1, 5, 20}) {
    try {
      std::printf("thrower(24, %d) = %ld\n", bad, thrower(24, bad));
    } catch (const std::exception &e) {
      std::printf("thrower(24, %d) threw %s\n", bad, e.what());
    }
  }
  std::printf("thrower(24, 30) = %ld\n", thrower(24, 30));
}
// Every build prints the same lines (run_spice.py); these values are
// computed apart from the program.
// CHECK: sum(27) = 146
// CHECK-NEXT: halves(26) = 121393 392835
// CHECK-NEXT: count(26) = 14
// CHECK-NEXT: walk(26) leaves = 196418
// CHECK-NEXT: maybe(26) = 121393 121393
// CHECK-NEXT: thrower(24, 1) threw bad 1
// CHECK-NEXT: thrower(24, 5) threw bad 5
// CHECK-NEXT: thrower(24, 20) threw bad 20
// CHECK-NEXT: thrower(24, 30) = 46368
