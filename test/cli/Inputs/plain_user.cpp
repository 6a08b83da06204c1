// No [[spice::parallel]] in this file, but in a header it includes.
#include <lib/algo.h>

long sum3(const long *v) { return tsum(v, 3); }
