// The main demo, Spice's own example: the sum of a large balanced binary
// tree, one spawn per node, next to the plain serial sum.
//
//   tree_sum_demo [nodes]       (default 2^24 - 1; workers: SPICE_NUM_THREADS)
//
// Built through spice_rewrite() (see CMakeLists.txt). Compiled without the
// rewrite, the same file is a serial program: spawn calls, sync does nothing.
#include "report.h"
#include "tree.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using tree::Node;

[[spice::parallel]] std::int64_t sum(const Node *node) {
  std::int64_t res = node->val;
  if (node->left && node->right) {
    std::int64_t right = spice::spawn(sum, node->right);
    res += sum(node->left);
    spice::sync();
    return res + right;
  }
  if (node->left)
    res += sum(node->left);
  if (node->right)
    res += sum(node->right);
  return res;
}

int main(int argc, char **argv) {
  std::int64_t nodes = argc > 1 ? std::atoll(argv[1]) : (1 << 24) - 1;
  if (nodes <= 0) {
    std::fprintf(stderr, "usage: tree_sum_demo [nodes > 0]\n");
    return 2;
  }
  tree::Tree t(nodes);
  std::int64_t serial = 0, parallel = 0;
  // Best of five, alternating. The serial baseline is tree::sum_serial, the
  // same recursion as a plain function (no spawns, no heartbeat polls).
  example::Times times = example::best_of(
      5, [&] { parallel = sum(t.root()); },
      [&] { serial = tree::sum_serial(t.root()); });
  std::printf("tree sum of %lld nodes = %lld\n", static_cast<long long>(nodes),
              static_cast<long long>(parallel));
  example::print_times(times, "plain serial function");
  return parallel == serial && serial == t.expected_sum() ? 0 : 1;
}
