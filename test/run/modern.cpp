// Today's ways of writing a parallel function: C++20 abbreviated templates
// (auto and constrained auto parameters), default template arguments (one
// ending in '>>'), and a parallel operator() spawned through *this.
// RUN: %run-spice --std=c++20 %t %s | FileCheck %s
#include "Inputs/keep_busy.h"
#include <spice/spice.h>

#include <concepts>
#include <cstdio>
#include <functional>
#include <vector>

[[spice::parallel]] long fib_auto(auto n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib_auto<decltype(n)>, n - 1);
  long b = fib_auto(n - 2);
  if (n == 20) // the top call: lets its spawns move to another worker
    keep_busy();
  spice::sync();
  return a + b;
}

[[spice::parallel]] long count_if(std::predicate<int> auto p, int lo, int hi) {
  if (hi - lo == 1)
    return p(lo) ? 1 : 0;
  int mid = lo + (hi - lo) / 2;
  long a = spice::spawn([&] { return count_if(p, lo, mid); });
  long b = count_if(p, mid, hi);
  if (hi - lo == 1000) // the top call: lets its spawns move
    keep_busy();
  spice::sync();
  return a + b;
}

template <class T = long, class Less = std::less<T>,
          class V = std::vector<std::vector<T>>>
[[spice::parallel]] T fib_default(T n) {
  if (Less()(n, T(2)))
    return n + static_cast<T>(V().size());
  T a = spice::spawn(fib_default<T, Less, V>, n - 1);
  T b = fib_default<T>(n - 2);
  if (n == 20) // the top call: lets its spawns move to another worker
    keep_busy();
  spice::sync();
  return a + b;
}

struct Fib {
  [[spice::parallel]] long operator()(int n) const {
    if (n < 2)
      return n;
    long a = spice::spawn(*this, n - 1);
    long b = (*this)(n - 2);
    if (n == 20) // the top call: lets its spawns move to another worker
      keep_busy();
    spice::sync();
    return a + b;
  }
};

int main() {
  std::printf("%ld %ld\n", fib_auto(20), fib_auto(15L));
  std::printf("%ld\n", count_if([](int x) { return x % 3 == 0; }, 0, 1000));
  std::printf("%ld %d\n", fib_default(20L), fib_default<int>(15));
  std::printf("%ld\n", Fib{}(20));
}
// CHECK: 6765 610
// CHECK-NEXT: 334
// CHECK-NEXT: 6765 610
// CHECK-NEXT: 6765
