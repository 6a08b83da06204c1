// The benchmarks written by hand against the runtime API (Task, Future,
// fork/join as in Spice's README), without spice-rewrite: the runtime's own
// overhead. Used by bench_spice_handwritten, bench_fastpath_count and
// runtime_tree_sum. Like generated code (and Spice's callWithContext), each
// function takes the worker and the list tail as two parameters and rebuilds
// its Task: see Task::call.
#ifndef SPICE_BENCH_SPICE_HANDWRITTEN_H
#define SPICE_BENCH_SPICE_HANDWRITTEN_H

#include "sort.h"
#include "tree.h"

#include <spice/spice.h>

#include <cstdint>
#include <optional>

namespace handwritten {

using spice::Task;
using W = spice::Task::Worker;
using L = spice::Task::Tail;

inline std::int64_t tree_sum(W w, L tail, const tree::Node *node) {
  Task t(w, tail);
  std::int64_t res = node->val;
  if (node->left && node->right) {
    auto right = [node](Task t) {
      return tree_sum(t.worker(), t.tail(), node->right);
    };
    spice::Future<std::int64_t> fut;
    fut.fork(t, right);
    res += t.call(tree_sum, node->left);
    if (std::optional<std::int64_t> r = fut.join(t))
      res += *r;
    else
      res += right(t); // nobody took it: the plain call
    return res;
  }
  if (node->left)
    res += t.call(tree_sum, node->left);
  if (node->right)
    res += t.call(tree_sum, node->right);
  return res;
}

inline std::int64_t fib(W w, L tail, int n) {
  Task t(w, tail);
  if (n < 2)
    return n;
  auto first = [n](Task t) { return fib(t.worker(), t.tail(), n - 1); };
  spice::Future<std::int64_t> fut;
  fut.fork(t, first);
  std::int64_t b = t.call(fib, n - 2);
  std::optional<std::int64_t> a = fut.join(t);
  return (a ? *a : first(t)) + b;
}

inline void quicksort(W w, L tail, std::int32_t *first, std::int32_t *last) {
  Task t(w, tail);
  if (last - first <= sortutil::kSmall) {
    sortutil::insertion_sort(first, last);
    return;
  }
  std::int32_t *mid = sortutil::partition(first, last);
  auto lower = [first, mid](Task t) {
    quicksort(t.worker(), t.tail(), first, mid);
  };
  spice::Future<void> fut;
  fut.fork(t, lower);
  t.call(quicksort, mid, last);
  if (!fut.join(t))
    lower(t);
}

inline std::int64_t queens(W w, L tail, int n, int row, std::uint32_t cols,
                           std::uint32_t left, std::uint32_t right) {
  Task t(w, tail);
  if (row == n)
    return 1;
  // One future per free column, joined newest first (the job list is LIFO).
  struct Child {
    int n, row;
    std::uint32_t cols, left, right;
    std::int64_t operator()(Task t) const {
      return queens(t.worker(), t.tail(), n, row, cols, left, right);
    }
  };
  Child calls[32];
  spice::Future<std::int64_t> futs[32];
  int forked = 0;
  const std::uint32_t free = ~(cols | left | right) & ((1u << n) - 1);
  for (int c = 0; c < n; ++c) {
    const std::uint32_t bit = 1u << c;
    if (free & bit) {
      calls[forked] = {n, row + 1, cols | bit, (left | bit) << 1,
                       (right | bit) >> 1};
      futs[forked].fork(t, calls[forked]);
      ++forked;
    }
  }
  std::int64_t total = 0;
  for (int i = forked - 1; i >= 0; --i) {
    std::optional<std::int64_t> r = futs[i].join(t);
    total += r ? *r : calls[i](t);
  }
  return total;
}

} // namespace handwritten

#endif // SPICE_BENCH_SPICE_HANDWRITTEN_H
