// bench_loops_spice_handwritten: the loop benchmarks against the runtime's
// loops directly (spice::detail::parallel_for / parallel_reduce with the
// scheduler context of pool.call), without spice-rewrite: what the rewritten
// loops cost on top of the runtime, and the runtime's loops measurable before
// the tool rewrites them. Plain lambdas: the runtime calls them as body(i).
#include "loops.h"
#include "spice_pool.h"

#include <spice/spice.h> // with spice/detail/loop.h

#include <cstdint>
#include <functional>
#include <string>

namespace {

using spice::Task;

struct System : bench::SpicePool {
  static const char *name() { return "spice-handwritten"; }
  explicit System(int threads) : SpicePool(threads) {}

  double sum(const double *x, std::int64_t n) {
    return pool.call([&](Task t) {
      return spice::detail::parallel_reduce(
          t.worker(), t.tail(), std::int64_t{0}, n, 0.0,
          [x](std::int64_t i) { return x[i]; }, std::plus<double>());
    });
  }
  void saxpy(float a, const float *x, float *y, std::int64_t n) {
    pool.call([&](Task t) {
      spice::detail::parallel_for(
          t.worker(), t.tail(), std::int64_t{0}, n,
          [a, x, y](std::int64_t i) { y[i] = a * x[i] + y[i]; });
    });
  }
  void mandelbrot(const loops::MandelView &v, std::uint16_t *out) {
    pool.call([&](Task t) {
      spice::detail::parallel_for(
          t.worker(), t.tail(), std::int64_t{0}, v.height,
          [&v, out](std::int64_t py) { loops::mandel_row(v, py, out); });
    });
  }
  void spmv(const loops::Csr &a, const double *x, double *y) {
    pool.call([&](Task t) {
      spice::detail::parallel_for(
          t.worker(), t.tail(), std::int64_t{0}, a.rows,
          [&a, x, y](std::int64_t i) { y[i] = loops::csr_row(a, x, i); });
    });
  }
  std::uint64_t small(std::int64_t n, std::uint64_t seed) {
    return pool.call([&](Task t) {
      return spice::detail::parallel_reduce(
          t.worker(), t.tail(), std::int64_t{0}, n, std::uint64_t{0},
          [seed](std::int64_t i) {
            return loops::mix(seed + static_cast<std::uint64_t>(i));
          },
          std::plus<std::uint64_t>());
    });
  }
};

} // namespace

int main(int argc, char **argv) {
  return bench::run<System>(argc, argv, loops::kNames,
                            loops::make_workload<System>);
}
