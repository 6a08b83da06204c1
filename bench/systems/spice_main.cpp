// bench_spice: the benchmarks of systems/spice.cpp after spice-rewrite (and,
// as bench_spice_elision, before it). Each worker count gets its own
// spice::ThreadPool; the kernels' entry points (the functions' original
// names) run inline on the worker that pool.call makes of the main thread.
// SPICE_HEARTBEAT_US sets the heartbeat interval as for the default pool.
#include "driver.h"
#include "kernels.h"

#include "spice_pool.h"

#include <spice/spice.h>

#ifndef BENCH_SYSTEM_NAME
#define BENCH_SYSTEM_NAME "spice"
#endif

namespace {

struct System : bench::SpicePool {
  static const char *name() { return BENCH_SYSTEM_NAME; }
  explicit System(int threads) : SpicePool(threads) {}

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
};

} // namespace

int main(int argc, char **argv) { return bench::main<System>(argc, argv); }
