// A parallel function template defined in a header, used by two files.
#ifndef PAR_SUM_H
#define PAR_SUM_H
#include <spice/spice.h>

#include <cstddef>

template <class T>
[[spice::parallel]] T par_sum(const T *v, std::size_t lo, std::size_t hi) {
  if (hi - lo <= 512) {
    T s = 0;
    for (std::size_t i = lo; i < hi; ++i)
      s += v[i];
    return s;
  }
  std::size_t mid = lo + (hi - lo) / 2;
  T a = spice::spawn(par_sum<T>, v, lo, mid);
  T b = par_sum(v, mid, hi);
  spice::sync();
  return a + b;
}

long sum_of_squares(long n); // par_sum_user.cpp

#endif
