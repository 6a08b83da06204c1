// The benchmarks as a spice user writes them: [[spice::parallel]] functions
// with spice::spawn / spice::sync, no grain size, no cutoff. The build runs
// this file through spice-rewrite (bench/CMakeLists.txt); compiled as it is,
// it is the serial elision (bench_spice_elision checks its results).
//
// Each spawn stands in a block that also holds its sync (or a return), the
// form spice-rewrite turns into futures on the stack; nqueens spawns in a
// loop, which takes the SpawnGroup path (docs/rewrite.md).
#include "sort.h"
#include "tree.h"

#include <spice/spice.h>

#include <cstdint>

namespace spice_bench {

// The same shape as the serial function (tree::sum_serial): the value, plus
// the left sum, plus the right sum last, so GCC turns the final call of the
// join fallback into a loop as it does the serial one's (docs/rewrite.md).
[[spice::parallel]] std::int64_t tree_sum(const tree::Node *node) {
  std::int64_t res = node->val;
  if (node->left && node->right) {
    std::int64_t right = spice::spawn(tree_sum, node->right);
    res += tree_sum(node->left);
    spice::sync();
    return res + right;
  }
  if (node->left)
    res += tree_sum(node->left);
  if (node->right)
    res += tree_sum(node->right);
  return res;
}

[[spice::parallel]] std::int64_t fib(int n) {
  if (n < 2)
    return n;
  std::int64_t a = spice::spawn(fib, n - 1);
  std::int64_t b = fib(n - 2);
  spice::sync();
  return a + b;
}

[[spice::parallel]] void quicksort(std::int32_t *first, std::int32_t *last) {
  if (last - first <= sortutil::kSmall) {
    sortutil::insertion_sort(first, last);
    return;
  }
  std::int32_t *mid = sortutil::partition(first, last);
  spice::spawn(quicksort, first, mid);
  quicksort(mid, last);
  spice::sync();
}

[[spice::parallel]] static std::int64_t queens(int n, int row,
                                               std::uint32_t cols,
                                               std::uint32_t left,
                                               std::uint32_t right) {
  if (row == n)
    return 1;
  std::int64_t counts[32];
  const std::uint32_t free = ~(cols | left | right) & ((1u << n) - 1);
  for (int c = 0; c < n; ++c) {
    const std::uint32_t bit = 1u << c;
    counts[c] = 0;
    if (free & bit)
      counts[c] = spice::spawn(queens, n, row + 1, cols | bit,
                               (left | bit) << 1, (right | bit) >> 1);
  }
  spice::sync();
  std::int64_t total = 0;
  for (int c = 0; c < n; ++c)
    total += counts[c];
  return total;
}

// Ordinary code calling a parallel function: the rewritten queens entry
// point runs inline on the worker that calls it.
std::int64_t nqueens(int n) { return queens(n, 0, 0, 0, 0); }

} // namespace spice_bench
