// The main() shared by the benchmark executables, one per system. Each
// executable runs one benchmark at one size over a list of worker counts
// (ascending, so no runtime keeps more threads around than the current
// count), and at each count alternates samples of the plain serial function
// with samples of the system, so both see the same machine state and their
// ratio is fair.
//
//   bench_<system> <benchmark> <n> [options]
//     benchmark     tree_sum | fib | quicksort | nqueens
//     n             nodes | argument | elements | board size
//     --threads=1,2,4,8,16,32   worker counts (each its own pool/arena/team)
//     --samples=7   measured samples per configuration (after one warm-up)
//     --target-ms=50  a sample repeats short runs to last about this long
//     --settle-ms=20  pause after each sample before reading the CPU clock:
//                   threads that spin after the work count for the system
//     --header      print the CSV header first
//
// Output (stdout): one CSV row per worker count,
//   benchmark,system,threads,n,items,serial_wall_s,serial_cpu_s,wall_s,cpu_s
// with per-run medians; `items` is what ns/item divides by (tree nodes,
// fib calls, elements, search nodes). Progress and diagnostics go to stderr.
// Every run's result is checked; a wrong one exits with status 1.
//
// A System provides: `static const char *name()`, a constructor from the
// worker count, the four kernels of kernels.h as member functions (callable
// from ordinary code), and `std::string info()` (a diagnostic line). The
// loop benchmarks (loops.h, bench_loops_<system>) use the same driver through
// bench::run with their own kernels and workloads.
#ifndef SPICE_BENCH_DRIVER_H
#define SPICE_BENCH_DRIVER_H

#include "harness.h"
#include "kernels.h"
#include "tree.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace bench {

struct Options {
  std::string benchmark;
  std::int64_t n = 0;
  std::vector<int> threads = {1, 2, 4, 8, 16, 32};
  int samples = 7;
  double target_s = 0.05;
  double settle_s = 0.02;
  bool header = false;
};

/// One measurable unit of work. `run` is timed and returns whether its
/// result is right; `prepare` (before each sample) and `verify` (after each
/// sample, checks the last run's output; false: wrong result) are not timed.
/// A case with `prepare` runs once per sample; one without repeats `run` to
/// fill the sample.
struct Case {
  std::function<void()> prepare;
  std::function<bool()> run;
  std::function<bool()> verify;
  bool repeatable() const { return !prepare; }
};

/// Per-run wall and process CPU time of one sample.
struct Measured {
  double wall_s;
  double cpu_s;
};

[[noreturn]] inline void wrong_result(const char *what) {
  std::fprintf(stderr, "bench: WRONG RESULT (%s)\n", what);
  std::exit(1);
}

/// One sample of `runs` runs. The CPU clock is read after `settle_s` more, so
/// threads that keep spinning after the last run are charged to this sample
/// (the main thread sleeps meanwhile and costs nothing).
inline Measured take(const Case &c, int runs, double settle_s,
                     const char *what) {
  if (c.prepare)
    c.prepare();
  double c0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  bool ok = true;
  for (int i = 0; i < runs; ++i)
    ok &= c.run();
  auto t1 = std::chrono::steady_clock::now();
  if (settle_s > 0)
    std::this_thread::sleep_for(std::chrono::duration<double>(settle_s));
  double c1 = cpu_seconds();
  if (!ok || (c.verify && !c.verify()))
    wrong_result(what);
  return {std::chrono::duration<double>(t1 - t0).count() / runs,
          (c1 - c0) / runs};
}

/// How many runs fill a sample of `target_s`: doubles the count until a batch
/// takes at least a millisecond, then scales. Also warms the case up.
/// A batch that reaches the millisecond is taken again and the faster of the
/// two counts: a hiccup (the VM preempting us, a pool's first call) only
/// slows a batch down, and one slow single run used to make every sample of
/// a microsecond kernel three runs long (16-worker 1023-node tree sum: 12.6x
/// the serial time, with the next process at 1.4-2.0x).
inline int runs_for(const Case &c, double target_s, const char *what) {
  if (!c.repeatable()) {
    take(c, 1, 0, what);
    return 1;
  }
  int runs = 1;
  for (;;) {
    double per_run = take(c, runs, 0, what).wall_s;
    if (per_run * runs >= 1e-3)
      per_run = std::min(per_run, take(c, runs, 0, what).wall_s);
    if (per_run * runs >= 1e-3 || runs >= (1 << 24)) {
      double want = target_s / std::max(per_run, 1e-9);
      return static_cast<int>(std::clamp(want, 1.0, 1e8));
    }
    runs *= 2;
  }
}

/// The number of threads of this process (Linux), -1 if unknown.
inline int process_threads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Threads:", 0) == 0)
      return std::atoi(line.c_str() + 8);
  return -1;
}

/// splitmix64: the deterministic input of the sort benchmark.
inline std::uint64_t splitmix64(std::uint64_t &state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Calls of the naive fib(n): 2 F(n+1) - 1.
inline double fib_calls(int n) {
  double a = 0, b = 1; // F(0), F(1)
  for (int i = 0; i < n + 1; ++i) {
    double c = a + b;
    a = b;
    b = c;
  }
  return 2 * a - 1;
}

inline std::int64_t fib_value(int n) {
  std::int64_t a = 0, b = 1;
  for (int i = 0; i < n; ++i) {
    std::int64_t c = a + b;
    a = b;
    b = c;
  }
  return a;
}

/// Calls of the n-queens search (serial.cpp's queens), solutions in `found`.
inline std::int64_t queens_calls(int n, int row, std::uint32_t cols,
                                 std::uint32_t left, std::uint32_t right,
                                 std::int64_t &found) {
  if (row == n) {
    ++found;
    return 1;
  }
  std::int64_t calls = 1;
  const std::uint32_t free = ~(cols | left | right) & ((1u << n) - 1);
  for (int c = 0; c < n; ++c) {
    const std::uint32_t bit = 1u << c;
    if (free & bit)
      calls += queens_calls(n, row + 1, cols | bit, (left | bit) << 1,
                            (right | bit) >> 1, found);
  }
  return calls;
}

inline bool parse_options(int argc, char **argv, Options &o) {
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    auto value = [&](const char *flag) -> const char * {
      std::size_t len = std::strlen(flag);
      return std::strncmp(a, flag, len) == 0 && a[len] == '=' ? a + len + 1
                                                              : nullptr;
    };
    if (const char *v = value("--threads")) {
      o.threads.clear();
      for (const char *p = v; *p;) {
        int t = std::atoi(p);
        if (t <= 0)
          return false;
        o.threads.push_back(t);
        p = std::strchr(p, ',');
        if (!p)
          break;
        ++p;
      }
    } else if (const char *v = value("--samples")) {
      o.samples = std::atoi(v);
    } else if (const char *v = value("--target-ms")) {
      o.target_s = std::atof(v) * 1e-3;
    } else if (const char *v = value("--settle-ms")) {
      o.settle_s = std::atof(v) * 1e-3;
    } else if (std::strcmp(a, "--header") == 0) {
      o.header = true;
    } else if (a[0] == '-' && a[1] == '-') {
      return false;
    } else if (positional == 0) {
      o.benchmark = a;
      ++positional;
    } else if (positional == 1) {
      o.n = std::atoll(a);
      ++positional;
    } else {
      return false;
    }
  }
  return positional == 2 && o.n > 0 && o.samples > 0 && !o.threads.empty();
}

/// What a benchmark needs: its input, its item count, the serial case and a
/// way to make the system's case.
template <class System> struct Workload {
  double items = 0;
  Case serial;
  std::function<Case(System &)> parallel;
  std::shared_ptr<void> data; // keeps the input alive
};

template <class System>
bool make_workload(const Options &o, Workload<System> &w) {
  const std::int64_t n = o.n;
  if (o.benchmark == "tree_sum") {
    auto t0 = std::chrono::steady_clock::now();
    auto t = std::make_shared<tree::Tree>(n);
    std::fprintf(
        stderr, "  built a tree of %lld nodes in %.2f s\n",
        static_cast<long long>(n),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count());
    const std::int64_t expected = t->expected_sum();
    const tree::Node *root = t->root();
    w.data = t;
    w.items = static_cast<double>(n);
    w.serial.run = [=] { return serial::tree_sum(root) == expected; };
    w.parallel = [=](System &s) {
      Case c;
      c.run = [=, &s] { return s.tree_sum(root) == expected; };
      return c;
    };
    return true;
  }
  if (o.benchmark == "fib") {
    if (n > 92)
      return false;
    const int arg = static_cast<int>(n);
    const std::int64_t expected = fib_value(arg);
    w.items = fib_calls(arg);
    w.serial.run = [=] { return serial::fib(arg) == expected; };
    w.parallel = [=](System &s) {
      Case c;
      c.run = [=, &s] { return s.fib(arg) == expected; };
      return c;
    };
    return true;
  }
  if (o.benchmark == "quicksort") {
    struct Data {
      std::vector<std::int32_t> input, work, sorted;
    };
    auto d = std::make_shared<Data>();
    std::uint64_t seed = 42;
    d->input.resize(static_cast<std::size_t>(n));
    for (std::int32_t &x : d->input)
      x = static_cast<std::int32_t>(splitmix64(seed) >> 32);
    d->sorted = d->input;
    std::sort(d->sorted.begin(), d->sorted.end());
    d->work.resize(d->input.size());
    Data *p = d.get();
    w.data = d;
    w.items = static_cast<double>(n);
    auto prepare = [p] {
      std::copy(p->input.begin(), p->input.end(), p->work.begin());
    };
    auto verify = [p] { return p->work == p->sorted; };
    w.serial.prepare = prepare;
    w.serial.verify = verify;
    w.serial.run = [p] {
      serial::quicksort(p->work.data(), p->work.data() + p->work.size());
      return true;
    };
    w.parallel = [=](System &s) {
      Case c;
      c.prepare = prepare;
      c.verify = verify;
      c.run = [p, &s] {
        s.quicksort(p->work.data(), p->work.data() + p->work.size());
        return true;
      };
      return c;
    };
    return true;
  }
  if (o.benchmark == "nqueens") {
    if (n < 1 || n > 20)
      return false;
    const int board = static_cast<int>(n);
    std::int64_t expected = 0;
    w.items = static_cast<double>(queens_calls(board, 0, 0, 0, 0, expected));
    w.serial.run = [=] { return serial::nqueens(board) == expected; };
    w.parallel = [=](System &s) {
      Case c;
      c.run = [=, &s] { return s.nqueens(board) == expected; };
      return c;
    };
    return true;
  }
  return false;
}

/// The main() of an executable whose benchmarks (`names`, for the usage
/// line) `make(options, workload)` sets up; false: unknown benchmark or size.
template <class System, class Make>
int run(int argc, char **argv, const char *names, Make make) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: %s %s N "
                 "[--threads=1,2,4] [--samples=7] [--target-ms=50] "
                 "[--settle-ms=20] [--header]\n",
                 argv[0], names);
    return 2;
  }
  const char *sys = System::name();
  std::fprintf(stderr, "[%s] %s n=%lld\n", sys, o.benchmark.c_str(),
               static_cast<long long>(o.n));
  Workload<System> w;
  if (!make(o, w)) {
    std::fprintf(stderr, "bench: bad benchmark or size: %s %lld\n",
                 o.benchmark.c_str(), static_cast<long long>(o.n));
    return 2;
  }
  if (o.header)
    std::printf("benchmark,system,threads,n,items,serial_wall_s,serial_cpu_s,"
                "wall_s,cpu_s\n");
  std::string what_serial = o.benchmark + " serial";
  for (int threads : o.threads) {
    std::string what =
        o.benchmark + " " + sys + " threads=" + std::to_string(threads);
    System system(threads);
    Case par = w.parallel(system);
    // Probes double as warm-up; then one more warm-up sample each.
    int serial_runs = runs_for(w.serial, o.target_s, what_serial.c_str());
    int par_runs = runs_for(par, o.target_s, what.c_str());
    take(w.serial, serial_runs, o.settle_s, what_serial.c_str());
    take(par, par_runs, o.settle_s, what.c_str());
    std::vector<double> sw, sc, pw, pc;
    for (int s = 0; s < o.samples; ++s) {
      Measured a = take(w.serial, serial_runs, o.settle_s, what_serial.c_str());
      Measured b = take(par, par_runs, o.settle_s, what.c_str());
      sw.push_back(a.wall_s);
      sc.push_back(a.cpu_s);
      pw.push_back(b.wall_s);
      pc.push_back(b.cpu_s);
    }
    double swm = median(sw), scm = median(sc), pwm = median(pw),
           pcm = median(pc);
    std::printf("%s,%s,%d,%lld,%.0f,%.9g,%.9g,%.9g,%.9g\n", o.benchmark.c_str(),
                sys, threads, static_cast<long long>(o.n), w.items, swm, scm,
                pwm, pcm);
    std::fflush(stdout);
    double per = 1e9 / w.items;
    std::fprintf(stderr,
                 "  threads=%-3d serial %8.3f ns/item  %s %8.3f ns/item  "
                 "time x%.3f  cpu x%.2f  (runs/sample %d/%d, process "
                 "threads %d) %s\n",
                 threads, swm * per, sys, pwm * per, pwm / swm, pcm / scm,
                 serial_runs, par_runs, process_threads(),
                 system.info().c_str());
  }
  return 0;
}

template <class System> int main(int argc, char **argv) {
  return run<System>(argc, argv, "tree_sum|fib|quicksort|nqueens",
                     make_workload<System>);
}

} // namespace bench

#endif // SPICE_BENCH_DRIVER_H
