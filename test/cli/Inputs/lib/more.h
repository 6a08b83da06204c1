// Next to algo.h, with [[spice::parallel]]: its copy sits next to algo.h's.
#ifndef LIB_MORE_H
#define LIB_MORE_H
#include <spice/spice.h>

[[spice::parallel]] inline long twice(long x) {
  long a = spice::spawn([x] { return x; });
  long b = x;
  spice::sync();
  return a + b;
}
#endif
