// bench_loops_omp_static / bench_loops_omp_dynamic: the loop benchmarks with
// OpenMP worksharing loops (GCC's -fopenmp), `#pragma omp parallel for` over
// the natural range with schedule(static) or schedule(dynamic) (chunk 1,
// the default), as BENCH_OMP_DYNAMIC says; reductions with a reduction
// clause on `s`. Each call is one parallel region; the worker count is
// omp_set_num_threads. Wait policy and spin counts are libgomp's defaults.
#include "loops.h"

#include <omp.h>

#include <cstdint>
#include <string>

#if BENCH_OMP_DYNAMIC
#define BENCH_OMP_NAME "omp-dynamic"
#define BENCH_OMP_FOR _Pragma("omp parallel for schedule(dynamic)")
#define BENCH_OMP_FOR_SUM_S                                                    \
  _Pragma("omp parallel for schedule(dynamic) reduction(+ : s)")
#else
#define BENCH_OMP_NAME "omp-static"
#define BENCH_OMP_FOR _Pragma("omp parallel for schedule(static)")
#define BENCH_OMP_FOR_SUM_S                                                    \
  _Pragma("omp parallel for schedule(static) reduction(+ : s)")
#endif

namespace {

struct System {
  static const char *name() { return BENCH_OMP_NAME; }
  explicit System(int threads) {
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
  }

  double sum(const double *x, std::int64_t n) {
    double s = 0;
    BENCH_OMP_FOR_SUM_S
    for (std::int64_t i = 0; i < n; ++i)
      s += x[i];
    return s;
  }
  void saxpy(float a, const float *x, float *y, std::int64_t n) {
    BENCH_OMP_FOR
    for (std::int64_t i = 0; i < n; ++i)
      y[i] = a * x[i] + y[i];
  }
  void mandelbrot(const loops::MandelView &v, std::uint16_t *out) {
    BENCH_OMP_FOR
    for (std::int64_t py = 0; py < v.height; ++py)
      loops::mandel_row(v, py, out);
  }
  void spmv(const loops::Csr &a, const double *x, double *y) {
    BENCH_OMP_FOR
    for (std::int64_t i = 0; i < a.rows; ++i)
      y[i] = loops::csr_row(a, x, i);
  }
  std::uint64_t small(std::int64_t n, std::uint64_t seed) {
    std::uint64_t s = 0;
    BENCH_OMP_FOR_SUM_S
    for (std::int64_t i = 0; i < n; ++i)
      s += loops::mix(seed + static_cast<std::uint64_t>(i));
    return s;
  }
  std::string info() {
    int team = 0;
#pragma omp parallel
#pragma omp single
    team = omp_get_num_threads();
    return "team " + std::to_string(team);
  }
};

} // namespace

int main(int argc, char **argv) {
  return bench::run<System>(argc, argv, loops::kNames,
                            loops::make_workload<System>);
}
