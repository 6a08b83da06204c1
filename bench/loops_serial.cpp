// The plain serial loops: the baseline of every loop benchmark, visiting the
// data in natural order. Built with the same flags as every system's loops
// (bench/CMakeLists.txt), so the sum is vectorized here too.
#include "loops.h"

namespace serial_loops {

double sum(const double *x, std::int64_t n) {
  double s = 0;
  for (std::int64_t i = 0; i < n; ++i)
    s += x[i];
  return s;
}

void saxpy(float a, const float *x, float *y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    y[i] = a * x[i] + y[i];
}

void mandelbrot(const loops::MandelView &v, std::uint16_t *out) {
  for (std::int64_t py = 0; py < v.height; ++py)
    loops::mandel_row(v, py, out);
}

void spmv(const loops::Csr &a, const double *x, double *y) {
  for (std::int64_t i = 0; i < a.rows; ++i)
    y[i] = loops::csr_row(a, x, i);
}

std::uint64_t small(std::int64_t n, std::uint64_t seed) {
  std::uint64_t s = 0;
  for (std::int64_t i = 0; i < n; ++i)
    s += loops::mix(seed + static_cast<std::uint64_t>(i));
  return s;
}

} // namespace serial_loops
