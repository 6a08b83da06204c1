// Shared declaration of a parallel function defined in split_sum_def.cpp.
#ifndef SPLIT_SUM_H
#define SPLIT_SUM_H
#include <spice/spice.h>

namespace split {
[[spice::parallel]] long sum_to(long lo, long hi);
}

#endif
