// The loop benchmarks as a spice user writes them: spice::parallel_for and
// spice::parallel_reduce over the natural range, one body call per element
// or row, no grain size. The build runs this file through spice-rewrite
// (bench/CMakeLists.txt); compiled as it is, it is the serial elision
// (bench_loops_spice_elision checks its results). These are ordinary
// functions: the loops run on the pool of the worker that calls them.
#include "loops.h"

#include <spice/spice.h>

#include <functional>

namespace spice_loops {

double sum(const double *x, std::int64_t n) {
  return spice::parallel_reduce(
      0, n, 0.0, [&](std::int64_t i) { return x[i]; }, std::plus<double>());
}

void saxpy(float a, const float *x, float *y, std::int64_t n) {
  spice::parallel_for(0, n, [&](std::int64_t i) { y[i] = a * x[i] + y[i]; });
}

void mandelbrot(const loops::MandelView &v, std::uint16_t *out) {
  spice::parallel_for(0, v.height,
                      [&](std::int64_t py) { loops::mandel_row(v, py, out); });
}

void spmv(const loops::Csr &a, const double *x, double *y) {
  spice::parallel_for(0, a.rows,
                      [&](std::int64_t i) { y[i] = loops::csr_row(a, x, i); });
}

std::uint64_t small(std::int64_t n, std::uint64_t seed) {
  return spice::parallel_reduce(
      0, n, std::uint64_t{0},
      [&](std::int64_t i) {
        return loops::mix(seed + static_cast<std::uint64_t>(i));
      },
      std::plus<std::uint64_t>());
}

} // namespace spice_loops
