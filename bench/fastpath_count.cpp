// Runs one kernel once, for counting instructions with callgrind
// (scripts/count-instructions.sh): the plain serial function, Spice's
// protocol written by hand (protocol_floor.h), the same kernel written by
// hand against the runtime API, and the kernel of systems/spice.cpp as
// spice-rewrite emits it, all on one worker. The script subtracts a run
// that only builds the input ("none").
//
//   bench_fastpath_count none|serial|protocol|handwritten|rewritten
//                        tree_sum|fib <n>
#include "kernels.h"
#include "protocol_floor.h"
#include "spice_handwritten.h"

#include <spice/spice.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr,
                 "usage: %s none|serial|protocol|handwritten|rewritten "
                 "tree_sum|fib <n>\n",
                 argv[0]);
    return 2;
  }
  const char *variant = argv[1];
  bool tree_kernel = std::strcmp(argv[2], "tree_sum") == 0;
  long n = std::atol(argv[3]);
  std::unique_ptr<tree::Tree> tree;
  if (tree_kernel)
    tree = std::make_unique<tree::Tree>(n);
  spice::ThreadPoolConfig config;
  config.num_workers = 1;
  spice::ThreadPool pool(config);

  std::int64_t result = 0;
  if (std::strcmp(variant, "serial") == 0) {
    result = tree_kernel ? serial::tree_sum(tree->root())
                         : serial::fib(static_cast<int>(n));
  } else if (std::strcmp(variant, "protocol") == 0) {
    result = tree_kernel ? protocol_floor::tree_sum(tree->root())
                         : protocol_floor::fib(static_cast<int>(n));
  } else if (std::strcmp(variant, "handwritten") == 0) {
    result = pool.call([&](spice::Task t) {
      return tree_kernel
                 ? handwritten::tree_sum(t.worker(), t.tail(), tree->root())
                 : handwritten::fib(t.worker(), t.tail(), static_cast<int>(n));
    });
  } else if (std::strcmp(variant, "rewritten") == 0) {
    result = pool.call([&](spice::Task) {
      return tree_kernel ? spice_bench::tree_sum(tree->root())
                         : spice_bench::fib(static_cast<int>(n));
    });
  } else if (std::strcmp(variant, "none") != 0) {
    std::fprintf(stderr, "unknown variant %s\n", variant);
    return 2;
  }
  std::printf("%lld\n", static_cast<long long>(result));
}
