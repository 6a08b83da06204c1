// Exceptions from loop bodies: of several throwing iterations, the first in
// range order is rethrown at the end of the loop (the serial elision stops
// there), from parallel_for and parallel_reduce, in a parallel function and
// in main, and from a nested loop; the pool keeps working afterwards.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/loop_work.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

static std::uint64_t checked(long i, long bad1, long bad2) {
  std::uint64_t x = work(i);
  if (i == bad1 || i == bad2)
    throw std::runtime_error("iteration " + std::to_string(i));
  return x;
}

[[spice::parallel]] std::uint64_t reduce_throws(long n, long bad1, long bad2) {
  return spice::parallel_reduce(
      0L, n, std::uint64_t(0), [&](long i) { return checked(i, bad1, bad2); },
      [](std::uint64_t a, std::uint64_t b) { return a + b; });
}

int main() {
  std::vector<std::uint64_t> out(20000);
  // The later index is listed first: order of the throws does not matter.
  try {
    spice::parallel_for(0, 20000,
                        [&](int i) { out[i] = checked(i, 15000, 6000); });
    std::printf("for: no exception\n");
  } catch (const std::exception &e) {
    std::printf("for: %s\n", e.what());
  }
  try {
    reduce_throws(20000, 19999, 12345);
    std::printf("reduce: no exception\n");
  } catch (const std::exception &e) {
    std::printf("reduce: %s\n", e.what());
  }
  try {
    spice::parallel_for(0, 60, [&](int r) {
      spice::parallel_for(0, 300,
                          [&](int c) { checked(r * 300 + c, 20000, 9001); });
    });
    std::printf("nested: no exception\n");
  } catch (const std::exception &e) {
    std::printf("nested: %s\n", e.what());
  }
  std::printf("after %llu\n", (unsigned long long)reduce_throws(10000, -1, -1));
}
// CHECK: for: iteration 6000
// CHECK-NEXT: reduce: iteration 12345
// CHECK-NEXT: nested: iteration 9001
// CHECK-NEXT: after {{[0-9]+}}
