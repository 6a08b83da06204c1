// One variant's entry points for fastpath_ab (ab.cpp), compiled with
// -DFASTPATH_AB_VARIANT=<V> -Dspice=spice_<V> -Dspice_bench=spice_bench_<V>
// and the variant's runtime headers, like its kernels and its runtime.
#include "kernels.h"

#include <spice/runtime.h>

#define FASTPATH_AB_CAT2(a, b) a##b
#define FASTPATH_AB_CAT(a, b) FASTPATH_AB_CAT2(a, b)
#define FASTPATH_AB_NAME(f) FASTPATH_AB_CAT(f, FASTPATH_AB_VARIANT)

extern "C" void *FASTPATH_AB_NAME(make_pool_)(int workers) {
  spice::ThreadPoolConfig config;
  config.num_workers = static_cast<std::size_t>(workers);
  return new spice::ThreadPool(config); // lives until the process exits
}

extern "C" long FASTPATH_AB_NAME(tree_sum_)(void *pool,
                                            const tree::Node *root) {
  return static_cast<spice::ThreadPool *>(pool)->call(
      [&](spice::Task) { return spice_bench::tree_sum(root); });
}

extern "C" long FASTPATH_AB_NAME(fib_)(void *pool, int n) {
  return static_cast<spice::ThreadPool *>(pool)->call(
      [&](spice::Task) { return spice_bench::fib(n); });
}

extern "C" long FASTPATH_AB_NAME(nqueens_)(void *pool, int n) {
  return static_cast<spice::ThreadPool *>(pool)->call(
      [&](spice::Task) { return spice_bench::nqueens(n); });
}
