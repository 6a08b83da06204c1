// A parallel function called from ordinary multi-threaded code: several
// std::threads (think: request handlers) each count the primes in their own
// range by calling count_primes at the same time. Each call runs on the
// default pool; the pool's workers help whichever caller has work to share.
//
//   threads [callers] [numbers per caller]   (default 4 x 300000)
#include "report.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

static bool is_prime(std::int64_t n) {
  if (n < 2)
    return false;
  for (std::int64_t d = 2; d * d <= n; ++d)
    if (n % d == 0)
      return false;
  return true;
}

/// The primes in [lo, hi), halving the range down to single numbers.
[[spice::parallel]] std::int64_t count_primes(std::int64_t lo,
                                              std::int64_t hi) {
  if (hi - lo == 1)
    return is_prime(lo) ? 1 : 0;
  std::int64_t mid = lo + (hi - lo) / 2;
  std::int64_t left = spice::spawn(count_primes, lo, mid);
  std::int64_t right = count_primes(mid, hi);
  spice::sync();
  return left + right;
}

/// The baseline: one thread counts every caller's range with a plain loop.
static std::int64_t count_primes_serial(std::int64_t lo, std::int64_t hi) {
  std::int64_t count = 0;
  for (std::int64_t n = lo; n < hi; ++n)
    count += is_prime(n) ? 1 : 0;
  return count;
}

int main(int argc, char **argv) {
  int callers = argc > 1 ? std::atoi(argv[1]) : 4;
  std::int64_t per_caller = argc > 2 ? std::atoll(argv[2]) : 300'000;
  if (callers < 1 || callers > 256 || per_caller < 1) {
    std::fprintf(stderr, "usage: threads [callers in 1..256] [numbers > 0]\n");
    return 2;
  }
  std::int64_t parallel = 0, serial = 0;
  example::Times t = example::best_of(
      3,
      [&] {
        std::vector<std::int64_t> counts(static_cast<std::size_t>(callers));
        std::vector<std::thread> threads;
        for (int i = 0; i < callers; ++i)
          threads.emplace_back([&counts, i, per_caller] {
            counts[static_cast<std::size_t>(i)] =
                count_primes(i * per_caller, (i + 1) * per_caller);
          });
        parallel = 0;
        for (int i = 0; i < callers; ++i) {
          threads[static_cast<std::size_t>(i)].join();
          parallel += counts[static_cast<std::size_t>(i)];
        }
      },
      [&] { serial = count_primes_serial(0, callers * per_caller); });
  std::printf("primes below %lld, counted by %d threads at once = %lld\n",
              static_cast<long long>(callers * per_caller), callers,
              static_cast<long long>(parallel));
  // The pool has num_workers - 1 background threads; each caller adds
  // itself while its call runs.
  example::print_times(t, "plain serial loop on one thread", callers);
  return parallel == serial ? 0 : 1;
}
