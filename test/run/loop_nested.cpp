// Loop bodies that call a parallel function (fast form in the body, which
// is parallel code) and nested loops, in main and in a parallel function; a
// reduce whose body runs a parallel_for and a reduce of its own.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/loop_work.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <vector>

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}

// Rows of a matrix in parallel, the columns of each row in parallel too.
[[spice::parallel]] std::uint64_t matrix(int rows, int cols) {
  std::vector<std::vector<std::uint64_t>> m(rows,
                                            std::vector<std::uint64_t>(cols));
  spice::parallel_for(0, rows, [&](int r) {
    spice::parallel_for(0, cols,
                        [&](int c) { m[r][c] = work(r * cols + c) % 1000; });
  });
  return spice::parallel_reduce(
      0, rows, std::uint64_t(0),
      [&](int r) {
        return spice::parallel_reduce(
            m[r].begin(), m[r].end(), std::uint64_t(0),
            [](std::uint64_t x) { return x; },
            [](std::uint64_t a, std::uint64_t b) { return a + b; });
      },
      [](std::uint64_t a, std::uint64_t b) { return a + b; });
}

int main() {
  // A body calling a parallel function from ordinary code.
  std::vector<long> fibs(27);
  spice::parallel_for(0, 27, [&](int i) { fibs[i] = fib(i); });
  long sum = 0;
  for (long f : fibs)
    sum += f;
  std::printf("fibs %ld %ld\n", sum, fibs[26]);

  std::printf("matrix %llu\n", (unsigned long long)matrix(200, 200));

  // Nested in main: each outer iteration reduces over a fib range.
  long nested = spice::parallel_reduce(
      0, 8, 0L,
      [](int k) {
        return spice::parallel_reduce(
            0, 18 + k, 0L, [](int i) { return fib(i); },
            [](long a, long b) { return a + b; });
      },
      [](long a, long b) { return a + b; });
  std::printf("nested %ld\n", nested);
}
// CHECK: fibs 317810 121393
// CHECK-NEXT: matrix {{[0-9]+}}
// CHECK-NEXT: nested {{[0-9]+}}
