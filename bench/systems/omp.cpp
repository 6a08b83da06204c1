// bench_omp: the benchmarks with OpenMP tasks (built with GCC's -fopenmp), as
// naive as the spice version: `#pragma omp task` at every fork, `taskwait`
// at every join, no if/final clause, no cutoff. Each run is one
// `parallel` region whose `single` thread starts the recursion; the worker
// count is omp_set_num_threads. Wait policy and spin counts are libgomp's
// defaults (OMP_WAIT_POLICY / GOMP_SPINCOUNT unset): idle threads spin for a
// while before they sleep, less when there are more threads than CPUs.
#include "driver.h"
#include "sort.h"

#include <omp.h>

#include <cstdint>
#include <string>

namespace {

std::int64_t tree_sum(const tree::Node *node) {
  if (node->left && node->right) {
    std::int64_t right = 0;
#pragma omp task shared(right)
    right = tree_sum(node->right);
    std::int64_t left = tree_sum(node->left);
#pragma omp taskwait
    return node->val + left + right;
  }
  std::int64_t res = node->val;
  if (node->left)
    res += tree_sum(node->left);
  if (node->right)
    res += tree_sum(node->right);
  return res;
}

std::int64_t fib(int n) {
  if (n < 2)
    return n;
  std::int64_t a = 0;
#pragma omp task shared(a)
  a = fib(n - 1);
  std::int64_t b = fib(n - 2);
#pragma omp taskwait
  return a + b;
}

void quicksort(std::int32_t *first, std::int32_t *last) {
  if (last - first <= sortutil::kSmall) {
    sortutil::insertion_sort(first, last);
    return;
  }
  std::int32_t *mid = sortutil::partition(first, last);
#pragma omp task
  quicksort(first, mid);
  quicksort(mid, last);
#pragma omp taskwait
}

std::int64_t queens(int n, int row, std::uint32_t cols, std::uint32_t left,
                    std::uint32_t right) {
  if (row == n)
    return 1;
  std::int64_t counts[32];
  const std::uint32_t free = ~(cols | left | right) & ((1u << n) - 1);
  for (int c = 0; c < n; ++c) {
    const std::uint32_t bit = 1u << c;
    counts[c] = 0;
    if (free & bit) {
#pragma omp task shared(counts)
      counts[c] =
          queens(n, row + 1, cols | bit, (left | bit) << 1, (right | bit) >> 1);
    }
  }
#pragma omp taskwait
  std::int64_t total = 0;
  for (int c = 0; c < n; ++c)
    total += counts[c];
  return total;
}

// One parallel region per run; the single thread makes the top-level call
// and the others take tasks at the region's closing barrier.
template <class F> auto in_team(F f) -> decltype(f()) {
  if constexpr (std::is_void_v<decltype(f())>) {
#pragma omp parallel
#pragma omp single
    f();
  } else {
    decltype(f()) result{};
#pragma omp parallel
#pragma omp single
    result = f();
    return result;
  }
}

struct System {
  static const char *name() { return "omp"; }
  explicit System(int threads) {
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
  }

  std::int64_t tree_sum(const tree::Node *root) {
    return in_team([&] { return ::tree_sum(root); });
  }
  std::int64_t fib(int n) {
    return in_team([&] { return ::fib(n); });
  }
  void quicksort(std::int32_t *first, std::int32_t *last) {
    in_team([&] { ::quicksort(first, last); });
  }
  std::int64_t nqueens(int n) {
    return in_team([&] { return queens(n, 0, 0, 0, 0); });
  }
  std::string info() {
    int team = 0;
#pragma omp parallel
#pragma omp single
    team = omp_get_num_threads();
    return "team " + std::to_string(team);
  }
};

} // namespace

int main(int argc, char **argv) { return bench::main<System>(argc, argv); }
