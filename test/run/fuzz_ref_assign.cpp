// Found by the fuzzer (test/fuzz: seed 1, nested block; seed 3, loop body
// and range-for): a spawn assigned through a reference stores its result in
// the object the reference names, also when the reference lives in a block
// that has no sync of its own (the function's final sync waits for it).
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <vector>

[[spice::parallel]] uint64_t fib(int n) {
  if (n < 2)
    return static_cast<uint64_t>(n);
  uint64_t a = spice::spawn(fib, n - 1);
  uint64_t b = fib(n - 2);
  spice::sync();
  return a + b;
}

uint64_t sq(uint64_t k) { return k * k; }

[[spice::parallel]] uint64_t nested_block(int n) {
  uint64_t t[2] = {};
  {
    uint64_t &r = t[0];
    r = spice::spawn(fib, n);
  }
  keep_busy();
  return t[0] + t[1];
}

[[spice::parallel]] uint64_t loop_body(uint64_t k) {
  uint64_t a[4] = {};
  for (uint64_t i = 0; i < 4; ++i) {
    uint64_t &r = a[i];
    r = spice::spawn(sq, k + i);
  }
  keep_busy();
  spice::sync();
  return a[0] + a[1] + a[2] + a[3];
}

[[spice::parallel]] uint64_t range_for(uint64_t k) {
  std::vector<uint64_t> v(3);
  for (uint64_t &slot : v)
    slot = spice::spawn(sq, k++);
  keep_busy();
  spice::sync();
  return v[0] * 10000 + v[1] * 100 + v[2];
}

int main() {
  std::printf("nested %llu\n",
              static_cast<unsigned long long>(nested_block(20)));
  std::printf("loop %llu\n", static_cast<unsigned long long>(loop_body(2)));
  std::printf("range %llu\n", static_cast<unsigned long long>(range_for(1)));
}
// CHECK: nested 6765
// CHECK-NEXT: loop 54
// CHECK-NEXT: range 10409
