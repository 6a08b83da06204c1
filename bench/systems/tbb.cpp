// bench_tbb: the benchmarks with oneTBB, as naive as the spice version: a
// tbb::task_group at every fork (run one branch as a task, call the other,
// wait), no grain size, no cutoff. The worker count is set with
// tbb::global_control (max_allowed_parallelism) and an explicit
// tbb::task_arena of that concurrency: the implicit arena never grows past
// the hardware concurrency, and counts above the core count are wanted here.
// Idle TBB workers spin/yield for a while before they sleep (TBB's default).
#include "driver.h"
#include "sort.h"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <cstdint>
#include <string>

namespace {

std::int64_t tree_sum(const tree::Node *node) {
  if (node->left && node->right) {
    std::int64_t right = 0;
    tbb::task_group g;
    g.run([&] { right = tree_sum(node->right); });
    std::int64_t left = tree_sum(node->left);
    g.wait();
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
  tbb::task_group g;
  g.run([&] { a = fib(n - 1); });
  std::int64_t b = fib(n - 2);
  g.wait();
  return a + b;
}

void quicksort(std::int32_t *first, std::int32_t *last) {
  if (last - first <= sortutil::kSmall) {
    sortutil::insertion_sort(first, last);
    return;
  }
  std::int32_t *mid = sortutil::partition(first, last);
  tbb::task_group g;
  g.run([=] { quicksort(first, mid); });
  quicksort(mid, last);
  g.wait();
}

std::int64_t queens(int n, int row, std::uint32_t cols, std::uint32_t left,
                    std::uint32_t right) {
  if (row == n)
    return 1;
  std::int64_t counts[32];
  tbb::task_group g;
  const std::uint32_t free = ~(cols | left | right) & ((1u << n) - 1);
  for (int c = 0; c < n; ++c) {
    const std::uint32_t bit = 1u << c;
    counts[c] = 0;
    if (free & bit)
      g.run([=, &counts] {
        counts[c] = queens(n, row + 1, cols | bit, (left | bit) << 1,
                           (right | bit) >> 1);
      });
  }
  g.wait();
  std::int64_t total = 0;
  for (int c = 0; c < n; ++c)
    total += counts[c];
  return total;
}

struct System {
  static const char *name() { return "tbb"; }
  explicit System(int threads)
      : control(tbb::global_control::max_allowed_parallelism,
                static_cast<std::size_t>(threads)),
        arena(threads) {}

  std::int64_t tree_sum(const tree::Node *root) {
    return arena.execute([&] { return ::tree_sum(root); });
  }
  std::int64_t fib(int n) {
    return arena.execute([&] { return ::fib(n); });
  }
  void quicksort(std::int32_t *first, std::int32_t *last) {
    arena.execute([&] { ::quicksort(first, last); });
  }
  std::int64_t nqueens(int n) {
    return arena.execute([&] { return queens(n, 0, 0, 0, 0); });
  }
  std::string info() {
    return "arena concurrency " + std::to_string(arena.max_concurrency());
  }

  tbb::global_control control;
  tbb::task_arena arena;
};

} // namespace

int main(int argc, char **argv) { return bench::main<System>(argc, argv); }
