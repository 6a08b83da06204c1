#include "counter.h"

long Counter::count(long lo, long hi) const {
  if (hi - lo <= 256) {
    long s = 0;
    for (long i = lo; i < hi; ++i)
      s += i * step_;
    return s;
  }
  long mid = lo + (hi - lo) / 2;
  long a = spice::spawn(&Counter::count, this, lo, mid);
  long b = count(mid, hi);
  spice::sync();
  return a + b;
}
