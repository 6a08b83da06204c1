// A loop body's work: a value that depends on the index, and about a
// microsecond of time whatever the compiler makes of the arithmetic (clang
// ran a pure arithmetic body 6x faster than g++), so a range of tens of
// thousands of iterations runs for tens of milliseconds: long enough for
// the heartbeat to split it between workers.
#ifndef LOOP_WORK_H
#define LOOP_WORK_H

#include <chrono>
#include <cstdint>

inline std::uint64_t work(std::uint64_t x) {
  for (int k = 0; k < 16; ++k)
    x = x * 6364136223846793005ull + 1442695040888963407ull;
  auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(1);
  while (std::chrono::steady_clock::now() < end) {
  }
  return x >> 33;
}

#endif
