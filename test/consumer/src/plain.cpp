// No [[spice::parallel]] here: spice-rewrite passes this file through, and
// its calls of the parallel template reach the rewritten copy of algo.h.
#include <consumer/algo.h>
#include <consumer/fib.h>

#include <thread>
#include <vector>

long fib_from_threads(int n, int threads) {
  std::vector<long> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back(
        [&results, i, n] { results[static_cast<std::size_t>(i)] = fib(n); });
  long total = 0;
  for (int i = 0; i < threads; ++i) {
    pool[static_cast<std::size_t>(i)].join();
    total += results[static_cast<std::size_t>(i)];
  }
  return total;
}

long consumer::sum_of_squares(int n) {
  std::vector<long> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    v[static_cast<std::size_t>(i)] = long{i} * i;
  return parallel_sum(v.data(), v.size());
}
