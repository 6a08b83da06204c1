// bench_loops_tbb: the loop benchmarks with oneTBB's tbb::parallel_for and
// tbb::parallel_reduce over a blocked_range of the natural range, default
// grain size (1) and the default auto_partitioner; the range body loops over
// its subrange as a TBB user writes it. Worker count as in bench_tbb: a
// tbb::global_control plus a tbb::task_arena of that concurrency.
#include "loops.h"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <cstdint>
#include <functional>
#include <string>

namespace {

using Range = tbb::blocked_range<std::int64_t>;

struct System {
  static const char *name() { return "tbb"; }
  explicit System(int threads)
      : control(tbb::global_control::max_allowed_parallelism,
                static_cast<std::size_t>(threads)),
        arena(threads) {}

  double sum(const double *x, std::int64_t n) {
    return arena.execute([&] {
      return tbb::parallel_reduce(
          Range(0, n), 0.0,
          [&](const Range &r, double s) {
            for (std::int64_t i = r.begin(); i < r.end(); ++i)
              s += x[i];
            return s;
          },
          std::plus<double>());
    });
  }
  void saxpy(float a, const float *x, float *y, std::int64_t n) {
    arena.execute([&] {
      tbb::parallel_for(Range(0, n), [&](const Range &r) {
        for (std::int64_t i = r.begin(); i < r.end(); ++i)
          y[i] = a * x[i] + y[i];
      });
    });
  }
  void mandelbrot(const loops::MandelView &v, std::uint16_t *out) {
    arena.execute([&] {
      tbb::parallel_for(Range(0, v.height), [&](const Range &r) {
        for (std::int64_t py = r.begin(); py < r.end(); ++py)
          loops::mandel_row(v, py, out);
      });
    });
  }
  void spmv(const loops::Csr &a, const double *x, double *y) {
    arena.execute([&] {
      tbb::parallel_for(Range(0, a.rows), [&](const Range &r) {
        for (std::int64_t i = r.begin(); i < r.end(); ++i)
          y[i] = loops::csr_row(a, x, i);
      });
    });
  }
  std::uint64_t small(std::int64_t n, std::uint64_t seed) {
    return arena.execute([&] {
      return tbb::parallel_reduce(
          Range(0, n), std::uint64_t{0},
          [&](const Range &r, std::uint64_t s) {
            for (std::int64_t i = r.begin(); i < r.end(); ++i)
              s += loops::mix(seed + static_cast<std::uint64_t>(i));
            return s;
          },
          std::plus<std::uint64_t>());
    });
  }
  std::string info() {
    return "arena concurrency " + std::to_string(arena.max_concurrency());
  }

  tbb::global_control control;
  tbb::task_arena arena;
};

} // namespace

int main(int argc, char **argv) {
  return bench::run<System>(argc, argv, loops::kNames,
                            loops::make_workload<System>);
}
