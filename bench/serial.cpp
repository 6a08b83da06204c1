// The plain serial functions: the baseline of every benchmark. Written the
// way one would without any parallelism in mind.
#include "kernels.h"
#include "sort.h"

namespace serial {

std::int64_t tree_sum(const tree::Node *root) { return tree::sum_serial(root); }

std::int64_t fib(int n) {
  if (n < 2)
    return n;
  return fib(n - 1) + fib(n - 2);
}

void quicksort(std::int32_t *first, std::int32_t *last) {
  if (last - first <= sortutil::kSmall) {
    sortutil::insertion_sort(first, last);
    return;
  }
  std::int32_t *mid = sortutil::partition(first, last);
  quicksort(first, mid);
  quicksort(mid, last);
}

static std::int64_t queens(int n, int row, std::uint32_t cols,
                           std::uint32_t left, std::uint32_t right) {
  if (row == n)
    return 1;
  std::int64_t total = 0;
  const std::uint32_t free = ~(cols | left | right) & ((1u << n) - 1);
  for (int c = 0; c < n; ++c) {
    const std::uint32_t bit = 1u << c;
    if (free & bit)
      total +=
          queens(n, row + 1, cols | bit, (left | bit) << 1, (right | bit) >> 1);
  }
  return total;
}

std::int64_t nqueens(int n) { return queens(n, 0, 0, 0, 0); }

} // namespace serial
