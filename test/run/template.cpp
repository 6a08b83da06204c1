// Function templates: explicit specialization as callee, deduced one-call
// form, a parallel template calling itself through a dependent name.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>
#include <vector>

template <class T>
[[spice::parallel]] T range_sum(const std::vector<T> &v, size_t lo, size_t hi) {
  if (hi - lo <= 1000) {
    T s = 0;
    for (size_t i = lo; i < hi; ++i)
      s += v[i];
    return s;
  }
  size_t mid = lo + (hi - lo) / 2;
  T left = spice::spawn(range_sum<T>, v, lo, mid);
  T right = range_sum(v, mid, hi);
  spice::sync();
  return left + right;
}

template <class T> [[spice::parallel]] T twice(T x) {
  auto a = spice::spawn(range_sum(std::vector<T>(100, x), 0, 100));
  auto b = spice::spawn([x] { return x * 100; });
  spice::sync();
  return a + b;
}

int main() {
  std::vector<long> v(8000000);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<long>(i);
  std::vector<double> d(5000, 0.5);
  // Many calls: one sum of the vector is over in a few milliseconds.
  long total = 0;
  for (int round = 0; round < 10; ++round)
    total += range_sum(v, 0, v.size());
  std::printf("long %ld\n", total);
  std::printf("double %.1f\n", range_sum<double>(d, 0, d.size()));
  std::printf("twice %d\n", twice(3));
}
// CHECK: long 319999960000000
// CHECK-NEXT: double 2500.0
// CHECK-NEXT: twice 600
