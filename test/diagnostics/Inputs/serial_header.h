// Parallel functions defined in a header.
#ifndef SERIAL_HEADER_H
#define SERIAL_HEADER_H
#include <spice/spice.h>

[[spice::parallel]] inline long hfib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(hfib, n - 1);
  long b = hfib(n - 2);
  spice::sync();
  return a + b;
}

template <class T> [[spice::parallel]] T twice(T x) { return x + x; }

#endif
