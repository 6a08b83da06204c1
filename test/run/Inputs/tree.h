// A class template whose parallel member is defined in the class body.
#ifndef TREE_H
#define TREE_H
#include <spice/spice.h>

#include <cstddef>
#include <vector>

template <class T> struct Range {
  std::vector<T> values;

  [[spice::parallel]] T sum(std::size_t lo, std::size_t hi) const {
    if (hi - lo <= 512) {
      T s = 0;
      for (std::size_t i = lo; i < hi; ++i)
        s += values[i];
      return s;
    }
    std::size_t mid = lo + (hi - lo) / 2;
    T a = spice::spawn(&Range::sum, this, lo, mid);
    T b = sum(mid, hi);
    spice::sync();
    return a + b;
  }
};

#endif
