// bench_loops_spice: the loop benchmarks of systems/loops_spice.cpp after
// spice-rewrite (and, as bench_loops_spice_elision, before it). Each worker
// count gets its own spice::ThreadPool; each run is one pool.call, in which
// the kernels' loops run on the worker that pool.call makes of the main
// thread. SPICE_HEARTBEAT_US sets the heartbeat interval.
#include "loops.h"

#include "spice_pool.h"

#include <spice/spice.h>

#ifndef BENCH_SYSTEM_NAME
#define BENCH_SYSTEM_NAME "spice"
#endif

namespace {

struct System : bench::SpicePool {
  static const char *name() { return BENCH_SYSTEM_NAME; }
  explicit System(int threads) : SpicePool(threads) {}

  double sum(const double *x, std::int64_t n) {
    return pool.call([&](spice::Task) { return spice_loops::sum(x, n); });
  }
  void saxpy(float a, const float *x, float *y, std::int64_t n) {
    pool.call([&](spice::Task) { spice_loops::saxpy(a, x, y, n); });
  }
  void mandelbrot(const loops::MandelView &v, std::uint16_t *out) {
    pool.call([&](spice::Task) { spice_loops::mandelbrot(v, out); });
  }
  void spmv(const loops::Csr &a, const double *x, double *y) {
    pool.call([&](spice::Task) { spice_loops::spmv(a, x, y); });
  }
  std::uint64_t small(std::int64_t n, std::uint64_t seed) {
    return pool.call([&](spice::Task) { return spice_loops::small(n, seed); });
  }
};

} // namespace

int main(int argc, char **argv) {
  return bench::run<System>(argc, argv, loops::kNames,
                            loops::make_workload<System>);
}
