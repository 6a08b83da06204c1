// The quicksort building blocks every variant shares, so the systems differ
// only in how they fork: a median-of-three Hoare partition and an insertion
// sort for short ranges. The insertion sort is part of the algorithm (the
// serial function uses it too), not a parallelism cutoff.
#ifndef SPICE_BENCH_SORT_H
#define SPICE_BENCH_SORT_H

#include <cstddef>
#include <cstdint>
#include <utility>

namespace sortutil {

/// Ranges this short are insertion-sorted instead of partitioned.
constexpr std::ptrdiff_t kSmall = 16;

inline void insertion_sort(std::int32_t *first, std::int32_t *last) {
  for (std::int32_t *i = first + 1; i < last; ++i) {
    std::int32_t v = *i;
    std::int32_t *j = i;
    for (; j > first && j[-1] > v; --j)
      *j = j[-1];
    *j = v;
  }
}

/// Partitions [first, last) (at least two elements) around the median of its
/// first, middle and last elements. Returns `mid` with first < mid < last,
/// every element of [first, mid) <= every element of [mid, last).
inline std::int32_t *partition(std::int32_t *first, std::int32_t *last) {
  std::int32_t *a = first, *b = first + (last - first) / 2, *c = last - 1;
  std::int32_t *med;
  if (*a < *b)
    med = *b < *c ? b : (*a < *c ? c : a);
  else
    med = *a < *c ? a : (*b < *c ? c : b);
  std::swap(*first, *med);
  // Hoare's scheme with the pivot in front: the returned split is never an
  // end, so both halves shrink.
  const std::int32_t pivot = *first;
  std::int32_t *i = first - 1, *j = last;
  for (;;) {
    do
      --j;
    while (*j > pivot);
    do
      ++i;
    while (*i < pivot);
    if (i >= j)
      return j + 1;
    std::swap(*i, *j);
  }
}

} // namespace sortutil

#endif // SPICE_BENCH_SORT_H
