// bench_ceiling: how much more work this machine does on k threads than on
// one, with no scheduler at all. k independent copies of the plain serial
// function, each with its own input, run at once on k threads; the ceiling
// is k times the time of one copy alone over the time until the last of the
// k copies is done.
// A k-worker run of any system cannot beat it: on a VM whose vCPUs are SMT
// siblings, or that shares memory bandwidth, it is well below k, and a
// speedup target above it measures the machine, not the runtime.
//
//   bench_ceiling <benchmark> <n> [--threads=2,4] [--samples=7]
//                 [--target-ms=50] [--header]
//
// Same benchmarks and sizes as bench_<system> (driver.h). Output (stdout):
// one CSV row per thread count k > 1,
//   benchmark,n,threads,alone_s,together_s,ceiling
// with per-run medians over samples that alternate one copy alone with k
// copies together (until the last of them is done). Every run's result is
// checked.
#include "driver.h"

#include <condition_variable>
#include <mutex>

namespace {

// make_workload() wants a system; the ceiling only uses its serial case.
struct NoSystem {
  explicit NoSystem(int) {}
  std::int64_t tree_sum(const tree::Node *root) {
    return serial::tree_sum(root);
  }
  std::int64_t fib(int n) { return serial::fib(n); }
  void quicksort(std::int32_t *first, std::int32_t *last) {
    serial::quicksort(first, last);
  }
  std::int64_t nqueens(int n) { return serial::nqueens(n); }
};

// Runs `take` of every copy at once, one thread each, released together;
// returns the time from the release until the last copy is done, per run.
// The last one, not a copy's own time: with more copies than CPUs the
// threads take turns, and each alone would look as fast as one copy.
double together(std::vector<bench::Workload<NoSystem>> &copies, int runs,
                const char *what) {
  std::mutex m;
  std::condition_variable cv;
  bool go = false;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < copies.size(); ++i)
    threads.emplace_back([&, i] {
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return go; });
      }
      bench::take(copies[i].serial, runs, 0, what);
    });
  auto t0 = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(m);
    go = true;
  }
  cv.notify_all();
  for (auto &t : threads)
    t.join();
  std::chrono::duration<double> wall = std::chrono::steady_clock::now() - t0;
  return wall.count() / runs;
}

} // namespace

int main(int argc, char **argv) {
  bench::Options o;
  o.threads = {2};
  if (!bench::parse_options(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: %s tree_sum|fib|quicksort|nqueens N "
                 "[--threads=2,4] [--samples=7] [--target-ms=50] "
                 "[--header]\n",
                 argv[0]);
    return 2;
  }
  std::fprintf(stderr, "[ceiling] %s n=%lld\n", o.benchmark.c_str(),
               static_cast<long long>(o.n));
  if (o.header)
    std::printf("benchmark,n,threads,alone_s,together_s,ceiling\n");
  std::vector<bench::Workload<NoSystem>> copies(1);
  if (!bench::make_workload(o, copies[0])) {
    std::fprintf(stderr, "bench_ceiling: bad benchmark or size: %s %lld\n",
                 o.benchmark.c_str(), static_cast<long long>(o.n));
    return 2;
  }
  const std::string what = o.benchmark + " serial";
  const int runs = bench::runs_for(copies[0].serial, o.target_s, what.c_str());
  for (int k : o.threads) {
    if (k < 2)
      continue;
    while (static_cast<int>(copies.size()) < k) {
      copies.emplace_back();
      bench::make_workload(o, copies.back());
    }
    std::vector<bench::Workload<NoSystem>> group(copies.begin(),
                                                 copies.begin() + k);
    together(group, runs, what.c_str()); // warm-up
    std::vector<double> alone, among;
    for (int s = 0; s < o.samples; ++s) {
      alone.push_back(
          bench::take(copies[0].serial, runs, 0, what.c_str()).wall_s);
      among.push_back(together(group, runs, what.c_str()));
    }
    const double a = bench::median(alone), t = bench::median(among);
    std::printf("%s,%lld,%d,%.9g,%.9g,%.4f\n", o.benchmark.c_str(),
                static_cast<long long>(o.n), k, a, t, k * a / t);
    std::fflush(stdout);
    std::fprintf(stderr,
                 "  threads=%-3d one copy %10.4g s/run  among %d %10.4g "
                 "s/run  ceiling x%.2f\n",
                 k, a, k, t, k * a / t);
  }
  return 0;
}
