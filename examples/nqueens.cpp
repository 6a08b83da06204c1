// N-queens: counts the placements of n queens on an n x n board, spawning
// one search per free square of each row. The spawns stand in a loop, each
// storing into its own array element; one sync waits for all of them.
//
//   nqueens [n]    (default 13)
#include "report.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

constexpr int kMaxN = 16;

/// Solutions below a partial board: `cols`, `left` and `right` mark the
/// columns attacked in row `row` vertically and along both diagonals.
[[spice::parallel]] long queens(int n, int row, std::uint32_t cols,
                                std::uint32_t left, std::uint32_t right) {
  if (row == n)
    return 1;
  std::uint32_t all = (1u << n) - 1;
  std::uint32_t avail = ~(cols | left | right) & all;
  long counts[kMaxN] = {};
  for (int col = 0; col < n; ++col) {
    std::uint32_t bit = 1u << col;
    if (avail & bit) {
      counts[col] = spice::spawn(queens, n, row + 1, cols | bit,
                                 ((left | bit) << 1) & all, (right | bit) >> 1);
    }
  }
  spice::sync();
  long total = 0;
  for (int col = 0; col < n; ++col)
    total += counts[col];
  return total;
}

/// The baseline: the same search as an ordinary function.
static long queens_serial(int n, int row, std::uint32_t cols,
                          std::uint32_t left, std::uint32_t right) {
  if (row == n)
    return 1;
  std::uint32_t all = (1u << n) - 1;
  std::uint32_t avail = ~(cols | left | right) & all;
  long total = 0;
  for (int col = 0; col < n; ++col) {
    std::uint32_t bit = 1u << col;
    if (avail & bit)
      total += queens_serial(n, row + 1, cols | bit, ((left | bit) << 1) & all,
                             (right | bit) >> 1);
  }
  return total;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 13;
  if (n < 1 || n > kMaxN) {
    std::fprintf(stderr, "usage: nqueens [n in 1..%d]\n", kMaxN);
    return 2;
  }
  long parallel = 0, serial = 0;
  example::Times t = example::best_of(
      3, [&] { parallel = queens(n, 0, 0, 0, 0); },
      [&] { serial = queens_serial(n, 0, 0, 0, 0); });
  // Known counts (OEIS A000170) for the sizes worth timing.
  static const long known[kMaxN + 1] = {
      1,   1,   0,    0,     2,     10,     4,       40,      92,
      352, 724, 2680, 14200, 73712, 365596, 2279184, 14772512};
  std::printf("%d-queens solutions = %ld\n", n, parallel);
  example::print_times(t, "plain serial function");
  return parallel == serial && parallel == known[n] ? 0 : 1;
}
