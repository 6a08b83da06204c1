// Keeps the calling worker busy in parallel code for about 20 ms.
// Tiny run tests call it between their spawns and the sync: a spawned call
// can move to another worker only while it is still queued and the spawner
// polls the heartbeat, which the recursive parallel calls here do. A fixed
// time rather than a fixed amount of work, because on a loaded machine the
// pool's threads may take milliseconds to start and go to sleep (the
// heartbeat only shares a job when a worker sleeps and could take it).
#ifndef KEEP_BUSY_H
#define KEEP_BUSY_H
#include <spice/spice.h>

#include <chrono>
#include <cstdint>

/// A checksum of [lo, hi) by divide and conquer.
[[spice::parallel]] inline std::uint64_t busy_sum(std::uint64_t lo,
                                                  std::uint64_t hi) {
  if (hi - lo <= 64) {
    std::uint64_t s = 0;
    for (std::uint64_t i = lo; i < hi; ++i)
      s += i * i ^ (s >> 3);
    return s;
  }
  std::uint64_t mid = lo + (hi - lo) / 2;
  std::uint64_t a = spice::spawn(busy_sum, lo, mid);
  std::uint64_t b = busy_sum(mid, hi);
  spice::sync();
  return a + b;
}

/// Runs busy_sum for about 20 ms; callers discard the result.
[[spice::parallel]] inline std::uint64_t keep_busy() {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  std::uint64_t s = 0;
  while (std::chrono::steady_clock::now() < end)
    s += busy_sum(0, 1 << 16);
  return s;
}

#endif
