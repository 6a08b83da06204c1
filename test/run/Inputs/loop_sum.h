// Loops in templates of a header that spice-rewrite rewrites (it carries a
// [[spice::parallel]] of its own): an ordinary function template and a
// parallel member of a class template.
#ifndef LOOP_SUM_H
#define LOOP_SUM_H
#include "loop_work.h"

#include <spice/spice.h>

#include <cstdint>
#include <vector>

template <class T> T weighted_sum(const std::vector<T> &v) {
  return spice::parallel_reduce(
      std::size_t{0}, v.size(), T(),
      [&](auto i) { return T(work(i) % 3) * v[i]; },
      [](T a, T b) { return a + b; });
}

template <class T> struct Table {
  std::vector<T> cells;

  [[spice::parallel]] void scale(T by) {
    spice::parallel_for(cells.begin(), cells.end(),
                        [by](T &x) { x = x * by + T(work(x) % 2); });
  }
};

#endif
