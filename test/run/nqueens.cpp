// Spawns in a loop (once per iteration, into an array element evaluated at
// the spawn): the spawn group form.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>

constexpr int N = 11;

static bool safe(const int *queens, int row, int col) {
  for (int r = 0; r < row; ++r) {
    int c = queens[r];
    if (c == col || c - col == r - row || c - col == row - r)
      return false;
  }
  return true;
}

[[spice::parallel]] long solve(int *queens, int row);

[[spice::parallel]] long place(const int *queens, int row, int col) {
  int next[N];
  for (int r = 0; r < row; ++r)
    next[r] = queens[r];
  next[row] = col;
  return solve(next, row + 1);
}

[[spice::parallel]] long solve(int *queens, int row) {
  if (row == N)
    return 1;
  long counts[N] = {};
  for (int col = 0; col < N; ++col) {
    if (safe(queens, row, col))
      counts[col] = spice::spawn(place, queens, row, col);
  }
  spice::sync();
  long total = 0;
  for (long c : counts)
    total += c;
  return total;
}

int main() {
  int queens[N];
  std::printf("%d-queens: %ld\n", N, solve(queens, 0));
}
// CHECK: 11-queens: 2680
