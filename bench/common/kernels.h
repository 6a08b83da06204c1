// The benchmark kernels each system provides, under one signature per
// benchmark, called from ordinary code (each system's adapter wraps them in
// its own pool, arena or parallel region):
//
//   tree_sum(root)          sum of a balanced binary tree (tree.h)
//   fib(n)                  naive doubly recursive Fibonacci
//   quicksort(first, last)  in-place sort of [first, last) (sort.h)
//   nqueens(n)              number of solutions of the n-queens problem
//                           (bitmask search, one call per placed queen)
//
// `serial` is the plain serial code every system is measured against; it
// lives in its own translation unit (serial.cpp), compiled the same way for
// every executable. `spice_bench` is systems/spice.cpp: annotated with
// [[spice::parallel]] and rewritten by spice-rewrite at build time.
#ifndef SPICE_BENCH_KERNELS_H
#define SPICE_BENCH_KERNELS_H

#include "tree.h"

#include <cstdint>

namespace serial {
std::int64_t tree_sum(const tree::Node *root);
std::int64_t fib(int n);
void quicksort(std::int32_t *first, std::int32_t *last);
std::int64_t nqueens(int n);
} // namespace serial

namespace spice_bench {
std::int64_t tree_sum(const tree::Node *root);
std::int64_t fib(int n);
void quicksort(std::int32_t *first, std::int32_t *last);
std::int64_t nqueens(int n);
} // namespace spice_bench

#endif // SPICE_BENCH_KERNELS_H
