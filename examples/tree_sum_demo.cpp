// The main demo: a parallel sum over a large balanced binary tree, next to
// the plain serial sum.
//
//   tree_sum_demo [nodes]       (default 2^24 - 1; workers: SPICE_NUM_THREADS)
#include "tree.h"

#include <spice/spice.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using tree::Node;

static std::int64_t sum(spice::Task t, const Node *node) {
  std::int64_t res = node->val;
  if (node->left && node->right) {
    auto right = [node](spice::Task t) { return sum(t, node->right); };
    spice::Future<std::int64_t> fut;
    fut.fork(t, right);
    res += t.call(sum, node->left);
    std::optional<std::int64_t> r = fut.join(t);
    return res + (r ? *r : right(t));
  }
  if (node->left)
    res += t.call(sum, node->left);
  if (node->right)
    res += t.call(sum, node->right);
  return res;
}

template <class F> static double seconds(F &&f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

int main(int argc, char **argv) {
  std::int64_t nodes = argc > 1 ? std::atoll(argv[1]) : (1 << 24) - 1;
  if (nodes <= 0) {
    std::fprintf(stderr, "usage: tree_sum_demo [nodes > 0]\n");
    return 2;
  }
  tree::Tree t(nodes);
  spice::ThreadPool &pool = spice::ThreadPool::default_pool();

  std::int64_t serial = 0, parallel = 0;
  double serial_s = 1e30, parallel_s = 1e30;
  for (int round = 0; round < 5; ++round) { // best of five, alternating
    serial_s = std::min(serial_s,
                        seconds([&] { serial = tree::sum_serial(t.root()); }));
    parallel_s = std::min(parallel_s, seconds([&] {
                            parallel = pool.call([&](spice::Task task) {
                              return sum(task, t.root());
                            });
                          }));
  }
  std::printf("tree sum of %lld nodes = %lld\n", static_cast<long long>(nodes),
              static_cast<long long>(parallel));
  std::printf("spice (%zu workers): %8.2f ms\n", pool.num_workers(),
              parallel_s * 1e3);
  std::printf("serial:             %8.2f ms  (speedup %.2fx)\n", serial_s * 1e3,
              serial_s / parallel_s);
  return parallel == serial && serial == t.expected_sum() ? 0 : 1;
}
