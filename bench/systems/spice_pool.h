// The pool every spice system of the benchmarks runs on: one per worker
// count, with SPICE_HEARTBEAT_US read as for the default pool, and the
// counters (heartbeats handled, jobs shared and taken) printed next to each
// result.
#ifndef BENCH_SPICE_POOL_H
#define BENCH_SPICE_POOL_H

#include <spice/runtime.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace bench {

struct SpicePool {
  explicit SpicePool(int threads) : pool(config(threads)) {}

  static spice::ThreadPoolConfig config(int threads) {
    spice::ThreadPoolConfig c;
    c.num_workers = static_cast<std::size_t>(threads);
    if (const char *us = std::getenv("SPICE_HEARTBEAT_US"))
      if (long v = std::atol(us); v > 0)
        c.heartbeat_interval = std::chrono::microseconds(v);
    return c;
  }

  std::string info() const {
    spice::Stats s = pool.stats();
    return "heartbeats " + std::to_string(s.heartbeats) + " shared " +
           std::to_string(s.jobs_shared) + " stolen " +
           std::to_string(s.jobs_stolen);
  }

  spice::ThreadPool pool;
};

} // namespace bench

#endif // BENCH_SPICE_POOL_H
