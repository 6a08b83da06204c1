// Found by the fuzzer (test/fuzz: seeds 100, 116, 118, 120, 121, 124, 126,
// 131, 134, 135 of `--start 100 --without
// onecall,ref-assign,generic-byval,nodef`; wrong checksums, segfaults and ASan
// stack-use-after-scope in push() at 2 and 4 workers): a parallel function that
// calls a parallel function and then calls or forks again pushes onto a job
// list tail that the heartbeat has shared meanwhile. Repeated so that a
// heartbeat lands in the window. RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

[[spice::parallel]] uint64_t fib(int n) {
  if (n < 2)
    return static_cast<uint64_t>(n);
  uint64_t a = spice::spawn(fib, n - 1);
  uint64_t b = fib(n - 2);
  spice::sync();
  return a + b;
}

[[spice::parallel]] uint64_t count(uint64_t lo, uint64_t hi) {
  if (hi - lo <= 64) {
    uint64_t s = 0;
    for (uint64_t i = lo; i < hi; ++i)
      s += i * i;
    return s;
  }
  uint64_t mid = lo + (hi - lo) / 2;
  uint64_t l = spice::spawn(count, lo, mid);
  uint64_t r = count(mid, hi);
  spice::sync();
  return l + r;
}

// A call, then another call: the second one starts from a stale tail.
[[spice::parallel]] uint64_t combo(int n) {
  return fib(n) + count(0, 2000ULL * static_cast<uint64_t>(n));
}

[[spice::parallel]] uint64_t two(int n) {
  uint64_t a = spice::spawn(combo, n);
  uint64_t b = spice::spawn(combo, n - 1);
  keep_busy();
  spice::sync();
  return a + b;
}

static uint64_t may_throw(uint64_t x) {
  if (x % 4 == 0)
    throw std::runtime_error("boom");
  return x;
}

// A handler that calls a parallel function and then spawns.
[[spice::parallel]] uint64_t handler(int n) {
  uint64_t h = 0;
  try {
    uint64_t e = spice::spawn(may_throw, uint64_t{8});
    spice::sync();
    h = e;
  } catch (const std::exception &) {
    h = fib(n);
  }
  uint64_t a = spice::spawn(combo, n);
  uint64_t b = combo(n - 1);
  spice::sync();
  return h + a + b;
}

int main() {
  // The run tests use SPICE_HEARTBEAT_US=1, at which this machine's heartbeat
  // thread hardly ever beats (docs/fuzzing.md); 20 us shares jobs reliably.
  setenv("SPICE_HEARTBEAT_US", "20", 1);
  const uint64_t expect_two = two(18), expect_handler = handler(18);
  int wrong = 0;
  for (int i = 0; i < 40; ++i)
    wrong += (two(18) != expect_two) + (handler(18) != expect_handler);
  std::printf("two %llu handler %llu wrong %d\n",
              static_cast<unsigned long long>(expect_two),
              static_cast<unsigned long long>(expect_handler), wrong);
}
// CHECK: two 28652107349181 handler 28652107351765 wrong 0
