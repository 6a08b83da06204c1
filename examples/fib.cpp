// Fibonacci, the classic fork-join example: one spawn per call, no cutoff.
// Heartbeat scheduling keeps such fine-grained spawns cheap: a spawn only
// becomes a task for another worker when a heartbeat finds it.
//
//   fib [n]        (default 35; workers: SPICE_NUM_THREADS)
#include "report.h"

#include <spice/spice.h>

#include <cstdio>
#include <cstdlib>

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}

/// The baseline: the same recursion as an ordinary function.
static long fib_serial(int n) {
  return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 35;
  if (n < 0 || n > 60) {
    std::fprintf(stderr, "usage: fib [n in 0..60]\n");
    return 2;
  }
  long parallel = 0, serial = 0;
  example::Times t = example::best_of(
      3, [&] { parallel = fib(n); }, [&] { serial = fib_serial(n); });
  std::printf("fib(%d) = %ld\n", n, parallel);
  example::print_times(t, "plain serial function");
  return parallel == serial ? 0 : 1;
}
