// A parallel function template in a header of the project: spice_rewrite()
// rewrites a copy of this header into the build tree, found first.
#ifndef CONSUMER_ALGO_H
#define CONSUMER_ALGO_H

#include <spice/spice.h>

#include <cstddef>

namespace consumer {

template <class T>
[[spice::parallel]] T parallel_sum(const T *v, std::size_t n) {
  if (n <= 1024) {
    T s = 0;
    for (std::size_t i = 0; i < n; ++i)
      s += v[i];
    return s;
  }
  T a = spice::spawn(parallel_sum<T>, v, n / 2);
  T b = parallel_sum(v + n / 2, n - n / 2);
  spice::sync();
  return a + b;
}

/// Sum of i * i below n, through parallel_sum (defined in plain.cpp).
long sum_of_squares(int n);

} // namespace consumer

#endif // CONSUMER_ALGO_H
