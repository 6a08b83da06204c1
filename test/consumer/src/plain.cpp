// No [[spice::parallel]] here: spice-rewrite passes this file through.
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
