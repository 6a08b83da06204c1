// parallel_for over integers (int and size_t bounds mixed, an empty and a
// negative range) and over vector iterators, in a parallel function and in
// main; each iteration writes its own element. Pieces of the ranges run on
// other workers (run_spice.py checks the pool's counters).
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/loop_work.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <vector>

[[spice::parallel]] std::uint64_t fill(std::vector<std::uint64_t> &out) {
  // int and std::size_t bounds: the loop counts in std::size_t.
  spice::parallel_for(0, out.size(), [&](std::size_t i) { out[i] = work(i); });
  std::uint64_t check = 0;
  for (std::uint64_t x : out)
    check = check * 31 + x;
  return check;
}

int main() {
  std::vector<std::uint64_t> out(40000);
  std::printf("fill %llu\n", (unsigned long long)fill(out));

  // Iterators: body(*it), each element updated in place.
  spice::parallel_for(out.begin(), out.end(),
                      [](std::uint64_t &x) { x = work(x) % 1000; });
  std::uint64_t sum = 0;
  for (std::uint64_t x : out)
    sum += x;
  std::printf("iterators %llu\n", (unsigned long long)sum);

  // Signed bounds below zero, long and int mixed; nothing runs for [5, 5).
  std::vector<int> seen(2000);
  spice::parallel_for(-1000L, 1000,
                      [&](long i) { seen[i + 1000] = int(work(i) % 7) + 1; });
  spice::parallel_for(5, 5, [&](int) { seen[0] = -1; });
  long total = 0;
  bool all = true;
  for (int s : seen) {
    total += s;
    all = all && s > 0;
  }
  std::printf("signed %ld %s\n", total, all ? "all" : "missing");
}
// CHECK: fill {{[0-9]+}}
// CHECK-NEXT: iterators {{[0-9]+}}
// CHECK-NEXT: signed {{[0-9]+}} all
