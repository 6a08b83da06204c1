// Side-by-side timing of variants of the fork/join fast path
// (scripts/fastpath-ab.sh builds this; docs/benchmarks.md, "Fast-path
// experiments"). Each variant is the rewritten benchmark kernels plus a whole
// runtime, compiled with its namespaces renamed (spice -> spice_<V>), so any
// number of them link into this one executable without sharing an inline
// function. Rounds visit the serial function and every variant in a fresh
// random order, a few milliseconds each, and the ratio to serial is taken
// per round: drift of the machine (a noisy VM) hits all of them alike.
//
//   fastpath_ab tree|fib|nqueens N WORKERS ROUNDS
//
// Prints per variant the median ns per node/call/board and the median,
// quartiles of the per-round ratio to the serial function. Every result is
// checked. On one worker, the tree sum and fib also run Spice's protocol
// written by hand (protocol_floor.h) as the row `protocol-by-hand`: the
// floor the variants are measured against.
#include "kernels.h"
#include "protocol_floor.h"
#include "tree.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

struct Variant {
  const char *name;
  void *(*make_pool)(int workers);
  long (*tree_sum)(void *pool, const tree::Node *root);
  long (*fib)(void *pool, int n);
  long (*nqueens)(void *pool, int n);
  void *pool;
};

// Declared by the build for each variant V (bench/fastpath_ab/glue.cpp).
#define FASTPATH_AB_DECLARE(V)                                                 \
  extern "C" void *make_pool_##V(int);                                         \
  extern "C" long tree_sum_##V(void *, const tree::Node *);                    \
  extern "C" long fib_##V(void *, int);                                        \
  extern "C" long nqueens_##V(void *, int);
FASTPATH_AB_DECLS
#define FASTPATH_AB_ENTRY(V)                                                   \
  {#V, make_pool_##V, tree_sum_##V, fib_##V, nqueens_##V, nullptr},

namespace {

void *no_pool(int) { return nullptr; }
long floor_tree_sum(void *, const tree::Node *root) {
  return protocol_floor::tree_sum(root);
}
long floor_fib(void *, int n) { return protocol_floor::fib(n); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

} // namespace

int main(int argc, char **argv) {
  enum Kernel { kTree, kFib, kQueens } kernel;
  if (argc == 5 && !std::strcmp(argv[1], "tree"))
    kernel = kTree;
  else if (argc == 5 && !std::strcmp(argv[1], "fib"))
    kernel = kFib;
  else if (argc == 5 && !std::strcmp(argv[1], "nqueens"))
    kernel = kQueens;
  else {
    std::fprintf(stderr, "usage: %s tree|fib|nqueens N WORKERS ROUNDS\n",
                 argv[0]);
    return 2;
  }
  const long n = std::atol(argv[2]);
  const int workers = std::atoi(argv[3]);
  const int rounds = std::atoi(argv[4]);
  if (n < 1 || workers < 1 || rounds < 1) {
    std::fprintf(stderr, "fastpath_ab: N, WORKERS and ROUNDS must be >= 1\n");
    return 2;
  }
  std::vector<Variant> variants = {FASTPATH_AB_ENTRIES};
  if (workers == 1 && kernel != kQueens)
    variants.push_back({"protocol-by-hand", no_pool, floor_tree_sum, floor_fib,
                        nullptr, nullptr});
  for (Variant &v : variants)
    v.pool = v.make_pool(workers);
  tree::Tree t(kernel == kTree ? n : 1);
  auto serial_run = [&]() -> long {
    switch (kernel) {
    case kTree:
      return serial::tree_sum(t.root());
    case kFib:
      return serial::fib(int(n));
    default:
      return serial::nqueens(int(n));
    }
  };
  const long expected = kernel == kTree ? t.expected_sum() : serial_run();
  // i < 0: the serial function; else variant i.
  auto run = [&](int i) {
    const Variant *v = i < 0 ? nullptr : &variants[i];
    long r = !v                ? serial_run()
             : kernel == kTree ? v->tree_sum(v->pool, t.root())
             : kernel == kFib  ? v->fib(v->pool, int(n))
                               : v->nqueens(v->pool, int(n));
    if (r != expected) {
      std::fprintf(stderr, "fastpath_ab: WRONG RESULT (%s)\n",
                   i < 0 ? "serial" : variants[i].name);
      std::exit(1);
    }
  };
  // Runs per visit: the serial function's count for ~2 ms.
  int reps = 1;
  for (;;) {
    auto a = std::chrono::steady_clock::now();
    for (int k = 0; k < reps; ++k)
      run(-1);
    if (std::chrono::steady_clock::now() - a > std::chrono::milliseconds(2))
      break;
    reps *= 2;
  }
  const int nv = static_cast<int>(variants.size());
  std::vector<int> order;
  for (int i = -1; i < nv; ++i)
    order.push_back(i);
  std::vector<double> serial_s;
  std::vector<std::vector<double>> secs(nv), ratio(nv);
  std::mt19937 rng(42);
  const int warmup = 3;
  for (int r = 0; r < warmup + rounds; ++r) {
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<double> s(nv + 1);
    for (int i : order) {
      auto a = std::chrono::steady_clock::now();
      for (int k = 0; k < reps; ++k)
        run(i);
      std::chrono::duration<double> d = std::chrono::steady_clock::now() - a;
      s[i + 1] = d.count() / reps;
    }
    if (r < warmup)
      continue;
    serial_s.push_back(s[0]);
    for (int i = 0; i < nv; ++i) {
      secs[i].push_back(s[i + 1]);
      ratio[i].push_back(s[i + 1] / s[0]);
    }
  }
  // Tree: per node; fib: per call of the serial fib (fib(n+1)*2-1 calls);
  // nqueens: per board.
  double units = kernel == kTree ? n : 1;
  if (kernel == kFib) {
    double a = 0, b = 1;
    for (long k = 0; k < n; ++k) {
      double c = a + b;
      a = b;
      b = c;
    }
    units = 2 * b - 1;
  }
  std::printf("%s %ld, %d worker(s), %d rounds of %d runs; serial %.3f ns\n",
              argv[1], n, workers, rounds, reps,
              median(serial_s) * 1e9 / units);
  for (int i = 0; i < nv; ++i)
    std::printf("  %-18s %8.3f ns  ratio %.3f  (quartiles %.3f-%.3f)\n",
                variants[i].name, median(secs[i]) * 1e9 / units,
                median(ratio[i]), quantile(ratio[i], 0.25),
                quantile(ratio[i], 0.75));
  return 0;
}
