// An inline parallel function defined in a header.
#ifndef INLINE_FIB_H
#define INLINE_FIB_H
#include <spice/spice.h>

[[spice::parallel]] inline long hfib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(hfib, n - 1);
  long b = hfib(n - 2);
  spice::sync();
  return a + b;
}

#endif
