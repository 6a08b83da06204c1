// bench_spice: the benchmarks of systems/spice.cpp after spice-rewrite (and,
// as bench_spice_elision, before it). Each worker count gets its own
// spice::ThreadPool; the kernels' entry points (the functions' original
// names) run inline on the worker that pool.call makes of the main thread.
// SPICE_HEARTBEAT_US sets the heartbeat interval as for the default pool.
#include "driver.h"
#include "kernels.h"

#include <spice/spice.h>

#include <cstdlib>
#include <string>

#ifndef BENCH_SYSTEM_NAME
#define BENCH_SYSTEM_NAME "spice"
#endif

namespace {

spice::ThreadPoolConfig pool_config(int threads) {
  spice::ThreadPoolConfig config;
  config.num_workers = static_cast<std::size_t>(threads);
  if (const char *us = std::getenv("SPICE_HEARTBEAT_US"))
    if (long v = std::atol(us); v > 0)
      config.heartbeat_interval = std::chrono::microseconds(v);
  return config;
}

struct System {
  static const char *name() { return BENCH_SYSTEM_NAME; }
  explicit System(int threads) : pool(pool_config(threads)) {}

  std::int64_t tree_sum(const tree::Node *root) {
    return pool.call([&](spice::Task) { return spice_bench::tree_sum(root); });
  }
  std::int64_t fib(int n) {
    return pool.call([&](spice::Task) { return spice_bench::fib(n); });
  }
  void quicksort(std::int32_t *first, std::int32_t *last) {
    pool.call([&](spice::Task) { spice_bench::quicksort(first, last); });
  }
  std::int64_t nqueens(int n) {
    return pool.call([&](spice::Task) { return spice_bench::nqueens(n); });
  }
  std::string info() const {
    spice::Stats s = pool.stats();
    return "shared " + std::to_string(s.jobs_shared) + " stolen " +
           std::to_string(s.jobs_stolen);
  }

  spice::ThreadPool pool;
};

} // namespace

int main(int argc, char **argv) { return bench::main<System>(argc, argv); }
