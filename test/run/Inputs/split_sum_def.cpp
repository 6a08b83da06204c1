#include "split_sum.h"

namespace split {
long sum_to(long lo, long hi) {
  if (hi - lo < 64) {
    long s = 0;
    for (long i = lo; i < hi; ++i)
      s += i;
    return s;
  }
  long mid = lo + (hi - lo) / 2;
  long a = spice::spawn(sum_to, lo, mid);
  long b = sum_to(mid, hi);
  spice::sync();
  return a + b;
}
} // namespace split
