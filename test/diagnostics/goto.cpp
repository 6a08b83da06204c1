// goto into and out of a spawn..sync region.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

long f(long n) { return n; }

[[spice::parallel]] long out_of(long n) {
  long a = spice::spawn(f, n);
  if (n > 3)
    goto done;
  // CHECK: goto.cpp:[[@LINE-1]]:5: error: goto jumps out of the region between a spawn and its sync
  // CHECK: note: the region starts at this spawn
  spice::sync();
done:
  return n;
}

[[spice::parallel]] long into(long n) {
  long a = 0;
  if (n > 3)
    goto inside;
  // CHECK: goto.cpp:[[@LINE-1]]:5: error: goto jumps into the region between a spawn and its sync
  a = spice::spawn(f, n);
inside:
  spice::sync();
  return a;
}
