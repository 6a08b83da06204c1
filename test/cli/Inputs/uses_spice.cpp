#include <spice/spice.h>

#ifdef SPICE_TEST_FAIL
#error compiler arguments reached the parser
#endif

#ifndef TWICE_FACTOR
#define TWICE_FACTOR 2
#endif

[[spice::parallel]] int twice(int x) {
  int a = spice::spawn([x] { return x * TWICE_FACTOR; });
  spice::sync();
  return a;
}
