// Timing helpers shared by the benchmarks: medians of wall and process CPU
// time over several samples, after a warm-up, with the result checked.
#ifndef SPICE_BENCH_HARNESS_H
#define SPICE_BENCH_HARNESS_H

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

namespace bench {

/// Keeps the compiler from dropping a computed value.
template <class T> inline void keep(const T &value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

inline double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Sample {
  double wall_s; ///< median wall time of one run
  double cpu_s;  ///< median process CPU time of one run (all threads)
};

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Runs `run` (which returns its result) `inner` times per sample, `samples`
/// times after one warm-up sample, checking every result against `expected`.
/// Returns per-run medians.
template <class F, class T>
Sample measure(F &&run, const T &expected, int samples, int inner = 1) {
  std::vector<double> wall, cpu;
  for (int s = -1; s < samples; ++s) {
    double c0 = cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < inner; ++i) {
      auto got = run();
      if (got != expected) {
        std::fprintf(stderr, "bench: wrong result\n");
        std::exit(1);
      }
      keep(got);
    }
    auto t1 = std::chrono::steady_clock::now();
    double c1 = cpu_seconds();
    if (s < 0)
      continue; // warm-up
    wall.push_back(std::chrono::duration<double>(t1 - t0).count() / inner);
    cpu.push_back((c1 - c0) / inner);
  }
  return {median(wall), median(cpu)};
}

/// How many runs make one sample last about `target_s`, given one run's time.
inline int runs_per_sample(double one_run_s, double target_s = 0.02) {
  int n = static_cast<int>(target_s / std::max(one_run_s, 1e-9));
  return std::max(1, n);
}

} // namespace bench

#endif // SPICE_BENCH_HARNESS_H
