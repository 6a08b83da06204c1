// A parallel function template in a library header.
#ifndef LIB_ALGO_H
#define LIB_ALGO_H
#include <spice/spice.h>

#include "detail.h"
#include "more.h"

template <class T> [[spice::parallel]] T tsum(const T *v, long n) {
  if (n < 2)
    return n == 1 ? v[0] : zero<T>();
  T a = spice::spawn(tsum<T>, v, n / 2);
  T b = tsum(v + n / 2, n - n / 2);
  spice::sync();
  return a + b;
}

#endif
