// Statement spawns of a void function on a shared vector; a parallel
// function with no spawn that only calls another one.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>
#include <utility>
#include <vector>

static long partition(std::vector<long> &v, long lo, long hi) {
  long pivot = v[(lo + hi) / 2];
  long i = lo, j = hi;
  while (true) {
    while (v[i] < pivot)
      ++i;
    while (v[j] > pivot)
      --j;
    if (i >= j)
      return j;
    std::swap(v[i++], v[j--]);
  }
}

[[spice::parallel]] void quicksort(std::vector<long> &v, long lo, long hi) {
  if (lo >= hi)
    return;
  long mid = partition(v, lo, hi);
  spice::spawn(quicksort, v, lo, mid);
  quicksort(v, mid + 1, hi);
  spice::sync();
}

[[spice::parallel]] void sort_all(std::vector<long> &v) {
  quicksort(v, 0, static_cast<long>(v.size()) - 1);
}

int main() {
  std::vector<long> v;
  unsigned long x = 12345;
  for (int i = 0; i < 2000000; ++i) {
    x = x * 6364136223846793005ul + 1442695040888963407ul;
    v.push_back(static_cast<long>(x >> 40));
  }
  sort_all(v);
  bool sorted = true;
  for (size_t i = 1; i < v.size(); ++i)
    sorted &= v[i - 1] <= v[i];
  std::printf("sorted %d first %ld last %ld\n", sorted, v.front(), v.back());
}
// CHECK: sorted 1 first {{[0-9]+}} last {{[0-9]+}}
