// A loop whose parallel calls all return before doing anything parallel
// (so they never tick) still polls the heartbeat: each iteration ticks. The
// only polls between this spawn and its sync are the loop's, and on 2 and 8
// workers %run-spice requires that the spawned call ran on another worker.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

std::uint64_t checksum(std::uint64_t n) {
  std::uint64_t s = 0;
  for (std::uint64_t i = 0; i < n; ++i)
    s += i * i ^ (s >> 3);
  return s;
}

// Parallel, but nothing parallel in it: no tick.
[[spice::parallel]] std::uint64_t step(std::uint64_t i) { return i % 2 + 1; }

[[spice::parallel]] std::uint64_t run(std::uint64_t n) {
  std::uint64_t sum = spice::spawn(checksum, n);
  std::uint64_t calls = 0;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  while (std::chrono::steady_clock::now() < end)
    calls += step(calls);
  spice::sync();
  return sum + (calls > 0 ? 1 : 0);
}

int main() { std::printf("run %llu\n", (unsigned long long)run(1000)); }
// CHECK: run 2399601629841377324
