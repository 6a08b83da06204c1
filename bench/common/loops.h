// The loop benchmarks (bench_loops_<system>, docs/benchmarks.md): their data,
// the kernels each system provides, and their workloads for the driver.
//
//   sum        n doubles, a parallel reduction (vectorized by the serial
//              compiler: the loop executables are built with the flags that
//              allow reassociation, bench/CMakeLists.txt)
//   saxpy      y = a*x + y on n floats, in place
//   mandelbrot an n x n/2 image, one loop iteration per row (rows near the
//              middle cost up to kMandelIterations per pixel, rows at the
//              edges a few)
//   spmv       y = A*x, A in CSR with n rows of 4-12 entries and 16 rows of
//              n/8 entries each in the first quarter of the matrix, one loop
//              iteration per row
//   small      a reduction over n (1000) iterations of ~1 ns, called again
//              and again: the cost of starting and ending a loop
//
// The data are small multiples of 1/8, so every sum is exact and any order of
// additions gives the serial result bit for bit: results are compared with ==.
#ifndef SPICE_BENCH_LOOPS_H
#define SPICE_BENCH_LOOPS_H

#include "driver.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

namespace loops {

/// A CSR matrix: the entries of row i are col/val[row_start[i] ..
/// row_start[i + 1]).
struct Csr {
  std::int64_t rows = 0;
  std::vector<std::int64_t> row_start;
  std::vector<std::int32_t> col;
  std::vector<double> val;
};

/// The Mandelbrot image: pixel (px, py) is the point
/// (x0 + px * step, y0 + py * step).
struct MandelView {
  std::int64_t width = 0, height = 0;
  double x0 = 0, y0 = 0, step = 0;
  int max_iterations = 0;
};

constexpr int kMandelIterations = 256;

inline MandelView mandel_view(std::int64_t width) {
  MandelView v;
  v.width = width;
  v.height = width / 2;
  v.step = 3.0 / static_cast<double>(width);
  v.x0 = -2.25;
  v.y0 = -0.75;
  v.max_iterations = kMandelIterations;
  return v;
}

/// Iterations before the orbit of c leaves the disc of radius 2 (at most
/// max_iterations). Every system calls this, so all compute the same image.
inline std::uint16_t mandel_pixel(double cr, double ci, int max_iterations) {
  double zr = 0, zi = 0;
  int k = 0;
  for (; k < max_iterations; ++k) {
    double zr2 = zr * zr, zi2 = zi * zi;
    if (zr2 + zi2 > 4.0)
      break;
    zi = 2.0 * zr * zi + ci;
    zr = zr2 - zi2 + cr;
  }
  return static_cast<std::uint16_t>(k);
}

/// One row of the image: the body of every system's loop.
inline void mandel_row(const MandelView &v, std::int64_t py,
                       std::uint16_t *out) {
  const double ci = v.y0 + static_cast<double>(py) * v.step;
  std::uint16_t *row = out + py * v.width;
  for (std::int64_t px = 0; px < v.width; ++px)
    row[px] = mandel_pixel(v.x0 + static_cast<double>(px) * v.step, ci,
                           v.max_iterations);
}

/// One row of y = A*x: the body of every system's loop.
inline double csr_row(const Csr &a, const double *x, std::int64_t i) {
  double s = 0;
  for (std::int64_t j = a.row_start[i]; j < a.row_start[i + 1]; ++j)
    s += a.val[j] * x[a.col[j]];
  return s;
}

/// The ~1 ns item of the small loop (splitmix64's finalizer).
inline std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace loops

// The kernels, one signature per benchmark, called from ordinary code.
// `serial_loops` (bench/loops_serial.cpp) is the plain serial loop every
// system is measured against; `spice_loops` is bench/systems/loops_spice.cpp,
// written with spice::parallel_for / parallel_reduce and rewritten by
// spice-rewrite at build time.
namespace serial_loops {
double sum(const double *x, std::int64_t n);
void saxpy(float a, const float *x, float *y, std::int64_t n);
void mandelbrot(const loops::MandelView &v, std::uint16_t *out);
void spmv(const loops::Csr &a, const double *x, double *y);
std::uint64_t small(std::int64_t n, std::uint64_t seed);
} // namespace serial_loops

namespace spice_loops {
double sum(const double *x, std::int64_t n);
void saxpy(float a, const float *x, float *y, std::int64_t n);
void mandelbrot(const loops::MandelView &v, std::uint16_t *out);
void spmv(const loops::Csr &a, const double *x, double *y);
std::uint64_t small(std::int64_t n, std::uint64_t seed);
} // namespace spice_loops

namespace loops {

/// k/8 for a random k in [0, 1024): exact in float and double, and sums of
/// up to 2^40 of them are exact in double.
inline double eighths(std::uint64_t &state) {
  return static_cast<double>(bench::splitmix64(state) >> 54) / 8.0;
}

/// The matrix of the spmv benchmark (see the top of this file).
inline Csr skewed_matrix(std::int64_t n) {
  Csr a;
  a.rows = n;
  a.row_start.reserve(static_cast<std::size_t>(n) + 1);
  a.row_start.push_back(0);
  std::uint64_t seed = 7;
  const std::int64_t heavy_every = std::max<std::int64_t>(1, n / 64);
  std::int64_t heavy = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t len =
        4 + static_cast<std::int64_t>(bench::splitmix64(seed) % 9); // 4..12
    if (i % heavy_every == 0 && heavy < 16) {
      len = std::max<std::int64_t>(len, n / 8);
      ++heavy;
    }
    for (std::int64_t k = 0; k < len; ++k) {
      a.col.push_back(static_cast<std::int32_t>(bench::splitmix64(seed) %
                                                static_cast<std::uint64_t>(n)));
      // 1/8 .. 2: with x < 128, a heavy row's sum stays far below 2^53/64.
      a.val.push_back(static_cast<double>(1 + bench::splitmix64(seed) % 16) /
                      8.0);
    }
    a.row_start.push_back(static_cast<std::int64_t>(a.col.size()));
  }
  return a;
}

/// The loop benchmarks' workloads for bench::run.
template <class System>
bool make_workload(const bench::Options &o, bench::Workload<System> &w) {
  using bench::Case;
  const std::int64_t n = o.n;
  if (o.benchmark == "sum") {
    auto x = std::make_shared<std::vector<double>>(static_cast<std::size_t>(n));
    std::uint64_t seed = 1;
    for (double &v : *x)
      v = eighths(seed);
    double expected = 0;
    for (double v : *x)
      expected += v;
    const double *p = x->data();
    w.data = x;
    w.items = static_cast<double>(n);
    w.serial.run = [=] { return serial_loops::sum(p, n) == expected; };
    w.parallel = [=](System &s) {
      Case c;
      c.run = [=, &s] { return s.sum(p, n) == expected; };
      return c;
    };
    return true;
  }
  if (o.benchmark == "saxpy") {
    // Runs alternate a = 2 and a = -2, so y returns to y0 after every second
    // run (exactly: the values are eighths) and the runs can repeat without
    // copying y back; verify checks y after an odd and an even count alike.
    struct Data {
      std::vector<float> x, y, y0;
      bool odd = false; // an odd number of runs so far: y = y0 + 2x
    };
    auto d = std::make_shared<Data>();
    std::uint64_t seed = 2;
    d->x.resize(static_cast<std::size_t>(n));
    d->y0.resize(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < d->x.size(); ++i) {
      d->x[i] = static_cast<float>(eighths(seed));
      d->y0[i] = static_cast<float>(eighths(seed));
    }
    d->y = d->y0;
    Data *p = d.get();
    w.data = d;
    w.items = static_cast<double>(n);
    auto verify = [p] {
      for (std::size_t i = 0; i < p->y.size(); ++i)
        if (p->y[i] != (p->odd ? p->y0[i] + 2.0f * p->x[i] : p->y0[i]))
          return false;
      return true;
    };
    w.serial.verify = verify;
    w.serial.run = [p, n] {
      serial_loops::saxpy(p->odd ? -2.0f : 2.0f, p->x.data(), p->y.data(), n);
      p->odd = !p->odd;
      return true;
    };
    w.parallel = [=](System &s) {
      Case c;
      c.verify = verify;
      c.run = [p, n, &s] {
        s.saxpy(p->odd ? -2.0f : 2.0f, p->x.data(), p->y.data(), n);
        p->odd = !p->odd;
        return true;
      };
      return c;
    };
    return true;
  }
  if (o.benchmark == "mandelbrot") {
    if (n < 2 || n > (1 << 16))
      return false;
    struct Data {
      MandelView view;
      std::vector<std::uint16_t> expected, serial_out, out;
    };
    auto d = std::make_shared<Data>();
    d->view = mandel_view(n);
    const auto pixels =
        static_cast<std::size_t>(d->view.width * d->view.height);
    d->expected.resize(pixels);
    for (std::int64_t py = 0; py < d->view.height; ++py)
      mandel_row(d->view, py, d->expected.data());
    // Never a pixel's value: a row a system skips is found.
    d->serial_out.assign(pixels, 0xffff);
    d->out.assign(pixels, 0xffff);
    Data *p = d.get();
    w.data = d;
    w.items = static_cast<double>(pixels);
    w.serial.verify = [p] { return p->serial_out == p->expected; };
    w.serial.run = [p] {
      serial_loops::mandelbrot(p->view, p->serial_out.data());
      return true;
    };
    w.parallel = [=](System &s) {
      Case c;
      c.verify = [p] { return p->out == p->expected; };
      c.run = [p, &s] {
        s.mandelbrot(p->view, p->out.data());
        return true;
      };
      return c;
    };
    return true;
  }
  if (o.benchmark == "spmv") {
    if (n < 64 || n > (std::int64_t{1} << 30))
      return false;
    struct Data {
      Csr a;
      std::vector<double> x, expected, serial_out, out;
    };
    auto d = std::make_shared<Data>();
    d->a = skewed_matrix(n);
    std::uint64_t seed = 3;
    d->x.resize(static_cast<std::size_t>(n));
    for (double &v : d->x)
      v = eighths(seed);
    d->expected.resize(d->x.size());
    for (std::int64_t i = 0; i < n; ++i)
      d->expected[static_cast<std::size_t>(i)] = csr_row(d->a, d->x.data(), i);
    d->serial_out.assign(d->x.size(), -1.0); // never a row's value
    d->out.assign(d->x.size(), -1.0);
    Data *p = d.get();
    w.data = d;
    w.items = static_cast<double>(d->a.col.size());
    std::fprintf(stderr, "  %lld rows, %zu nonzeros\n",
                 static_cast<long long>(n), d->a.col.size());
    w.serial.verify = [p] { return p->serial_out == p->expected; };
    w.serial.run = [p] {
      serial_loops::spmv(p->a, p->x.data(), p->serial_out.data());
      return true;
    };
    w.parallel = [=](System &s) {
      Case c;
      c.verify = [p] { return p->out == p->expected; };
      c.run = [p, &s] {
        s.spmv(p->a, p->x.data(), p->out.data());
        return true;
      };
      return c;
    };
    return true;
  }
  if (o.benchmark == "small") {
    const std::uint64_t seed = 12345;
    std::uint64_t expected = 0;
    for (std::int64_t i = 0; i < n; ++i)
      expected += mix(seed + static_cast<std::uint64_t>(i));
    w.items = 1; // per call: the CSV's ns_per_item is ns per call
    w.serial.run = [=] { return serial_loops::small(n, seed) == expected; };
    w.parallel = [=](System &s) {
      Case c;
      c.run = [=, &s] { return s.small(n, seed) == expected; };
      return c;
    };
    return true;
  }
  return false;
}

constexpr const char *kNames = "sum|saxpy|mandelbrot|spmv|small";

} // namespace loops

#endif // SPICE_BENCH_LOOPS_H
