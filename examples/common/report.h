// Timing and the common output of the examples: the result, the time of the
// parallel version with the number of workers, and the serial time next to
// it with the speedup.
#ifndef SPICE_EXAMPLES_REPORT_H
#define SPICE_EXAMPLES_REPORT_H

#include <spice/spice.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>

namespace example {

/// Wall-clock seconds of one call of `f`.
template <class F> double seconds(F &&f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Best of `rounds` runs of `parallel` and `serial`, alternating, so both
/// see the same machine load.
struct Times {
  double parallel_s = 1e30;
  double serial_s = 1e30;
};
template <class P, class S>
Times best_of(int rounds, P &&parallel, S &&serial) {
  Times t;
  for (int round = 0; round < rounds; ++round) {
    t.serial_s = std::min(t.serial_s, seconds(serial));
    t.parallel_s = std::min(t.parallel_s, seconds(parallel));
  }
  return t;
}

/// Prints the two time lines. `serial_kind` says what the serial time is of;
/// `callers` (if not 0) is the number of ordinary threads that called into
/// the pool at once, each of which works in it during its call.
inline void print_times(const Times &t, const char *serial_kind,
                        int callers = 0) {
  std::size_t workers = spice::ThreadPool::default_pool().num_workers();
  if (callers > 0)
    std::printf("spice (%zu workers, %d callers): %8.2f ms\n", workers, callers,
                t.parallel_s * 1e3);
  else
    std::printf("spice (%zu workers): %8.2f ms\n", workers, t.parallel_s * 1e3);
  std::printf("serial:            %8.2f ms  (%s; speedup %.2fx)\n",
              t.serial_s * 1e3, serial_kind, t.serial_s / t.parallel_s);
}

} // namespace example

#endif // SPICE_EXAMPLES_REPORT_H
